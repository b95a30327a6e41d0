/* tests/check_barycentric.c -- the claims B1-B5, B9 and B10 of module
 * `barycentric` and their controls (derivations/barycentric/; B6-B8 are in
 * check_barycentric_cost.c).
 *
 * One test per claim: it runs the check with the quick sizes and a fixed
 * seed, asserts the catalog's expected verdict (CATALOG.md; written
 * here, not read from the module) and the decisive metrics against the
 * tolerance the module recorded beside each (derived there: round-off
 * ladders times condition numbers, order bands from the shortest scale of
 * rho plus the spread of the local orders, Z_MAX standard errors).  Then
 * every control of the module (B6-B8's too): the same check with the
 * stated change, whose verdict check_controls asserts, here with the
 * figures that decide it (a check that cannot fail proves nothing).  */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fc_check.h"
#include "fc_module.h"
#define FC_CK_MODULE "barycentric"
#include "fc_check_module.h"

/* An exponent measured from round-off errors at alpha_0 = 10^-1 .. 10^-8:
   the error is eps M / alpha_0 (slope -1) up to the scatter of an rms of
   round-off over 64 points (~10% per level, a few hundredths on a slope
   fitted over seven decades); 0.25 is generous and still rules out a
   growth like alpha_0^-2 or none at all.  */
#define ALPHA0_EXPONENT_BAND 0.25

/* A stalled residual: at least 100 times the truncation scale a
   converging field would reach (check_continuity's rule for C3).  */
#define STALL_FACTOR 100.0

static const char *const b3_studies[]
    = { "planar_k0", "planar_k1", "planar_k2", "line_k0", "line_k1", "line_k2" };
#define N_B3_STUDIES (sizeof b3_studies / sizeof b3_studies[0])

FC_TEST ("claims", test_module_lists_claims_b1_to_b10_in_catalog_order)
{
  static const char *const ids[] = { "B1", "B2", "B3", "B4", "B5",
                                     "B6", "B7", "B8", "B9", "B10" };
  assert_claim_table ("barycentric", ids, 10);
}
END_TEST

/* ------------------------------------------------------------- claims */

FC_CLAIM_TEST (test_b1_weighted_conditional_means_sum_to_x_at_roundoff,
               "B1", FC_VERDICT_CONFIRMED)
{
  assert_below (v, "roundoff_units_planar", "roundoff_units_line");
  /* The ladder is a worst case; a sum at round-off is not zero either
     (exact cancellation at 128 points would mean nothing was measured).  */
  ck_assert (metric (v, "max_rel_error_planar")->value > 0.0);
}

FC_CLAIM_TEST (test_b2_note_identity_as_written_fails_corrected_holds,
               "B2", FC_VERDICT_REFUTED)
{
  /* As written (k > 1) the term alpha_1 g_1 / alpha_0 is missing: an O(1)
     relative error, many orders of magnitude beyond round-off.  */
  const fc_metric *w = metric (v, "roundoff_units_as_written_planar");
  ck_assert_msg (w->value > 1e6 * w->tolerance, "as written %.17g", w->value);
  ck_assert (metric (v, "rel_error_as_written_planar")->value > 0.1);
  ck_assert (metric (v, "rel_error_as_written_line")->value > 0.1);
  /* With k >= 1: round-off, also as alpha_0 -> 0 (band ~ 1/alpha_0).  */
  assert_below (v, "roundoff_units_corrected_planar",
                "roundoff_units_corrected_line");
  fc_ck_assert_abs (metric (v, "corrected_error_exponent_alpha0")->value, -1.0,
                    ALPHA0_EXPONENT_BAND, "corrected error vs alpha_0");
}

FC_CLAIM_TEST (test_b3_each_alpha_k_derivative_solves_continuity_at_order_two,
               "B3", FC_VERDICT_CONFIRMED)
{
  for (size_t i = 0; i < N_B3_STUDIES; i++)
    assert_order_two (v, b3_studies[i]);
}

