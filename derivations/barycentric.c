/* derivations/barycentric.c -- multimarginal interpolants and the learned
 * path (N §Albergo et al. 2023, §Non-linear multimarginal interpolant,
 * §What we need to do, §Chat 3/11/2023).  Skeleton: the claim table; the
 * checks of B1-B5, B9 and B10 are still to be written.  */
#include <config.h>

#include <gsl/gsl_errno.h>

#include "barycentric.h"
#include "fc_module.h"

#define BC_ALBERGO "N §Albergo et al. 2023"

static int
bc_unwritten (const fc_run_options *opt, fc_verdict *v)
{
  (void) opt;
  (void) v;
  return GSL_EUNIMPL;
}

static const fc_claim bc_claims[] = {
  { "B1", BC_ALBERGO,
    "sum_k alpha_k g_k(alpha, x) = x with g_k = E[x_k | x(alpha) = x]",
    FC_VERDICT_CONFIRMED, bc_unwritten },
  { "B2", BC_ALBERGO,
    "u_0 = (x - sum_{k>1} alpha_k u_k) / alpha_0 (as written; the sum must "
    "run over k >= 1)",
    FC_VERDICT_REFUTED, bc_unwritten },
  { "B3", BC_ALBERGO,
    "d rho / d alpha_k + div(g_k rho) = 0 for every k (rho extended off "
    "the simplex)",
    FC_VERDICT_CONFIRMED, bc_unwritten },
  { "B4", BC_ALBERGO,
    "along any path alpha(t) from e_i to e_j, b = sum_k alpha_k' g_k "
    "transports rho_i to rho_j",
    FC_VERDICT_CONFIRMED, bc_unwritten },
  { "B5", BC_ALBERGO,
    "g_k is the unique minimiser of int E || g(alpha, x(alpha)) - x_k ||^2 "
    "d alpha",
    FC_VERDICT_CONFIRMED, bc_unwritten },
  { "B6", BC_ALBERGO,
    "the path cost C(alpha) = int E ||b||^2 dt is at least W2^2(rho_i, "
    "rho_j); a learned path lowers C below the straight path",
    FC_VERDICT_CONFIRMED, fc_barycentric_b6_check },
  { "B7", "N §What we need to do",
    "t(s) = s + (sum_n a_n sin(pi s / 2))^2 parameterises a path from 0 "
    "to 1",
    FC_VERDICT_REFUTED, fc_barycentric_b7_check },
  { "B8", "N §Chat 3/11/2023",
    "two-block schedule (t_a, t_b): a learned path is no worse than the "
    "diagonal; separate simplex vertices per block lose the blocks' "
    "correlation",
    FC_VERDICT_CONFIRMED, fc_barycentric_b8_check },
  { "B9", "N §Non-linear multimarginal interpolant",
    "x = I(alpha, xbar): b = <alpha', g>, g = E[grad_alpha I | x(alpha) = "
    "x] generates the path of a non-linear (trigonometric) interpolant",
    FC_VERDICT_CONFIRMED, bc_unwritten },
  { "B10", "N §Chat 3/11/2023",
    "b = alpha_1' E[x1|x] + alpha_0' (x - alpha_1 E[x1|x]) / alpha_0 equals "
    "the direct E[x-dot | x]",
    FC_VERDICT_CONFIRMED, bc_unwritten },
};

static int
bc_write_figure_data (const fc_run_options *opt)
{
  return fc_barycentric_write_cost_figures (opt);
}

const fc_module fc_module_barycentric
    = { "barycentric",
        "multimarginal interpolants, the learned path and its transport "
        "cost (N §Albergo et al. 2023 ... §Chat 3/11/2023)",
        bc_claims, sizeof bc_claims / sizeof bc_claims[0],
        bc_write_figure_data };
