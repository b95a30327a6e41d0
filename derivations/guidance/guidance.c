/* derivations/guidance/guidance.c -- module `guidance`: conditional
 * fields and reconstruction guidance (claims G1-G6 of CATALOG.md; N
 * §Conditional flow matching, §Conditional vector field, §Guidance term).
 *
 * The claim table with each claim's controls, and the figure list.  The
 * setting and the parts are described in guidance_internal.h.  */
#include <config.h>

#include "guidance_internal.h"

/* G1 is REFUTED: its corrected form, the exact guided field, must be
   confirmed by the same order rule; with c_t replaced by 1 it must not.  */
static const fc_control gd_g1_controls[] = {
  { "exact_guidance",
    "u_t + c_t grad log p_t(y|x): the interpolant's likelihood and the "
    "factor c_t = (1-t)/t in place of p(y|x) at x and c",
    FC_VERDICT_CONFIRMED, GD_G1_EXACT_GUIDANCE },
  { "exact_guidance_unit_factor",
    "u_t + grad log p_t(y|x): the interpolant's likelihood with c_t replaced "
    "by 1 (off by 3x at t = 0.25, 4x at t = 0.8)",
    FC_VERDICT_REFUTED, GD_G1_EXACT_UNIT_FACTOR },
};

/* G2 is REFUTED: the corrected equation must be confirmed; with its factor
   c_t replaced by 1 or 0 it must not.  */
static const fc_control gd_g2_controls[] = {
  { "corrected_equation",
    "dh/dt + u.grad h + c_t (lap h + grad log p_t . grad h) = 0 in place of "
    "the note's dh/dt = -div(h u), linear schedule",
    FC_VERDICT_CONFIRMED, GD_G2_CORRECTED },
  { "corrected_unit_factor",
    "the corrected equation with c_t replaced by 1 (right at t = 1/2 only), "
    "linear schedule",
    FC_VERDICT_REFUTED, GD_G2_FACTOR_ONE },
  { "corrected_without_factor_term",
    "the corrected equation with c_t replaced by 0, cosine schedule",
    FC_VERDICT_REFUTED, GD_G2_FACTOR_ZERO },
};

/* G3 is REFUTED: sampling with the interpolant's own likelihood must be
   confirmed.  */
static const fc_control gd_g3_controls[] = {
  { "interpolant_likelihood",
    "p_t(y|x) of the interpolant in place of the ODE coupling's "
    "p(y | phi_{t->1}(x)), same samplers and band",
    FC_VERDICT_CONFIRMED, GD_G3_INTERPOLANT },
};

/* G4 is APPROXIMATE: where the approximation is exact the same check must
   confirm; with the covariance's time factor dropped its promised limit
   and rates as t -> 1 must fail.  */
static const fc_control gd_g4_controls[] = {
  { "gaussian_prior_tweedie",
    "one Gaussian prior (each data set's mean and covariance), whose "
    "Tweedie-covariance likelihood is then exact",
    FC_VERDICT_CONFIRMED, GD_G4_GAUSSIAN_TWEEDIE },
  { "covariance_without_time_factor",
    "the covariances' factor (sigma/alpha)^2 = (1-t)^2/t^2 dropped: "
    "sigma_y^2 I + gamma A A^T, and sigma_y^2 I + A Cov A^T (alpha/sigma)^2",
    FC_VERDICT_REFUTED, GD_G4_NO_TIME_FACTOR },
};

/* G5 is REFUTED: the gradient with the factor J^T A^T must be confirmed;
   that gradient with a covariance wrong at t = 1 must leave the check
   undecided.  */
static const fc_control gd_g5_controls[] = {
  { "jacobian_form",
    "J^T A^T Sigma^{-1} (y - A x1hat), G4's gradient, in place of the note's "
    "Sigma^{-1} (y - A x1hat)",
    FC_VERDICT_CONFIRMED, GD_G5_JACOBIAN_FORM },
  { "corrected_without_time_factor",
    "the corrected form J^T A^T Sigma^{-1} (y - A x1hat) with Sigma = "
    "sigma_y^2 I + gamma A A^T (time factor dropped: wrong at t = 1)",
    FC_VERDICT_NONE, GD_G5_NO_TIME_FACTOR },
};

