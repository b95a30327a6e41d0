/* tests/check_continuity.c -- the claims of module `continuity` (C1-C6).
 *
 * One test per claim: it runs the check with the quick sizes (the ones
 * valgrind can afford) and a fixed seed, asserts the catalog's expected
 * verdict (DERIVATIONS.md; the expectation is written here, not read from
 * the module), and asserts the decisive metrics against the tolerance the
 * module recorded beside each (derived there: order bands from the local
 * orders plus an O(h_max^2) floor, truncation scales from sigma_t, Monte
 * Carlo bands from standard errors).  Then the figure data: written whole,
 * with headers, into a temporary directory, and the error path of a
 * missing directory.  */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "fc_check.h"
#include "fc_module.h"
#define FC_CK_MODULE "continuity"
#include "fc_check_module.h"


START_TEST (test_module_lists_claims_c1_to_c6_in_catalog_order)
{
  static const char *const ids[] = { "C1", "C2", "C3", "C4", "C5", "C6" };
  const fc_module *m = assert_claim_table ("continuity", ids, 6);
  ck_assert_ptr_nonnull (m->write_figure_data);
}
END_TEST

START_TEST (test_c1_conditional_paths_solve_continuity_at_order_two)
{
  fc_verdict v;
  run_claim ("C1", FC_VERDICT_CONFIRMED, &v);
  assert_order_two (&v, "linear");
  assert_order_two (&v, "cosine");
  assert_order_two (&v, "vp");
}
END_TEST

START_TEST (test_c2_marginal_field_solves_continuity_for_every_data_kind)
{
  fc_verdict v;
  run_claim ("C2", FC_VERDICT_CONFIRMED, &v);
  assert_order_two (&v, "gmm");
  assert_order_two (&v, "gmm3d");
  assert_order_two (&v, "square");
  assert_order_two (&v, "empirical");
  const fc_metric *q = metric (&v, "quadrature_rel_error");
  ck_assert_msg (q->value <= q->tolerance, "quadrature error %.17g > %.17g",
                 q->value, q->tolerance);
}
END_TEST

START_TEST (test_c3_unweighted_average_residual_does_not_shrink)
{
  fc_verdict v;
  run_claim ("C3", FC_VERDICT_REFUTED, &v);
  const fc_metric *o = metric (&v, "order_unweighted");
  const fc_metric *r = metric (&v, "rel_hmin_unweighted");
  /* Stalled: slope below a quarter of 2, and a residual of order one, at
     least 100 times the truncation scale of a converging field.  */
  ck_assert_msg (o->value < 0.5, "order %.17g", o->value);
  ck_assert_msg (r->value > 100.0 * r->tolerance, "rel(h_min) %.17g vs %.17g",
                 r->value, r->tolerance);
}
END_TEST

START_TEST (test_c4_loss_gap_is_field_independent_and_regressor_converges)
{
  fc_verdict v;
  run_claim ("C4", FC_VERDICT_CONFIRMED, &v);
  const fc_metric *z = metric (&v, "max_z");
  fc_ck_assert_abs (z->value, 0.0, z->tolerance, "paired z over fields");
  const fc_metric *rate = metric (&v, "reg_rate");
  ck_assert_msg (rate->value <= rate->tolerance, "regressor rate %.17g > %.17g",
                 rate->value, rate->tolerance);
  /* L_CFM - L_FM = E||x1 - x0||^2 - E||u_t||^2 > 0 (conditional variance). */
  ck_assert (metric (&v, "loss_gap")->value > 0.0);
}
END_TEST

