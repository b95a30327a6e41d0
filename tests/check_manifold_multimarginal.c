/* tests/check_manifold_multimarginal.c -- claims M8 and M9 of module
 * `manifold` (N §Interpolating between noise to data distribution over
 * SE(3), "manifolds") and their controls, and the velocity of exp the M8
 * check is built on.
 *
 * One test per claim and control: it runs the check with the quick sizes
 * and a fixed seed, asserts the expected verdict (written here, not read
 * from the module) or the control's declared one, which figures decide
 * (and of what kind) and which pass.  M8: the vertices to round-off, the
 * note's approximation measurably inexact (E[x_k | x] off SO(3), the
 * vector "inequality" true in some components and false in others) and
 * exact when x_k is a function of x.  M9: (t-1, t) is off the simplex by
 * exactly 3 at t = 0 and starts away from x0 for an anchor other than x0;
 * (1-t, t) joins x0 to x1 and is the geodesic with anchor x0.  */
#include <config.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fc_check.h"
#include "fc_module.h"
#define FC_CK_MODULE "manifold"
#include "fc_check_module.h"
#include "manifold/manifold_internal.h"

/* ------------------------------------------------ the velocity of exp */

/* mf_exp_velocity against the central difference (exp(v + h u) - exp(v -
   h u))/(2h) of fc_so3_exp: truncation h^2 |d^3 exp| / 6 (~1e-11 at h =
   1e-5, |v| <= pi) plus round-off eps/h (~2e-11); band 1e-9.  Angles
   on both sides of the series switch (0.1), tiny and near pi.  */
FC_TEST ("velocity", test_exp_velocity_matches_central_differences)
{
  static const double angle[] = { 0.0, 1e-6, 0.05, 0.0999999, 0.1000001,
                                  0.7, 2.0, M_PI - 1e-3 };
  static const double axis[3] = { 0.48, -0.6, 0.64 };
  static const double u[3] = { -0.3, 0.9, 0.2 };
  const double h = 1e-5, band = 1e-9;
  for (size_t a = 0; a < sizeof angle / sizeof angle[0]; a++)
    {
      double v[3], vp[3], vm[3], V[9], Ep[9], Em[9];
      for (int i = 0; i < 3; i++)
        {
          v[i] = angle[a] * axis[i];
          vp[i] = v[i] + h * u[i];
          vm[i] = v[i] - h * u[i];
        }
      ck_assert_int_eq (mf_exp_velocity (v, u, V), GSL_SUCCESS);
      ck_assert_int_eq (fc_so3_exp (vp, Ep), GSL_SUCCESS);
      ck_assert_int_eq (fc_so3_exp (vm, Em), GSL_SUCCESS);
      for (int i = 0; i < 9; i++)
        fc_ck_assert_abs (V[i], (Ep[i] - Em[i]) / (2.0 * h), band,
                          "angle %.17g entry %d", angle[a], i);
    }
}
END_TEST

/* -------------------------------------------------------------- M8 */

/* M8's deciding figures, each passing or failing as given: the vertices
   (HOLDS), the orthogonality of the conditional law (VALID) and the two
   EXACT figures of the note's approximation.  */
static void
assert_m8_figures (const fc_verdict *v, int vertex, int ortho, int exact)
{
  assert_figure (v, "vertex_err", FC_TEST_HOLDS, vertex);
  assert_figure (v, "orthogonality_z", FC_TEST_VALID, ortho);
  assert_figure (v, "gap_max", FC_TEST_EXACT, exact);
  assert_figure (v, "approx_err_max", FC_TEST_EXACT, exact);
}

/* The vertices to round-off; the note's approximation off by a
   measurable amount against the exact conditional velocity, validated by
   orthogonality.  */
