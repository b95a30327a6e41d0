/* tests/check_doob.c -- the claims H2 and H3 of module `doob`, the
 * controls of H1's Gaussian bridges, and the claim table.
 *
 * One test per claim and control: it runs the check with the quick sizes
 * and a fixed seed, asserts the catalog's expected verdict (CATALOG.md;
 * written here, not read from the module) or the control's declared one,
 * and the decisive metrics against the tolerance the module derived and
 * recorded beside each (Bonferroni z bands for the marginals, round-off
 * bands from the operation count, order bands of a stated floor plus three
 * standard errors of the fitted slope).  A check that cannot fail checks
 * nothing: H1's controls simulate the Gaussian bridges with a wrong drift,
 * which the marginal z-scores must reject; H2's change the sigma -> 0
 * limit, H3's the scheme's orders.  H1 itself, whose double-well part is
 * the costly one, and its double-well control are in check_doob_well.  */
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
   z-scores of both bridges leave their band; the double well is not run
   (at most the Gaussian part's 10 metrics).  */
static void
assert_gaussian_control_refuted (const char *name)
{
  fc_verdict v;
  run_control ("H1", name, FC_VERDICT_REFUTED, &v);
  ck_assert_uint_le (v.n_metrics, 10);
  assert_above (&v, "z_max_bm", "z_max_ou");
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

FC_CLAIM_TEST (test_h2_drift_is_sigma_free_and_paths_tend_to_the_deterministic_bridge,
               "H2", FC_VERDICT_CONFIRMED)
{
  assert_below (v, "drift_sigma_spread_bm", "drift_sigma_spread_ou",
                "fm_identity", "det_err_bm");
  assert_order (v, "rate_bm", 1.0);
  assert_order (v, "rate_ou", 1.0);
  assert_order (v, "det_order_ou", 1.0);
}

/* With h of unit noise the sigma -> 0 limit is the unconditioned flow:
   X^0 leaves the deterministic bridge and the OU deviations no longer
   scale like sigma; the drift identities, which do not simulate, hold.  */
FC_CONTROL_TEST (test_h2_h_of_unit_noise_does_not_tend_to_the_bridge,
                 "H2", "unit_noise_h", FC_VERDICT_REFUTED)
{
  assert_above (v, "det_err_bm");
  assert_not_order (v, "det_order_ou", 1.0);
  assert_not_order (v, "rate_ou", 1.0);
  assert_below (v, "drift_sigma_spread_bm", "fm_identity");
}

/* With the end time off by 1e-3 T, X^0 misses x_T; the rate stays 1. */
FC_CONTROL_TEST (test_h2_h_of_a_slightly_wrong_end_time_misses_the_bridge,
                 "H2", "wrong_end_time", FC_VERDICT_REFUTED)
{
  assert_above (v, "det_err_bm");
  assert_order (v, "rate_bm", 1.0);
}

/* Weak and strong order 1 at T/2 for BM and OU (coupled Monte Carlo and
   the exact moment recursion); the plain endpoint error has order 1/2,
   which the order-1 band excludes (it is the noise sigma dW of the last
   step); the deterministic last step ends at x_T to round-off for BM and
   leaves the scheme's second-order local error for OU.  One test, since
   the study is the same.  */
FC_CLAIM_TEST (test_h3_orders_weak_one_strong_one_endpoint_half_unless_last_step_deterministic,
               "H3", FC_VERDICT_CONFIRMED)
{
  assert_order (v, "weak_order", 1.0);
  assert_order (v, "strong_order", 1.0);
  assert_order (v, "endpoint_order", 0.5);
  assert_order (v, "weak_order_ou", 1.0);
  assert_order (v, "strong_order_ou", 1.0);
  assert_order (v, "endpoint_order_ou", 0.5);
  assert_order (v, "weak_order_exact", 1.0);
  assert_order (v, "weak_order_exact_ou", 1.0);
  assert_below (v, "weak_mc_z");
  assert_not_order (v, "endpoint_order", 1.0);
  assert_not_order (v, "endpoint_order_ou", 1.0);
  assert_below (v, "endpoint_det_bm");
  assert_order (v, "endpoint_det_order_ou", 2.0);
}

/* A last step that keeps its noise: the end point is missed by about
   sigma sqrt(h), order 1/2 where the deterministic step has 2.  */
FC_CONTROL_TEST (test_h3_noisy_last_step_has_endpoint_order_half,
                 "H3", "noisy_last_step", FC_VERDICT_REFUTED)
{
  assert_above (v, "endpoint_det_bm");
  assert_not_order (v, "endpoint_det_order_ou", 2.0);
  assert_order (v, "endpoint_det_order_ou", 0.5);
}

/* Coarse runs on other Brownian paths than the reference: no strong
   convergence.  */
FC_CONTROL_TEST (test_h3_uncoupled_paths_show_no_strong_order,
                 "H3", "uncoupled_paths", FC_VERDICT_REFUTED)
{
  assert_not_order (v, "strong_order", 1.0);
  assert_not_order (v, "strong_order_ou", 1.0);
  assert_order (v, "strong_order", 0.0);
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