FC_CLAIM_TEST (test_b4_straight_and_curved_paths_transport_rho_i_to_rho_j,
               "B4", FC_VERDICT_CONFIRMED)
{
  assert_order_two (v, "straight", "curved");
  assert_below (v, "z_mean_straight", "z_var_straight", "sliced_w2_straight",
                "z_mean_curved", "z_var_curved", "sliced_w2_curved",
                "rk4_error_straight", "rk4_error_curved");
}

FC_CLAIM_TEST (test_b5_exact_fields_minimise_the_regression_loss,
               "B5", FC_VERDICT_CONFIRMED)
{
  const fc_metric *z = metric (v, "max_z_identity");
  fc_ck_assert_abs (z->value, 0.0, z->tolerance, "L(ghat) - L(g) - E||ghat - g||^2");
  const fc_metric *e = metric (v, "min_z_excess");
  ck_assert_msg (e->value > e->tolerance, "excess loss only %.17g se", e->value);
  assert_below (v, "reg_rate");
  /* Quick sizes 500, 2000, 8000: the regressor's error falls at each.  */
  double e0 = metric (v, "reg_error_n500")->value;
  double e1 = metric (v, "reg_error_n2000")->value;
  double e2 = metric (v, "reg_error_n8000")->value;
  ck_assert_msg (e1 < e0 && e2 < e1, "errors %.4g %.4g %.4g", e0, e1, e2);
}

FC_CLAIM_TEST (test_b9_trigonometric_interpolant_field_solves_continuity,
               "B9", FC_VERDICT_CONFIRMED)
{
  assert_order_two (v, "trig");
}

FC_CLAIM_TEST (test_b10_chat_formula_equals_direct_field_until_alpha0_vanishes,
               "B10", FC_VERDICT_CONFIRMED)
{
  assert_below (v, "roundoff_units_linear", "roundoff_units_cosine");
  fc_ck_assert_abs (metric (v, "error_exponent_alpha0_linear")->value, -1.0,
                    ALPHA0_EXPONENT_BAND, "linear schedule");
  fc_ck_assert_abs (metric (v, "error_exponent_alpha0_cosine")->value, -1.0,
                    ALPHA0_EXPONENT_BAND, "cosine schedule");
  /* At t = 1 the direct field is finite where the formula is 0/0.  */
  ck_assert (isfinite (metric (v, "direct_speed_t1")->value));
}

FC_TEST ("claims", test_same_seed_same_figures_other_seed_other_figures)
{
  assert_claim_reproducible ("B3", "rel_hmin_planar_k1");
}
END_TEST

/* ----------------------------------------------------------- controls */

/* A control of the module and the figures its change must move (the
   verdicts alone are asserted in check_controls): ABOVE pushed past their
   tolerance, BELOW still within it, STALLS residual studies that stall
   (slope below a quarter of 2 and rel(h_min) at least STALL times the
   truncation scale).  */
typedef struct
{
  const char *id, *name;
  fc_verdict_kind expected;
  const char *above[3];
  const char *below[3];
  const char *stalls[N_B3_STUDIES + 1];
  double stall;
} control_case;

