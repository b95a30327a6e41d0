/* tests/check_doob.c -- the claims H2 and H3 of module `doob`, the
 * controls of H1's Gaussian bridges, and the claim table.
 *
 * One test per claim and control: it runs the check with the quick sizes
 * and a fixed seed, asserts the catalog's expected verdict (CATALOG.md;
 * written here, not read from the module) or the control's declared one,
 * which figures decide (and of what kind) and which pass, and the decisive
 * values against the tolerance the module derived and recorded beside
 * each (Bonferroni z bands for the marginals, round-off bands from the
 * operation count, Monte Carlo bands, order bands of a stated floor plus
 * three standard errors of the fitted slope).  A check that cannot fail
 * checks nothing: H1's Gaussian controls simulate the bridges with a
 * wrong drift or too few steps; H2's change the sigma -> 0 limit, H3's
 * the scheme or its recursion.  H1 itself, whose double wells are the
 * costly part, and their control without the h-term are in
 * check_doob_well; the controls of the wells' reference are asserted by
 * tests/check_controls (verdict and flipped figures).  */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "fc_check.h"
#include "fc_module.h"
#define FC_CK_MODULE "doob"
#include "fc_check_module.h"
#include "doob/doob.h"

/* |metric NAME - EXPECTED| within the metric's band. */
static void
assert_order (const fc_verdict *v, const char *name, double expected)
{
  const fc_metric *m = metric (v, name);
  fc_ck_assert_abs (m->value, expected, m->tolerance, "%s %s", v->id, name);
}

/* |metric NAME - EXPECTED| outside the metric's band. */
static void
assert_not_order (const fc_verdict *v, const char *name, double expected)
{
  const fc_metric *m = metric (v, name);
  ck_assert_msg (fabs (m->value - expected) > m->tolerance,
                 "%s %s = %.17g within %.17g of %g", v->id, name, m->value,
                 m->tolerance, expected);
}

/* Each HOLDS figure of the NULL-terminated list NAMES passes (PASS 1) or
   fails (PASS 0).  */
static void
assert_holds (const fc_verdict *v, int pass, const char *const *names)
{
  for (size_t i = 0; names[i] != NULL; i++)
    assert_figure (v, names[i], FC_TEST_HOLDS, pass);
}
#define assert_holds_pass(v, ...) assert_holds ((v), 1, FC_CK_NAMES_ (__VA_ARGS__))
#define assert_holds_fail(v, ...) assert_holds ((v), 0, FC_CK_NAMES_ (__VA_ARGS__))

FC_TEST ("claims", test_module_lists_claims_h1_to_h3_in_catalog_order)
{
  static const char *const ids[] = { "H1", "H2", "H3" };
  const fc_module *m = assert_claim_table ("doob", ids, 3);
  ck_assert_ptr_nonnull (m->write_figures);
  ck_assert_uint_eq (m->n_figures, 3);
  for (size_t i = 0; i < m->n_claims; i++)
    {
      ck_assert_str_eq (m->claims[i].section, "N §Doob's h-transform");
      ck_assert_int_eq (m->claims[i].expected, FC_VERDICT_CONFIRMED);
    }
}
END_TEST

/* A wrong drift must be refuted by the same comparison: the marginal
   z-scores of both bridges leave their band and the deterministic last
   step misses x_T; the double wells are not run (the Gaussian part's 7
   figures), and the scheme's bias still passes.  */
static void
assert_gaussian_control_refuted (const char *name)
{
  fc_verdict v;
  run_control ("H1", name, FC_VERDICT_REFUTED, &v);
  ck_assert_uint_eq (v.n_metrics, 7);
  assert_holds_fail (&v, "z_max_bm", "z_max_ou", "endpoint_err_bm", "endpoint_err_ou");
  assert_figure (&v, "em_bias_z", FC_TEST_VALID, 1);
}

FC_TEST ("controls", test_h1_drift_with_h_of_the_wrong_end_time_is_refuted)
{
  assert_gaussian_control_refuted ("wrong_end_time");
}
END_TEST

