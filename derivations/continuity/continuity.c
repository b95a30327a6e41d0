/* derivations/continuity/continuity.c -- marginal vs conditional continuity
 * equations: the claim table, the controls, the figures and the sizes.
 *
 * Claims C1-C7 of CATALOG.md (module `continuity`; N "marginal vf
 * induced by conditional vf", N "Ordinary differential equation",
 * L "Justification", L "Flow matching: algorithms", L "Background:
 * continuity equation").
 *
 * C1-C3 are order studies (fc_study.h, residual.c): the continuity
 * residual of fc_fd.h at points drawn from p_t, at the times ct_times,
 * over a geometric sequence of steps h,
 *
 *   rel(h) = rms_i R_h(x_i) / rms_i dpdt_h(x_i)     (pooled over the times)
 *
 * A field that solves the equation has rel(h) = c2 h^2 + c4 h^4 + ...
 * (central differences), so the fitted log-log slope is 2 up to O(h_max^2);
 * a field that does not has rel(h) -> const != 0, slope 0.  C4 is a paired
 * Monte Carlo comparison plus a least-squares regressor (regression.c), C5
 * integrates the flow (flow.c), C6 measures the growth of sup |u_t| as
 * t -> 1 (speed.c), C7 builds fields of the mixture path
 * (mixture_path.c).  The data sets and schedules of the breadth claims
 * are in data.c.  Every decision rule and tolerance is stated next to
 * the constant it uses; the size of every control's change, and why it
 * must flip the verdict, in continuity_internal.h.  */
#include <config.h>

#include "continuity_internal.h"
#include "fc_module.h"

/* Full sizes for `flowcheck run`; quick ones for the tests and valgrind.
   The studies' verdicts and tolerances are derived for either.  */
const ct_sizes ct_sizes_plan[FC_SIZE_COUNT] = {
  [FC_SIZE_FULL] = { .n_points = 400, .square_nodes = 32, .cloud = 400,
                     .c4_per_time = 8000, .c4_n_fit = 3,
                     .c4_fit = { 500, 2000, 8000 },
                     .c5_change = 100, .c5_ntol = 8, .c5_sample = 2000, .c6_grid = 161,
                     .fig_fine = 121, .fig_coarse = 21 },
  [FC_SIZE_QUICK] = { .n_points = 64, .square_nodes = 16, .cloud = 64,
                      .c4_per_time = 500, .c4_n_fit = 3,
                      .c4_fit = { 400, 1600, 3200 },
                      .c5_change = 8, .c5_ntol = 6, .c5_sample = 400, .c6_grid = 41,
                      .fig_fine = 41, .fig_coarse = 11 },
};

/* Each claim's controls: the same check with one stated change
   (continuity_internal.h gives each size and why it flips the verdict).  */
static const fc_control ct_c1_controls[] = {
  { "sigma_dot_off",
    "the sigma' term of u_t(x|x1) scaled by 1 + " CT_STR (CT_C1_SIGMA_DOT_ERROR)
    " on every schedule",
    FC_VERDICT_REFUTED, CT_CONTROL_C1_SIGMA_DOT },
};

static const fc_control ct_c2_controls[] = {
  { "flattened_posterior",
    "the posterior q(x1|x) mixed with f = " CT_STR (CT_C2_FLATTEN)
    " of the prior q(x1): field (1 - f) u_t + f ubar_t (ubar_t of C3)",
    FC_VERDICT_REFUTED, CT_CONTROL_C2_FLATTENED },
  { "coarse_quadrature",
    "the uniform square as a Gauss-Legendre mixture of " CT_STR (CT_C2_COARSE_NODES)
    " nodes per axis: no longer the square at the test points",
    FC_VERDICT_NONE, CT_CONTROL_C2_COARSE_QUADRATURE },
};

static const fc_control ct_c3_controls[] = {
  { "posterior_weighted",
    "the corrected field: conditional fields weighted by the posterior "
    "q(x1|x), i.e. the marginal u_t",
    FC_VERDICT_CONFIRMED, CT_CONTROL_C3_WEIGHTED },
};

static const fc_control ct_c4_controls[] = {
  { "target_scaled",
    "CFM target (x1 - x0) scaled by 1 + s, s = " CT_STR (CT_C4_TARGET_SCALE)
    ": L_CFM - L_FM = const - 2 s E[v . u_t] depends on v",
    FC_VERDICT_REFUTED, CT_CONTROL_C4_TARGET_SCALED },
  { "target_endpoint",
    "regression target x1 in place of x1 - x0: its minimiser is E[x1|x_t], "
    "not u_t",
    FC_VERDICT_REFUTED, CT_CONTROL_C4_TARGET_ENDPOINT },
};

static const fc_control ct_c5_controls[] = {
  { "field_scaled",
    "the flow field u_t and its divergence scaled by 1 + "
    CT_STR (CT_C5_FIELD_SCALE),
    FC_VERDICT_REFUTED, CT_CONTROL_C5_FIELD_SCALED },
  { "field_visibly_wrong",
    "the flow field (1 + " CT_STR (CT_C5_VISIBLE_SCALE) ") u_t + "
    CT_STR (CT_C5_VISIBLE_SHIFT) " e_1: an error the pushed samples show",
    FC_VERDICT_REFUTED, CT_CONTROL_C5_FIELD_VISIBLE },
};