static const control_case control_cases[] = {
  /* alpha_0 off by 1e-13: a few times the round-off ladder.  */
  { "B1", "coefficient_off", FC_VERDICT_REFUTED,
    { "roundoff_units_planar", "roundoff_units_line" }, { NULL }, { NULL }, 0 },
  /* The corrected sum over k >= 1 is round-off; the form as written is
     still measured, and still far off.  */
  { "B2", "sum_from_k1", FC_VERDICT_CONFIRMED,
    { "roundoff_units_as_written_planar" },
    { "roundoff_units_corrected_planar", "roundoff_units_corrected_line" },
    { NULL }, 0 },
  { "B3", "other_marginal_field", FC_VERDICT_REFUTED, { NULL }, { NULL },
    { "planar_k0", "line_k2" }, STALL_FACTOR },
  { "B3", "field_five_percent_fast", FC_VERDICT_REFUTED, { NULL }, { NULL },
    { "planar_k0", "planar_k1", "planar_k2", "line_k0", "line_k1", "line_k2" },
    1.0 },
  { "B4", "rate_dropped", FC_VERDICT_REFUTED, { NULL }, { NULL },
    { "straight", "curved" }, STALL_FACTOR },
  { "B4", "field_five_percent_fast", FC_VERDICT_REFUTED, { NULL }, { NULL },
    { "straight", "curved" }, 1.0 },
  /* L(ghat) - L(g') = E||ghat - g'||^2 fails for g' = g + bump.  */
  { "B5", "perturbed_minimiser", FC_VERDICT_REFUTED, { "max_z_identity" },
    { NULL }, { NULL }, 0 },
  /* The learned 2-D Gaussian path costs 3.3% above W2^2.  */
  { "B6", "bound_raised", FC_VERDICT_REFUTED, { "gauss2d_bound_excess" },
    { NULL }, { NULL }, 0 },
  { "B7", "corrected_map", FC_VERDICT_CONFIRMED, { NULL },
    { "corrected_end_miss_max", "corrected_max_t", "corrected_end_error" },
    { NULL }, 0 },
  /* The cost part still holds; the joint flow no longer keeps 0.8.  */
  { "B8", "separate_vertices", FC_VERDICT_APPROXIMATE, { "z_joint_vs_data" },
    { "learned_minus_diagonal" }, { NULL }, 0 },
  { "B9", "naive_field", FC_VERDICT_REFUTED, { NULL }, { NULL }, { "naive" },
    STALL_FACTOR },
  { "B9", "field_five_percent_fast", FC_VERDICT_REFUTED, { NULL }, { NULL },
    { "trig" }, 1.0 },
  /* alpha_1 off by 1e-12 in the formula: a few times the band.  */
  { "B10", "coefficient_off", FC_VERDICT_REFUTED,
    { "roundoff_units_linear", "roundoff_units_cosine" }, { NULL }, { NULL }, 0 },
};
#define N_CONTROL_CASES (sizeof control_cases / sizeof control_cases[0])

FC_LOOP_TEST ("controls", test_each_control_moves_the_figures_its_change_must_move,
              (int) N_CONTROL_CASES)
{
  const control_case *k = &control_cases[_i];
  fc_verdict v;
  run_control (k->id, k->name, k->expected, &v);
  for (size_t i = 0; i < 3 && k->above[i] != NULL; i++)
    assert_above (&v, k->above[i]);
  for (size_t i = 0; i < 3 && k->below[i] != NULL; i++)
    assert_below (&v, k->below[i]);
  for (size_t i = 0; i < N_B3_STUDIES && k->stalls[i] != NULL; i++)
    assert_order_stalls (&v, k->stalls[i], k->stall);
}
END_TEST

/* Every control of the module has its case above.  */
FC_TEST ("controls", test_every_control_of_the_module_has_a_case)
{
  const fc_module *m = module_under_test ();
  size_t n = 0;
  for (size_t i = 0; i < m->n_claims; i++)
    n += m->claims[i].n_controls;
  ck_assert_uint_eq (n, N_CONTROL_CASES);
}
END_TEST

/* A check refuses a control that is not one of its claim's: the change it
   names is another claim's (B4's dropped rate given to B3), or no change
   at all of the module.  */
FC_TEST ("controls", test_checks_refuse_a_control_not_in_their_claim_table)
{
  const fc_claim *b3 = claim_under_test ("B3"), *b4 = claim_under_test ("B4");
  const fc_control *drop = fc_control_find (b4, "rate_dropped");
  ck_assert_ptr_nonnull (drop);
  const fc_control bogus = { "bogus", "no such change", FC_VERDICT_REFUTED, 999 };
  fc_run_options opt = quick_options (SEED);
  fc_verdict v;
  ck_assert_int_eq (fc_control_run (module_under_test (), b3, drop, &opt, &v),
                    GSL_EINVAL);
  ck_assert_int_eq (v.verdict, FC_VERDICT_NONE);
  ck_assert_int_eq (fc_control_run (module_under_test (), b4, &bogus, &opt, &v),
                    GSL_EINVAL);
  ck_assert_int_eq (v.verdict, FC_VERDICT_NONE);
}
END_TEST

FC_CK_MAIN ("barycentric")
