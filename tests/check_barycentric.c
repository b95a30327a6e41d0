/* tests/check_barycentric.c -- the claims B1-B5, B9 and B10 of module
 * `barycentric` (derivations/barycentric.c; B6-B8 are in
 * check_barycentric_cost.c).
 *
 * One test per claim: it runs the check with the quick sizes and a fixed
 * seed, asserts the catalog's expected verdict (DERIVATIONS.md; written
 * here, not read from the module) and the decisive metrics against the
 * tolerance the module recorded beside each (derived there: round-off
 * ladders times condition numbers, order bands from the shortest scale of
 * rho plus the spread of the local orders, Z_MAX standard errors).  Then
 * the checks with the claimed field broken on purpose, which must come out
 * REFUTED (a check that cannot fail proves nothing), and the error paths
 * of those entry points.  */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fc_check.h"
#include "fc_module.h"
#define FC_CK_MODULE "barycentric"
#include "fc_check_module.h"
#include "barycentric/barycentric_claims.h"

/* An exponent measured from round-off errors at alpha_0 = 10^-1 .. 10^-8:
   the error is eps M / alpha_0 (slope -1) up to the scatter of an rms of
   round-off over 64 points (~10% per level, a few hundredths on a slope
   fitted over seven decades); 0.25 is generous and still rules out a
   growth like alpha_0^-2 or none at all.  */
#define ALPHA0_EXPONENT_BAND 0.25

/* A stalled residual: slope below a quarter of 2, and at least 100 times
   the truncation scale a converging field would reach (check_continuity's
   rule for C3).  */
static void
assert_stalled (const fc_verdict *v, const char *name)
{
  char buf[FC_VERDICT_NAME_LEN];
  snprintf (buf, sizeof buf, "order_%s", name);
  const fc_metric *o = metric (v, buf);
  snprintf (buf, sizeof buf, "rel_hmin_%s", name);
  const fc_metric *r = metric (v, buf);
  ck_assert_msg (o->value < 0.5, "%s order %.17g", name, o->value);
  ck_assert_msg (r->value > 100.0 * r->tolerance, "%s rel(h_min) %.17g vs %.17g",
                 name, r->value, r->tolerance);
}

START_TEST (test_module_lists_claims_b1_to_b10_in_catalog_order)
{
  static const char *const ids[] = { "B1", "B2", "B3", "B4", "B5",
                                     "B6", "B7", "B8", "B9", "B10" };
  assert_claim_table ("barycentric", ids, 10);
}
END_TEST

START_TEST (test_b1_weighted_conditional_means_sum_to_x_at_roundoff)
{
  fc_verdict v;
  run_claim ("B1", FC_VERDICT_CONFIRMED, &v);
  assert_below (&v, "roundoff_units_planar");
  assert_below (&v, "roundoff_units_line");
  /* The ladder is a worst case; a sum at round-off is not zero either
     (exact cancellation at 128 points would mean nothing was measured).  */
  ck_assert (metric (&v, "max_rel_error_planar")->value > 0.0);
}
END_TEST

START_TEST (test_b2_note_identity_as_written_fails_corrected_holds)
{
  fc_verdict v;
  run_claim ("B2", FC_VERDICT_REFUTED, &v);
  /* As written (k > 1) the term alpha_1 g_1 / alpha_0 is missing: an O(1)
     relative error, many orders of magnitude beyond round-off.  */
  const fc_metric *w = metric (&v, "roundoff_units_as_written_planar");
  ck_assert_msg (w->value > 1e6 * w->tolerance, "as written %.17g", w->value);
  ck_assert (metric (&v, "rel_error_as_written_planar")->value > 0.1);
  ck_assert (metric (&v, "rel_error_as_written_line")->value > 0.1);
  /* With k >= 1: round-off, also as alpha_0 -> 0 (band ~ 1/alpha_0).  */
  assert_below (&v, "roundoff_units_corrected_planar");
  assert_below (&v, "roundoff_units_corrected_line");
  fc_ck_assert_abs (metric (&v, "corrected_error_exponent_alpha0")->value, -1.0,
                    ALPHA0_EXPONENT_BAND, "corrected error vs alpha_0");
}
END_TEST

START_TEST (test_b3_each_alpha_k_derivative_solves_continuity_at_order_two)
{
  static const char *const names[]
      = { "planar_k0", "planar_k1", "planar_k2", "line_k0", "line_k1", "line_k2" };
  fc_verdict v;
  run_claim ("B3", FC_VERDICT_CONFIRMED, &v);
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    assert_order_two (&v, names[i]);
}
END_TEST

START_TEST (test_b3_with_another_marginals_field_is_refuted)
{
  fc_run_options opt = { SEED, NULL, 1, NULL };
  fc_verdict v;
  fc_verdict_init (&v, "B3", "barycentric");
  ck_assert_int_eq (fc_barycentric_b3_studies (&opt, 1, &v), GSL_SUCCESS);
  ck_assert_msg (v.verdict == FC_VERDICT_REFUTED, "verdict %s (%s)",
                 fc_verdict_name (v.verdict), v.note);
  assert_stalled (&v, "planar_k0");
  assert_stalled (&v, "line_k2");
}
END_TEST

START_TEST (test_b4_straight_and_curved_paths_transport_rho_i_to_rho_j)
{
  fc_verdict v;
  run_claim ("B4", FC_VERDICT_CONFIRMED, &v);
  assert_order_two (&v, "straight");
  assert_order_two (&v, "curved");
  static const char *const names[]
      = { "z_mean_straight", "z_var_straight", "sliced_w2_straight",
          "z_mean_curved", "z_var_curved", "sliced_w2_curved",
          "rk4_error_straight", "rk4_error_curved" };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    assert_below (&v, names[i]);
}
END_TEST