START_TEST (test_c5_flow_of_marginal_field_carries_noise_to_data)
{
  fc_verdict v;
  run_claim ("C5", FC_VERDICT_CONFIRMED, &v);
  static const char *const names[]
      = { "logq_error_tol1e-4", "logq_error_tol1e-6", "logq_error_tol1e-8",
          "z_mean", "z_var", "sliced_w2" };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    {
      const fc_metric *m = metric (&v, names[i]);
      ck_assert_msg (m->value <= m->tolerance, "%s = %.17g > %.17g", names[i],
                     m->value, m->tolerance);
    }
  const fc_metric *s = metric (&v, "logq_error_slope");
  ck_assert_msg (s->value >= s->tolerance, "slope %.17g", s->value);
  ck_assert (isfinite (metric (&v, "max_speed_t1")->value));
}
END_TEST

START_TEST (test_c6_speed_bounded_for_smooth_data_unbounded_for_dirac)
{
  fc_verdict v;
  run_claim ("C6", FC_VERDICT_CONFIRMED, &v);
  const fc_metric *s = metric (&v, "growth_exponent_smooth");
  const fc_metric *d = metric (&v, "growth_exponent_dirac");
  fc_ck_assert_abs (s->value, 0.0, s->tolerance, "smooth exponent");
  fc_ck_assert_abs (d->value, -1.0, d->tolerance, "Dirac exponent");
  /* At t = 1 the linear-schedule field of nonsingular data is u_1(x) = x
     (E[x0 | x_1 = x] = 0), so its sup on [-4, 4]^2 is the corner's 4 sqrt 2;
     a grid of step 0.2 contains the corner exactly.  */
  fc_ck_assert_rel (metric (&v, "sup_u_t1_smooth")->value, 4.0 * M_SQRT2,
                    TOL_EPS (64), "sup |u_1|");
}
END_TEST

START_TEST (test_same_seed_same_figures_other_seed_other_figures)
{
  assert_claim_reproducible ("C2", "rel_hmin_gmm");
}
END_TEST

START_TEST (test_figure_data_written_whole_with_headers)
{
  /* Quick sizes: 5 steps; 3 x 41^2; 3 x 11^2; paths + ends + q.  */
  static const fc_ck_figure_file files[] = {
    { "continuity-order.dat", 5 },
    { "vector-field-density.dat", 3 * 41 * 41 },
    { "vector-field-arrows.dat", 3 * 11 * 11 },
    { "trajectories.dat", 60 * 101 + 2 * 60 + 1000 },
  };
  assert_figure_files (files, sizeof files / sizeof files[0]);
}
END_TEST

START_TEST (test_figure_data_into_missing_directory_fails)
{
  fc_run_options opt = { SEED, "/nonexistent/flowcheck-continuity", 1, NULL };
  ck_assert_int_ne (module_under_test ()->write_figure_data (&opt), GSL_SUCCESS);
  opt.out_dir = NULL;
  ck_assert_int_ne (module_under_test ()->write_figure_data (&opt), GSL_SUCCESS);
}
END_TEST

static Suite *
continuity_suite (void)
{
  Suite *s = suite_create ("continuity");
  TCase *tc = tcase_create ("claims");
  tcase_add_test (tc, test_module_lists_claims_c1_to_c6_in_catalog_order);
  tcase_add_test (tc, test_c1_conditional_paths_solve_continuity_at_order_two);
  tcase_add_test (tc, test_c2_marginal_field_solves_continuity_for_every_data_kind);
  tcase_add_test (tc, test_c3_unweighted_average_residual_does_not_shrink);
  tcase_add_test (tc, test_c4_loss_gap_is_field_independent_and_regressor_converges);
  tcase_add_test (tc, test_c5_flow_of_marginal_field_carries_noise_to_data);
  tcase_add_test (tc, test_c6_speed_bounded_for_smooth_data_unbounded_for_dirac);
  tcase_add_test (tc, test_same_seed_same_figures_other_seed_other_figures);
  suite_add_tcase (s, tc);
  TCase *tf = tcase_create ("figures");
  tcase_add_test (tf, test_figure_data_written_whole_with_headers);
  tcase_add_test (tf, test_figure_data_into_missing_directory_fails);
  suite_add_tcase (s, tf);
  return s;
}

int
main (void)
{
  return fc_run_suite (continuity_suite ());
}
