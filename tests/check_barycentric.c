/* tests/check_barycentric.c -- the claims B1-B5 and B9-B12 of module
 * `barycentric` and their controls (derivations/barycentric/; B6-B8 are in
 * check_barycentric_cost.c).
 *
 * One test per claim: it runs the check with the quick sizes and a fixed
 * seed, asserts the catalog's expected verdict (CATALOG.md; written
 * here, not read from the module) and the decisive metrics against the
 * tolerance the module recorded beside each (derived there: round-off
 * ladders times condition numbers, order bands from the shortest scale of
 * rho plus the spread of the local orders, Z_MAX standard errors), and
 * which figures decide (with their kind) and which only report.  Then
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

/* A stalled residual: at least 100 times the truncation scale a
   converging field would reach (check_continuity's rule for C3).  */
#define STALL_FACTOR 100.0

static const char *const b3_studies[]
    = { "planar_k0", "planar_k1", "planar_k2", "line_k0", "line_k1", "line_k2" };
#define N_B3_STUDIES (sizeof b3_studies / sizeof b3_studies[0])

FC_TEST ("claims", test_module_lists_claims_b1_to_b12_in_catalog_order)
{
  static const char *const ids[] = { "B1", "B2", "B3", "B4",  "B5",  "B6",
                                     "B7", "B8", "B9", "B10", "B11", "B12" };
  assert_claim_table ("barycentric", ids, 12);
}
END_TEST

/* The figure NAME of V decides with kind TEST and outcome PASS.  */
static void
assert_decides (const fc_verdict *v, const char *name, fc_metric_test test,
                int pass)
{
  const fc_metric *m = metric (v, name);
  ck_assert_msg (m->test == test, "%s %s: kind %s", v->id, name,
                 fc_metric_test_name (m));
  ck_assert_msg (m->pass == pass, "%s %s = %.17g (tol %.17g): pass %d", v->id,
                 name, m->value, m->tolerance, m->pass);
}

/* The figure NAME of V only reports.  */
static void
assert_reports (const fc_verdict *v, const char *name)
{
  const fc_metric *m = metric (v, name);
  ck_assert_msg (m->test == FC_TEST_NONE && m->pass == -1,
                 "%s %s should only report", v->id, name);
}

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
  const fc_metric *w = metric (v, "roundoff_units_stated_planar");
  ck_assert_msg (w->value > 1e6 * w->tolerance, "as written %.17g", w->value);
  assert_decides (v, "roundoff_units_stated_planar", FC_TEST_HOLDS, 0);
  assert_decides (v, "roundoff_units_stated_line", FC_TEST_HOLDS, 0);
  ck_assert (metric (v, "rel_error_stated_planar")->value > 0.1);
  ck_assert (metric (v, "rel_error_stated_line")->value > 0.1);
  /* With k >= 1: round-off at every alpha, the sweep down to alpha_0 =
     1e-8 included (its ladder grows like 1/alpha_0): the VALID figures.  */
  assert_below (v, "roundoff_units_corrected_planar",
                "roundoff_units_corrected_line");
  assert_decides (v, "roundoff_units_corrected_planar", FC_TEST_VALID, 1);
  assert_decides (v, "roundoff_units_corrected_line", FC_TEST_VALID, 1);
  /* The corrected error is round-off at every step of the sweep: its
     growth exponent is reported, never judged (it moves with the
     compiler's rounding and FMA); the error at alpha_0 = 1e-8 is still
     far below 1 (1/alpha_0 times round-off).  */
  assert_reports (v, "corrected_error_exponent_alpha0");
  const fc_metric *e = metric (v, "corrected_rms_error_alpha0_1e-8");
  ck_assert_msg (e->value > 0.0 && e->value < 1e-6, "%.17g", e->value);
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
  assert_decides (v, "rk4_error_curved", FC_TEST_VALID, 1);
  assert_reports (v, "sliced_w2_noise");
}

FC_CLAIM_TEST (test_b5_exact_fields_minimise_the_regression_loss,
               "B5", FC_VERDICT_CONFIRMED)
{
  const fc_metric *z = metric (v, "max_z_identity");
  fc_ck_assert_abs (z->value, 0.0, z->tolerance, "L(ghat) - L(g) - E||ghat - g||^2");
  const fc_metric *e = metric (v, "min_z_excess");
  ck_assert_msg (e->value > e->tolerance, "excess loss only %.17g se", e->value);
  assert_below (v, "reg_rate");
  assert_decides (v, "min_z_excess", FC_TEST_HOLDS, 1);
  assert_reports (v, "loss_exact");
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
  assert_decides (v, "roundoff_units_linear", FC_TEST_HOLDS, 1);
  /* The formula's error is round-off divided by a0 at every time of the
     sweep towards a0 = 0 (judged above, in units that carry 1/a0): the
     exponents of its growth are reported only.  */
  assert_reports (v, "error_exponent_alpha0_linear");
  assert_reports (v, "error_exponent_alpha0_cosine");
  /* At t = 1 the direct field is finite where the formula is 0/0.  */
  ck_assert (isfinite (metric (v, "direct_speed_t1")->value));
}