static const fc_control ct_c6_controls[] = {
  { "endpoint_biased",
    "u = ((1 + b) E[x1|x] - x)/(1 - t), an endpoint predictor off by b = "
    CT_STR (CT_C6_ENDPOINT_BIAS),
    FC_VERDICT_REFUTED, CT_CONTROL_C6_ENDPOINT_BIAS },
};

static const fc_control ct_c7_controls[] = {
  { "flux_sign_flipped",
    "every flux with its sign flipped: 1-D (F1 - F0)/p_t, 2-D -J/p_t "
    "(d/dx(p u) = p1 - p0: the wrong way)",
    FC_VERDICT_REFUTED, CT_CONTROL_C7_FLUX_SIGN },
  { "flux_constant",
    "1-D flux F0 - F1 + " CT_STR (CT_C7_FLUX_CONSTANT)
    ": another solution, whose flux does not vanish at infinity",
    FC_VERDICT_REFUTED, CT_CONTROL_C7_FLUX_CONSTANT },
  { "rotation_unweighted",
    "2-D second field J_S/p_t + (J_L - J_S): the divergence-free flux added "
    "to the field without the 1/p_t weighting",
    FC_VERDICT_REFUTED, CT_CONTROL_C7_UNWEIGHTED_ROTATION },
  { "means_on_axis",
    "2-D component means projected on the x axis, where the straight and "
    "L-shaped translations coincide",
    FC_VERDICT_REFUTED, CT_CONTROL_C7_AXIS_MEANS },
};

static const fc_claim ct_claims[] = {
  { "C1", "L 'Probability flow in a simple setting'",
    "p_t(x|x1) = N(alpha x1, sigma^2 I) with u = alpha' x1 + sigma' (x - alpha "
    "x1)/sigma (linear: (x1 - x)/(1-t)) solves dp/dt = -div(p u)",
    FC_VERDICT_CONFIRMED, ct_check_c1, FC_CONTROLS (ct_c1_controls) },
  { "C2", "N §marginal vf; L 'Justification'",
    "the posterior-weighted marginal field u_t solves the marginal continuity "
    "equation (linear, cosine, vp; GMM in D = 2, 3, 6, uniform square, "
    "empirical data)",
    FC_VERDICT_CONFIRMED, ct_check_c2, FC_CONTROLS (ct_c2_controls) },
  { "C3", "N §marginal vf; L 'Justification'",
    "counter-example: the unweighted average int u_t(x|x1) q(x1) dx1 solves "
    "the marginal continuity equation",
    FC_VERDICT_REFUTED, ct_check_c3, FC_CONTROLS (ct_c3_controls) },
  { "C4", "L 'Flow matching: algorithms'",
    "u_t minimises E||v(x_t) - (x1 - x_t)/(1-t)||^2; L_CFM(v) - L_FM(v) does "
    "not depend on v",
    FC_VERDICT_CONFIRMED, ct_check_c4, FC_CONTROLS (ct_c4_controls) },
  { "C5", "N §Ordinary differential equation; L 'Sampling algorithm'",
    "integrating dx/dt = u_t(x) from N(0, I) yields q",
    FC_VERDICT_CONFIRMED, ct_check_c5, FC_CONTROLS (ct_c5_controls) },
  { "C6", "N §Ordinary differential equation",
    "the flow is a C1 diffeomorphism if u_t is C1 and bounded: u_t is bounded "
    "up to t = 1 for nonsingular data, grows like 1/(1-t) for Dirac data",
    FC_VERDICT_CONFIRMED, ct_check_c6, FC_CONTROLS (ct_c6_controls) },
  { "C7", "L 'Background: continuity equation', option (1)",
    "the mixture path p_t = (1-t) p0 + t p1 has a generating field, not "
    "unique: in 1-D the flux of the CDF difference (F0 - F1)/p_t is the "
    "one solution decaying at infinity; in 2-D two different fields solve it",
    FC_VERDICT_CONFIRMED, ct_check_c7, FC_CONTROLS (ct_c7_controls) },
};

/* The figures (figures.c).  continuity-order renders the order studies
   C1-C3 stored in the record.  vector-field and trajectories illustrate
   the marginal path and its flow; no check measures them (C6 scans the
   field near t = 1 on another grid, C5 pushes 8gaussians adaptively), so
   figures.c computes them: grid evaluations of the exact path and 60 RK4
   paths, about 1% of the checks' CPU time at the full sizes (0.07 s
   against 6 s), so `flowcheck run --out` stays within 10% of
   `flowcheck run`.  */
static const fc_figure ct_figures[] = {
  { "continuity-order", "C1 C2 C3", { "continuity-order.dat", NULL } },
  { "vector-field", "C2",
    { "vector-field-density.dat", "vector-field-arrows.dat", NULL } },
  { "trajectories", "C5", { "trajectories.dat", NULL } },
};

FC_MODULE_DEFINE (continuity,
                  "marginal vs conditional continuity equations (N §marginal vf, "
                  "L 'Justification')",
                  ct_claims, ct_figures, ct_figure_record,
                  ct_write_figures, NULL);