/* G6 is APPROXIMATE: where the approximation is exact the same check must
   confirm; with the covariances' time factor dropped its promise (the
   Tweedie sampler exact for one Gaussian prior) must fail; with a wrong
   reference sampler the check must see it cannot decide.  */
static const fc_control gd_g6_controls[] = {
  { "gaussian_prior_tweedie",
    "every prior replaced by one Gaussian with its mean and covariance; exact "
    "guidance against the Tweedie covariance alone, whose likelihood is then "
    "exact",
    FC_VERDICT_CONFIRMED, GD_G6_GAUSSIAN_TWEEDIE },
  { "covariance_without_time_factor",
    "the approximations' covariances without their factor (sigma/alpha)^2: "
    "sigma_y^2 I + gamma A A^T, sigma_y^2 I + A Cov A^T (alpha/sigma)^2",
    FC_VERDICT_REFUTED, GD_G6_NO_TIME_FACTOR },
  { "exact_guidance_unit_factor",
    "the reference sampler u_t + grad log p_t(y|x): exact guidance with its "
    "factor c_t = (1-t)/t replaced by 1",
    FC_VERDICT_NONE, GD_G6_EXACT_UNIT_FACTOR },
};

static const fc_claim gd_claims[] = {
  { "G1", "N §Conditional vector field",
    "the postulate u_t(.|y) = u_t + grad_x log p(y|x) (or with any rescaling "
    "c(t) of that term) generates p_t(x|y)",
    FC_VERDICT_REFUTED, gd_check_g1, FC_CONTROLS (gd_g1_controls) },
  { "G2", "N §Conditional vector field",
    "d/dt p_t(y|x) = -div(p_t(y|x) u_t(x)); correct: dh/dt + u.grad h + c_t "
    "(lap h + grad log p_t . grad h) = 0",
    FC_VERDICT_REFUTED, gd_check_g2, FC_CONTROLS (gd_g2_controls) },
  { "G3", "N §Guidance term",
    "assuming the flow bijective, p_t(x1|x) = delta(x1 - phi_t(x)): the "
    "ODE-coupling likelihood p(y|phi(x)) serves as p_t(y|x) for guidance",
    FC_VERDICT_REFUTED, gd_check_g3, FC_CONTROLS (gd_g3_controls) },
  { "G4", "N §Guidance term",
    "reconstruction guidance p_t(y|x_t) ~ N(y | A x1hat, sigma_y^2 I + gamma "
    "(1-t)^2/t^2 A A^T): gradient error vs t and gamma",
    FC_VERDICT_APPROXIMATE, gd_check_g4, FC_CONTROLS (gd_g4_controls) },
  { "G5", "N §Guidance term",
    "N's gradient (sigma_y^2 + gamma (1-t)^2/t^2 A A^T)^{-1} (y - A x1hat) "
    "is grad_x log p_t(y|x)",
    FC_VERDICT_REFUTED, gd_check_g5, FC_CONTROLS (gd_g5_controls) },
  { "G6", "N §Guidance term",
    "posterior sampling with GMM priors in D = 2, 8, 80 and m < D rows: exact "
    "guidance vs reconstruction guidance (gamma grid) and the Tweedie "
    "covariance, sliced W2 to exact samples",
    FC_VERDICT_APPROXIMATE, gd_check_g6, FC_CONTROLS (gd_g6_controls) },
};

static const fc_figure gd_figure_list[] = {
  { "guidance-residual", "G1 G2", { "guidance-residual.dat", NULL } },
  { "guided-samples", "G4 G6", { "guided-samples.dat", NULL } },
  { "guidance-gamma", "G6", { "guidance-gamma.dat", NULL } },
};

FC_MODULE_DEFINE (guidance,
                  "conditional fields and reconstruction guidance (N §Conditional"
                  " flow matching, §Guidance term)",
                  gd_claims, gd_figure_list, gd_figures,
                  gd_write_figures, gd_free_figures);
