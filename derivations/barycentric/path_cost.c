/* derivations/barycentric/path_cost.c -- B6: the path cost C(alpha) =
 * int E ||b||^2 dt is at least W2^2(rho_i, rho_j), and a learned path
 * lowers C below the straight path (N §Albergo et al. 2023 "Optimisation
 * of path").
 *
 * Benamou-Brenier: b carries rho_i to rho_j in unit time, so its kinetic
 * energy is at least W2^2.  Every path problem of path_learning.c is
 * learned at the module's sizes and its costs measured against the bound
 * and against each other.  The paths and their traces are what the
 * figures simplex-paths and path-cost draw.  */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_machine.h>
#include <gsl/gsl_math.h>

#include "barycentric_internal.h"

/* The band of a cost against the bound: quadrature error, or Z_MAX
   standard errors for Monte Carlo.  */
static double
bc_band (const fc_barycentric_path *r, double err)
{
  return r->mc ? BC_Z_MAX * err : err;
}

/* Control BC_B6_BOUND_RAISED: the lower bound W2^2 (Gelbrich for the
   mixture) raised by half.  Every learned path costs less than 1.5 times
   its bound (the most, gauss1d_narrow, 1.41 times; gauss2d 1.03 times),
   so every problem's cost must violate the raised bound by far more than
   its band: the check must refute it.
   Control BC_B6_NO_MODES: the paths are given no sine modes (N = 0), so
   the "learned" path is the straight one and C(learned) - C(straight) is
   0 on the same draws: the claim that learning lowers C must fail in
   every problem.  */
#define BC_B6_BOUND_RAISE 0.5

/* The end points and simplex membership of a path: exact up to the
   rounding of its coefficients (shown beside the reported figure).  */
#define BC_SIMPLEX_TOL (16.0 * GSL_DBL_EPSILON)

/* The deciding figures of path R (against the lower BOUND) into V, both
   HOLDS: the bound (both costs at least the bound minus their band:
   quadrature errors, or Z_MAX standard errors for Monte Carlo) and the
   lowering (C(learned) - C(straight) below minus its band: Z_MAX paired
   standard errors on independent draws, or the quadrature errors).
   Reported: the share of the gap closed, and the path's end-point error
   and distance to the simplex (exact by the path's construction, so they
   cannot fail: reported only).  */
static void
bc_b6_record (fc_verdict *v, const fc_barycentric_path *r, double bound)
{
  char name[FC_VERDICT_NAME_LEN];
  double bs = bc_band (r, r->err_straight), bl = bc_band (r, r->err_learned);
  double bd = bc_band (r, r->diff_err);
  snprintf (name, sizeof name, "%s_bound_excess", r->name);
  fc_verdict_decide (v, FC_TEST_HOLDS, name,
                     bound - GSL_MIN (r->straight, r->learned),
                     GSL_MAX (bs, bl),
                     bound - r->straight <= bs && bound - r->learned <= bl);
  snprintf (name, sizeof name, "%s_learned_minus_straight", r->name);
  fc_verdict_decide (v, FC_TEST_HOLDS, name, r->diff, bd, r->diff < -bd);
  snprintf (name, sizeof name, "%s_gap_closed", r->name);
  fc_verdict_report (v, name, fc_barycentric_gap_closed (r), GSL_NAN);
  snprintf (name, sizeof name, "%s_endpoint_error", r->name);
  fc_verdict_report (v, name, r->end_error + r->simplex_violation,
                     BC_SIMPLEX_TOL);
}

/* Keep path R for the figures when they are wanted (the record takes its
   trace), else free it.  */
static void
bc_b6_keep (const fc_run_options *opt, size_t id, fc_barycentric_path *r)
{
  bc_figure_record *rec = opt->figures;
  if (rec == NULL)
    {
      fc_barycentric_path_free (r);
      return;
    }
  fc_barycentric_path_free (&rec->paths[id]);
  rec->paths[id] = *r;
  rec->have_paths = id + 1 == FC_BARYCENTRIC_N_PATH_PROBLEMS;
}

int
bc_check_b6 (const fc_run_options *opt, fc_verdict *v)
{
  int variant = fc_control_variant (opt);
  double raise = variant == BC_B6_BOUND_RAISED ? 1.0 + BC_B6_BOUND_RAISE : 1.0;
  fc_barycentric_plan plan = FC_SIZES (bc_sizes_plan, opt)->paths;
  if (variant == BC_B6_NO_MODES)
    plan.n_modes = 0;
  char line[FC_VERDICT_NOTE_LEN] = "", part[96];
  for (size_t id = 0; id < FC_BARYCENTRIC_N_PATH_PROBLEMS; id++)
    {
      fc_barycentric_path r;
      int status = fc_barycentric_path_learn (opt, id, &plan, &r);
      if (status)
        {
          fc_barycentric_path_free (&r);
          return status;
        }
      bc_b6_record (v, &r, raise * r.bound);
      double gap = fc_barycentric_gap_closed (&r);
      fc_module_progress (opt, "%s: C_straight %.6g C_learned %.6g bound "
                          "%.6g gap closed %.3f (%.1f s)", r.name, r.straight,
                          r.learned, r.bound, gap, r.seconds);
      snprintf (part, sizeof part, "%s%s %.2f", id ? ", " : "", r.name, gap);
      strncat (line, part, sizeof line - strlen (line) - 1);
      bc_b6_keep (opt, id, &r);
    }
  fc_verdict_note (v, "C >= %sW2^2 (Gelbrich for the mixture) and learned "
                   "< straight, each in its band; gap closed: %s",
                   raise != 1.0 ? "1.5 " : "", line);
  return GSL_SUCCESS;
}