FC_TEST ("controls", test_h1_halved_h_term_is_refuted)
{
  assert_gaussian_control_refuted ("half_h_term");
}
END_TEST

/* An eighth of the steps: the scheme's bias exceeds a quarter standard
   error, so the comparison cannot decide (NONE), whatever its z-scores.  */
FC_CONTROL_TEST (test_h1_coarse_steps_leave_the_gaussian_comparison_undecided,
                 "H1", "coarse_steps", FC_VERDICT_NONE)
{
  assert_figure (v, "em_bias_z", FC_TEST_VALID, 0);
  assert_above (v, "em_bias_z");
}

/* Every figure decides (HOLDS) and passes: the drift is sigma-free to
   round-off, the deviations from X^0 shrink like sigma^1 within the Monte
   Carlo band of independent paths, X^0 is the deterministic bridge, BM at
   T = 1 gives the flow-matching field.  */
FC_CLAIM_TEST (test_h2_drift_is_sigma_free_and_paths_tend_to_the_deterministic_bridge,
               "H2", FC_VERDICT_CONFIRMED)
{
  assert_holds_pass (v, "drift_sigma_spread_bm", "drift_sigma_spread_ou", "rate_bm",
                     "rate_ou", "det_err_bm", "det_order_ou", "fm_identity");
  assert_below (v, "drift_sigma_spread_bm", "drift_sigma_spread_ou",
                "fm_identity", "det_err_bm");
  assert_order (v, "rate_bm", 1.0);
  assert_order (v, "rate_ou", 1.0);
  assert_order (v, "det_order_ou", 1.0);
  /* The rate's band is its Monte Carlo error, not a round-off: independent
     paths at each sigma.  */
  ck_assert (fc_verdict_get (v, "rate_se_bm") > 1e-4);
  assert_figure (v, "rate_se_ou", FC_TEST_NONE, -1);
}

/* With h of unit noise the drift depends on sigma and the sigma -> 0
   limit is the unconditioned flow: every figure fails.  */
FC_CONTROL_TEST (test_h2_h_of_unit_noise_does_not_tend_to_the_bridge,
                 "H2", "unit_noise_h", FC_VERDICT_REFUTED)
{
  assert_holds_fail (v, "drift_sigma_spread_bm", "drift_sigma_spread_ou", "rate_bm",
                     "rate_ou", "det_err_bm", "det_order_ou", "fm_identity");
}

/* With the end time off by 1e-3 T, X^0 misses x_T and the field is not
   the flow-matching one; the drift stays sigma-free, the rate 1.  */
FC_CONTROL_TEST (test_h2_h_of_a_slightly_wrong_end_time_misses_the_bridge,
                 "H2", "wrong_end_time", FC_VERDICT_REFUTED)
{
  assert_holds_fail (v, "det_err_bm", "det_order_ou", "fm_identity");
  assert_holds_pass (v, "drift_sigma_spread_bm", "drift_sigma_spread_ou", "rate_bm",
                     "rate_ou");
}

/* Weak order 1 from the exact moment recursion, strong order 1 at T/2,
   endpoint order 1/2 (plain), which the order-1 band excludes; the
   deterministic last step ends at x_T to round-off for BM and leaves the
   scheme's second-order local error for OU; the Monte Carlo weak errors
   agree with the recursion (VALID) and their orders are reported; every
   order is fitted on the whole ladder, above its round-off floor.  */
FC_CLAIM_TEST (test_h3_orders_weak_one_strong_one_endpoint_half_unless_last_step_deterministic,
               "H3", FC_VERDICT_CONFIRMED)
{
  assert_holds_pass (v, "weak_order_exact", "weak_order_exact_ou", "strong_order",
                     "strong_order_ou", "endpoint_order", "endpoint_order_ou",
                     "endpoint_det_bm", "endpoint_det_order_ou");
  assert_order (v, "weak_order_exact", 1.0);
  assert_order (v, "strong_order_ou", 1.0);
  assert_order (v, "endpoint_order", 0.5);
  assert_order (v, "endpoint_det_order_ou", 2.0);
  assert_not_order (v, "endpoint_order", 1.0);
  assert_not_order (v, "endpoint_order_ou", 1.0);
  assert_figure (v, "weak_mc_z", FC_TEST_VALID, 1);
  assert_figure (v, "weak_order", FC_TEST_NONE, -1);
  assert_order (v, "weak_order", 1.0);
  ck_assert_double_eq (fc_verdict_get (v, "ladder_steps_fitted_min"), 6.0);
}