START_TEST (test_b4_velocity_without_one_alpha_rate_is_refuted)
{
  fc_run_options opt = { SEED, NULL, 1, NULL };
  fc_verdict v;
  fc_verdict_init (&v, "B4", "barycentric");
  ck_assert_int_eq (fc_barycentric_b4_residual (&opt, 1, &v), GSL_SUCCESS);
  ck_assert_msg (v.verdict == FC_VERDICT_REFUTED, "verdict %s (%s)",
                 fc_verdict_name (v.verdict), v.note);
  assert_stalled (&v, "straight");
  assert_stalled (&v, "curved");
  /* The intact field, through the same entry point, confirms.  */
  fc_verdict_init (&v, "B4", "barycentric");
  ck_assert_int_eq (fc_barycentric_b4_residual (&opt, FC_BARYCENTRIC_DROP_NONE, &v),
                    GSL_SUCCESS);
  ck_assert_int_eq (v.verdict, FC_VERDICT_CONFIRMED);
}
END_TEST

START_TEST (test_b5_exact_fields_minimise_the_regression_loss)
{
  fc_verdict v;
  run_claim ("B5", FC_VERDICT_CONFIRMED, &v);
  const fc_metric *z = metric (&v, "max_z_identity");
  fc_ck_assert_abs (z->value, 0.0, z->tolerance, "L(ghat) - L(g) - E||ghat - g||^2");
  const fc_metric *e = metric (&v, "min_z_excess");
  ck_assert_msg (e->value > e->tolerance, "excess loss only %.17g se", e->value);
  assert_below (&v, "reg_rate");
  /* Quick sizes 500, 2000, 8000: the regressor's error falls at each.  */
  double e0 = metric (&v, "reg_error_n500")->value;
  double e1 = metric (&v, "reg_error_n2000")->value;
  double e2 = metric (&v, "reg_error_n8000")->value;
  ck_assert_msg (e1 < e0 && e2 < e1, "errors %.4g %.4g %.4g", e0, e1, e2);
}
END_TEST

START_TEST (test_b9_trigonometric_interpolant_field_solves_continuity)
{
  fc_verdict v;
  run_claim ("B9", FC_VERDICT_CONFIRMED, &v);
  assert_order_two (&v, "trig");
  /* The negative control: the naive linear formula stalls.  */
  assert_stalled (&v, "naive");
}
END_TEST

START_TEST (test_b10_chat_formula_equals_direct_field_until_alpha0_vanishes)
{
  fc_verdict v;
  run_claim ("B10", FC_VERDICT_CONFIRMED, &v);
  assert_below (&v, "roundoff_units_linear");
  assert_below (&v, "roundoff_units_cosine");
  fc_ck_assert_abs (metric (&v, "error_exponent_alpha0_linear")->value, -1.0,
                    ALPHA0_EXPONENT_BAND, "linear schedule");
  fc_ck_assert_abs (metric (&v, "error_exponent_alpha0_cosine")->value, -1.0,
                    ALPHA0_EXPONENT_BAND, "cosine schedule");
  /* At t = 1 the direct field is finite where the formula is 0/0.  */
  ck_assert (isfinite (metric (&v, "direct_speed_t1")->value));
}
END_TEST

START_TEST (test_same_seed_same_figures_other_seed_other_figures)
{
  assert_claim_reproducible ("B3", "rel_hmin_planar_k1");
}
END_TEST

START_TEST (test_broken_field_entry_points_reject_bad_arguments)
{
  fc_run_options opt = { SEED, NULL, 1, NULL };
  fc_verdict v;
  fc_verdict_init (&v, "B3", "barycentric");
  ck_assert_int_eq (fc_barycentric_b3_studies (&opt, 3, &v), GSL_EINVAL);
  fc_verdict_init (&v, "B4", "barycentric");
  ck_assert_int_eq (fc_barycentric_b4_residual (&opt, 3, &v), GSL_EINVAL);
  ck_assert_int_eq (fc_barycentric_b4_residual (&opt, -2, &v), GSL_EINVAL);
  ck_assert_int_eq (v.verdict, FC_VERDICT_NONE);
}
END_TEST

static Suite *
barycentric_suite (void)
{
  Suite *s = suite_create ("barycentric");
  TCase *tc = tcase_create ("claims");
  tcase_add_test (tc, test_module_lists_claims_b1_to_b10_in_catalog_order);
  tcase_add_test (tc, test_b1_weighted_conditional_means_sum_to_x_at_roundoff);
  tcase_add_test (tc, test_b2_note_identity_as_written_fails_corrected_holds);
  tcase_add_test (tc, test_b3_each_alpha_k_derivative_solves_continuity_at_order_two);
  tcase_add_test (tc, test_b4_straight_and_curved_paths_transport_rho_i_to_rho_j);
  tcase_add_test (tc, test_b5_exact_fields_minimise_the_regression_loss);
  tcase_add_test (tc, test_b9_trigonometric_interpolant_field_solves_continuity);
  tcase_add_test (tc, test_b10_chat_formula_equals_direct_field_until_alpha0_vanishes);
  tcase_add_test (tc, test_same_seed_same_figures_other_seed_other_figures);
  suite_add_tcase (s, tc);
  TCase *tn = tcase_create ("must fail");
  tcase_add_test (tn, test_b3_with_another_marginals_field_is_refuted);
  tcase_add_test (tn, test_b4_velocity_without_one_alpha_rate_is_refuted);
  tcase_add_test (tn, test_broken_field_entry_points_reject_bad_arguments);
  suite_add_tcase (s, tn);
  return s;
}

int
main (void)
{
  return fc_run_suite (barycentric_suite ());
}