FC_CLAIM_TEST (test_m8_vertices_exact_note_approximation_inexact, "M8",
               FC_VERDICT_APPROXIMATE)
{
  assert_m8_figures (v, 1, 1, 0);
  ck_assert (metric (v, "vertex_err")->tolerance < 1e-12);
  /* Far from round-off: a tenth of the conditional velocity at worst.  */
  ck_assert (fc_verdict_get (v, "gap_max") > 0.1);
  ck_assert (fc_verdict_get (v, "approx_err_max") > 0.1);
  ck_assert (fc_verdict_get (v, "gap_rms") > 1e-3);
  /* E[x_k | x] is not a rotation.  */
  ck_assert (fc_verdict_get (v, "mean_off_so3_max") > 0.1);
  /* L_j <= R_j in some components and L_j > R_j in others.  */
  double below = fc_verdict_get (v, "lhs_le_rhs_fraction");
  ck_assert (below > 0.05 && below < 0.95);
}

FC_TEST ("claims", test_m8_reproducible_from_the_seed)
{
  assert_claim_reproducible ("M8", "gap_rms");
}
END_TEST

FC_CONTROL_TEST (test_m8_perturbed_interpolant_misses_vertices, "M8",
                 "perturbed_interpolant", FC_VERDICT_REFUTED)
{
  assert_m8_figures (v, 0, 1, 0);
}

/* x_k a function of x: E[x_k | x] = x_k, both sides agree to round-off.  */
FC_CONTROL_TEST (test_m8_deterministic_law_makes_approximation_exact, "M8",
                 "deterministic", FC_VERDICT_CONFIRMED)
{
  assert_m8_figures (v, 1, 1, 1);
  ck_assert (fc_verdict_get (v, "mean_off_so3_max") < 1e-13);
}

FC_CONTROL_TEST (test_m8_prior_weights_fail_orthogonality, "M8",
                 "prior_weights", FC_VERDICT_NONE)
{
  assert_m8_figures (v, 1, 0, 0);
  ck_assert (fc_verdict_get (v, "orthogonality_z") > 10.0);
}

/* -------------------------------------------------------------- M9 */

/* M9's deciding figures: the stated form's (HOLDS) and the corrected
   form's (VALID), passing or failing as given.  */
static void
assert_m9_figures (const fc_verdict *v, int stated, int corrected)
{
  assert_figure (v, "simplex_violation", FC_TEST_HOLDS, stated);
  assert_figure (v, "endpoint_x0_err", FC_TEST_HOLDS, stated);
  assert_figure (v, "corrected_geodesic_err", FC_TEST_VALID, corrected);
  assert_figure (v, "corrected_ends_err", FC_TEST_VALID, corrected);
}

/* alpha(0) = (-1, 0): |alpha_0 + alpha_1 - 1| + max(0, -alpha_0) = 3,
   exactly.  The stated path ends at x1; with anchor x0 alpha_0 drops out
   and it is the geodesic; with another anchor it starts elsewhere.  */
FC_CLAIM_TEST (test_m9_note_reduction_is_off_the_simplex, "M9",
               FC_VERDICT_REFUTED)
{
  assert_m9_figures (v, 0, 1);
  ck_assert (fc_verdict_get (v, "simplex_violation") == 3.0);
  ck_assert (fc_verdict_get (v, "endpoint_x0_err") > 0.3);
  assert_below (v, "stated_end_x1_err", "stated_anchor_x0_geodesic_err");
  ck_assert (fc_verdict_get (v, "corrected_other_anchor_geodesic_defect")
             > 0.1);
}

FC_CONTROL_TEST (test_m9_corrected_reduction_is_confirmed, "M9",
                 "corrected_form", FC_VERDICT_CONFIRMED)
{
  assert_m9_figures (v, 1, 1);
  assert_below (v, "stated_end_x1_err");
}

FC_CONTROL_TEST (test_m9_broken_corrected_form_is_undecided, "M9",
                 "broken_corrected", FC_VERDICT_NONE)
{
  assert_m9_figures (v, 0, 0);
}

FC_CK_MAIN ("manifold_multimarginal")