FC_CLAIM_TEST (test_b11_note_sampler_covers_half_the_simplex, "B11",
               FC_VERDICT_REFUTED)
{
  /* The image is the square [0, 1/2]^2 in (alpha_1, alpha_2): half of
     the simplex, exactly and within Z_MAX standard errors by Monte Carlo;
     no draw beyond 1/2.  */
  const fc_metric *e = metric (v, "uncovered_share_exact");
  fc_ck_assert_abs (e->value, 0.5, e->tolerance, "exact uncovered share");
  const fc_metric *m = metric (v, "uncovered_share_mc");
  const fc_metric *se = metric (v, "covered_share_mc_se");
  fc_ck_assert_abs (m->value, 0.5, Z_MAX * se->value, "Monte Carlo share");
  ck_assert (metric (v, "max_alpha12_draws")->value <= 0.5);
  assert_decides (v, "uncovered_share_mc", FC_TEST_HOLDS, 0);
  assert_decides (v, "uncovered_share_exact", FC_TEST_HOLDS, 0);
  assert_decides (v, "max_alpha12_draws", FC_TEST_HOLDS, 0);
}

FC_CLAIM_TEST (test_b12_chat_loss_equals_squared_error_up_to_e_norm_x0_sq,
               "B12", FC_VERDICT_REFUTED)
{
  /* The sides differ by -E||x0||^2 = -2 (N(0, I) in 2-D), for every eta;
     the differences agree across eta and the minimisers coincide.  */
  fc_ck_assert_abs (metric (v, "e_norm_x0_sq")->value, 2.0, 1e-15,
                    "second moment of N(0, I_2)");
  assert_decides (v, "max_z_equality", FC_TEST_HOLDS, 0);
  assert_decides (v, "max_z_difference_spread", FC_TEST_VALID, 1);
  assert_decides (v, "z_argmin_difference", FC_TEST_VALID, 1);
  /* At eta = 0 the left side is 0 and the right E||x0||^2 over 6400
     draws (quick sizes): |x0|^2 is chi-square with 2 degrees of freedom,
     standard deviation 2, so the mean is within Z_MAX 2 / 80 of 2.  */
  fc_ck_assert_abs (metric (v, "lhs_minus_rhs_zero")->value, -2.0,
                    Z_MAX * 2.0 / 80.0, "left - right at eta = 0");
}

FC_TEST ("claims", test_same_seed_same_figures_other_seed_other_figures)
{
  assert_claim_reproducible ("B3", "rel_hmin_planar_k1");
}
END_TEST

/* ----------------------------------------------------------- controls */

/* A control of the module and the figures its change must move (the
   verdicts alone are asserted in check_controls): FAIL deciding figures
   that fail their criterion in the control, PASS deciding figures that
   still pass it, STALLS residual studies that stall (slope below a
   quarter of 2 and rel(h_min) at least STALL times the truncation
   scale).  */
typedef struct
{
  const char *id, *name;
  fc_verdict_kind expected;
  const char *fail[3];
  const char *pass[3];
  const char *stalls[N_B3_STUDIES + 1];
  double stall;
} control_case;