/* A last step that keeps its noise: the end point is missed by about
   sigma sqrt(h), order 1/2 where the deterministic step has 2.  */
FC_CONTROL_TEST (test_h3_noisy_last_step_has_endpoint_order_half,
                 "H3", "noisy_last_step", FC_VERDICT_REFUTED)
{
  assert_holds_fail (v, "endpoint_det_bm", "endpoint_det_order_ou");
  assert_order (v, "endpoint_det_order_ou", 0.5);
}

/* Coarse runs on other Brownian paths than the reference: no strong
   convergence.  */
FC_CONTROL_TEST (test_h3_uncoupled_paths_show_no_strong_order,
                 "H3", "uncoupled_paths", FC_VERDICT_REFUTED)
{
  assert_holds_fail (v, "strong_order", "strong_order_ou");
  assert_order (v, "strong_order", 0.0);
}

/* The h of the end time 1.25 T: the scheme converges to another law and
   another end point, weak and endpoint errors stall (orders about 0).  */
FC_CONTROL_TEST (test_h3_inconsistent_drift_stalls_weak_and_endpoint_errors,
                 "H3", "wrong_end_time", FC_VERDICT_REFUTED)
{
  assert_holds_fail (v, "weak_order_exact", "weak_order_exact_ou", "endpoint_order",
                     "endpoint_order_ou");
  assert_holds_pass (v, "strong_order", "strong_order_ou");
}

/* A recursion of another scheme (coefficients at the steps' right ends)
   no longer matches the simulated chain: the check that the recursion is
   the scheme's fails (NONE).  */
FC_CONTROL_TEST (test_h3_recursion_of_another_scheme_is_caught_by_monte_carlo,
                 "H3", "broken_recursion", FC_VERDICT_NONE)
{
  assert_figure (v, "weak_mc_z", FC_TEST_VALID, 0);
  assert_above (v, "weak_mc_z");
}

/* The studies experiments/doob-bridge runs refuse sizes they cannot
   measure, before any work.  */
FC_TEST ("claims", test_studies_refuse_bad_sizes)
{
  fc_doob_marginal_sizes sz = { 100, 64, 200 }; /* n_two > n */
  fc_doob_marginals r;
  ck_assert_int_eq (fc_doob_marginal_study (FC_BRIDGE_BM, 3, 1.0, &sz, SEED, &r),
                    GSL_EINVAL);
  sz.n_two = 50;
  ck_assert_int_eq (fc_doob_marginal_study (FC_BRIDGE_BM, 11, 1.0, &sz, SEED, &r),
                    GSL_EINVAL);
  double sigma = 1.0;
  fc_doob_sigma_limit c;
  ck_assert_int_eq (fc_doob_sigma_study (FC_BRIDGE_BM, 1, &sigma, 10, 30, SEED, &c),
                    GSL_EBADLEN);
  size_t steps[2] = { 8, 12 }; /* 12 does not divide 64 */
  fc_doob_order_table tab;
  fc_doob_orders o;
  ck_assert_int_eq (fc_doob_order_study (FC_BRIDGE_BM, 2, steps, 64, 10, SEED, &tab,
                                         &o), GSL_EINVAL);
  fc_doob_well_grid gs;
  ck_assert_int_eq (fc_doob_well_grid_study (1, &gs), GSL_EINVAL);
  ck_assert_int_eq (fc_doob_well_grid_study (FC_DOOB_WELL_NLEV + 1, &gs), GSL_EINVAL);
}
END_TEST

FC_CK_MAIN ("doob")