static const control_case control_cases[] = {
  /* alpha_0 off by 1e-13: a few times the round-off ladder.  */
  { "B1", "coefficient_off", FC_VERDICT_REFUTED,
    { "roundoff_units_planar", "roundoff_units_line" }, { NULL }, { NULL }, 0 },
  /* The corrected sum over k >= 1 in the stated form's place is
     round-off.  */
  { "B2", "sum_from_k1", FC_VERDICT_CONFIRMED, { NULL },
    { "roundoff_units_stated_planar", "roundoff_units_stated_line",
      "roundoff_units_corrected_planar" },
    { NULL }, 0 },
  /* The corrected form's alpha_1 off by 1e-13: beyond its ladder.  */
  { "B2", "corrected_coefficient_off", FC_VERDICT_NONE,
    { "roundoff_units_corrected_planar", "roundoff_units_corrected_line",
      "roundoff_units_stated_planar" },
    { NULL }, { NULL }, 0 },
  { "B3", "other_marginal_field", FC_VERDICT_REFUTED, { NULL }, { NULL },
    { "planar_k0", "line_k2" }, STALL_FACTOR },
  { "B3", "field_five_percent_fast", FC_VERDICT_REFUTED, { NULL }, { NULL },
    { "planar_k0", "planar_k1", "planar_k2", "line_k0", "line_k1", "line_k2" },
    1.0 },
  { "B4", "rate_dropped", FC_VERDICT_REFUTED, { NULL }, { NULL },
    { "straight", "curved" }, STALL_FACTOR },
  { "B4", "field_five_percent_fast", FC_VERDICT_REFUTED, { NULL }, { NULL },
    { "straight", "curved" }, 1.0 },
  /* A drift of 0.5 moves the pushed mean ~10 standard errors.  */
  { "B4", "constant_drift", FC_VERDICT_REFUTED,
    { "z_mean_straight", "z_mean_curved", "sliced_w2_curved" }, { NULL },
    { "straight", "curved" }, 1.0 },
  /* Two RK4 steps: the integration error is not negligible.  */
  { "B4", "coarse_rk4", FC_VERDICT_NONE,
    { "rk4_error_straight", "rk4_error_curved" }, { NULL }, { NULL }, 0 },
  /* L(ghat) - L(g') = E||ghat - g'||^2 fails for g' = g + bump.  */
  { "B5", "perturbed_minimiser", FC_VERDICT_REFUTED, { "max_z_identity" },
    { NULL }, { NULL }, 0 },
  /* g' = g + 3 bump: a perturbation nearer g has the lower loss, and the
     regressor's error against g' stalls (rate above -1/8).  */
  { "B5", "far_minimiser", FC_VERDICT_REFUTED,
    { "max_z_identity", "min_z_excess", "reg_rate" }, { NULL }, { NULL }, 0 },
  /* Every learned path costs less than 1.5 W2^2.  */
  { "B6", "bound_raised", FC_VERDICT_REFUTED,
    { "gauss1d_bound_excess", "gauss2d_bound_excess",
      "gauss1d_narrow_bound_excess" },
    { NULL }, { NULL }, 0 },
  /* No modes: learned = straight, a difference of 0 is not below its
     band.  */
  { "B6", "no_modes", FC_VERDICT_REFUTED,
    { "gauss1d_learned_minus_straight", "gauss2d_learned_minus_straight",
      "gauss1d_narrow_learned_minus_straight" },
    { "gauss1d_bound_excess", "gauss2d_bound_excess",
      "mixture2d_bound_excess" }, { NULL }, 0 },
  { "B7", "corrected_map", FC_VERDICT_CONFIRMED, { NULL },
    { "stated_end_miss_max", "stated_overshoot", "corrected_end_miss_max" },
    { NULL }, 0 },
  /* The corrected map off by 1e-12 at its end.  */
  { "B7", "corrected_off", FC_VERDICT_NONE,
    { "corrected_end_miss_max", "corrected_overshoot", "stated_end_miss_max" },
    { NULL }, { NULL }, 0 },
  /* The cost part still holds; the joint flow no longer keeps 0.8.  */
  { "B8", "separate_vertices", FC_VERDICT_NONE, { "z_joint_vs_data" },
    { "learned_minus_diagonal" }, { NULL }, 0 },
  /* The separate-vertex flow built jointly keeps the correlation.  */
  { "B8", "separate_built_jointly", FC_VERDICT_REFUTED,
    { "z_separate_vs_zero" }, { "z_joint_vs_data" }, { NULL }, 0 },
  /* The diagonal as the learned schedule: no improvement.  */
  { "B8", "no_modes", FC_VERDICT_REFUTED, { "learned_minus_diagonal" },
    { "z_separate_vs_zero", "z_joint_vs_data" }, { NULL }, 0 },
  { "B9", "naive_field", FC_VERDICT_REFUTED, { NULL }, { NULL }, { "trig" },
    STALL_FACTOR },
  { "B9", "field_five_percent_fast", FC_VERDICT_REFUTED, { NULL }, { NULL },
    { "trig" }, 1.0 },
  /* alpha_1 off by 1e-13 in the formula: several times the ladder.  */
  { "B10", "coefficient_off", FC_VERDICT_REFUTED,
    { "roundoff_units_linear", "roundoff_units_cosine" }, { NULL }, { NULL }, 0 },
  /* The uniform law on the simplex covers it and reaches its corners.  */
  { "B11", "full_support", FC_VERDICT_CONFIRMED, { NULL },
    { "uncovered_share_mc", "uncovered_share_exact", "max_alpha12_draws" },
    { NULL }, 0 },
  /* E||x0||^2 added: the sides agree within their standard errors.  */
  { "B12", "constant_added", FC_VERDICT_CONFIRMED, { NULL },
    { "max_z_equality", "max_z_difference_spread", "z_argmin_difference" },
    { NULL }, 0 },
  /* A weight 1.5 on the cross term moves the left side's minimiser.  */
  { "B12", "cross_weight", FC_VERDICT_NONE,
    { "max_z_difference_spread", "z_argmin_difference", "max_z_equality" },
    { NULL }, { NULL }, 0 },
};
#define N_CONTROL_CASES (sizeof control_cases / sizeof control_cases[0])

FC_LOOP_TEST ("controls", test_each_control_moves_the_figures_its_change_must_move,
              (int) N_CONTROL_CASES)
{
  const control_case *k = &control_cases[_i];
  fc_verdict v;
  run_control (k->id, k->name, k->expected, &v);
  for (size_t i = 0; i < 3 && k->fail[i] != NULL; i++)
    assert_decides (&v, k->fail[i], metric (&v, k->fail[i])->test, 0);
  for (size_t i = 0; i < 3 && k->pass[i] != NULL; i++)
    assert_decides (&v, k->pass[i], metric (&v, k->pass[i])->test, 1);
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
