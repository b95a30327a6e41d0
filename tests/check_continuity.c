/* tests/check_continuity.c -- the claims of module `continuity` (C1-C6) and
 * their controls.
 *
 * One test per claim: it runs the check with the quick sizes (the ones
 * valgrind can afford) and a fixed seed, asserts the catalog's expected
 * verdict (CATALOG.md; the expectation is written here, not read from
 * the module), and asserts the decisive metrics against the tolerance the
 * module recorded beside each (derived there: order bands from the local
 * orders plus an O(h_max^2) floor, truncation scales from sigma_t, Monte
 * Carlo bands from standard errors).  One test per control: the verdict
 * its claim table declares, and the figure that decides it (a broken
 * identity must fail its check where the change predicts, the corrected
 * counter-example must pass where the claim's form failed).  The figure
 * files and every control's verdict are tested over the whole registry in
 * check_registry and check_controls.  */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fc_check.h"
#include "fc_module.h"
#define FC_CK_MODULE "continuity"
#include "fc_check_module.h"

/* A broken identity leaves a residual of order of its change (a few
   percent of rms dp/dt), against a truncation scale of ~1e-3: at least
   ten times that scale is asked of every study of a control.  */
#define BROKEN_RESIDUAL_FACTOR 10.0

/* The order studies of C1 (one per schedule) and C2 (one per data kind). */
static const char *const c1_studies[] = { "linear", "cosine", "vp" };
static const char *const c2_studies[] = { "gmm", "gmm3d", "square", "empirical" };
#define N_STUDIES(names) (sizeof (names) / sizeof (names)[0])

/* Every study NAMES (n) of V converges at order two.  */
static void
assert_studies_order_two (const fc_verdict *v, const char *const *names,
                          size_t n)
{
  for (size_t i = 0; i < n; i++)
    assert_order_two (v, names[i]);
}

/* Every study NAMES (n) of V stalls at a residual of at least
   BROKEN_RESIDUAL_FACTOR truncation scales.  */
static void
assert_studies_stall (const fc_verdict *v, const char *const *names, size_t n)
{
  for (size_t i = 0; i < n; i++)
    assert_order_stalls (v, names[i], BROKEN_RESIDUAL_FACTOR);
}

FC_TEST ("claims", test_module_lists_claims_c1_to_c6_in_catalog_order)
{
  static const char *const ids[] = { "C1", "C2", "C3", "C4", "C5", "C6" };
  const fc_module *m = assert_claim_table ("continuity", ids, 6);
  ck_assert_ptr_nonnull (m->write_figures);
  ck_assert_uint_gt (m->n_figures, 0);
}
END_TEST

/* ---------------------------------------------------------------- claims */

FC_CLAIM_TEST (test_c1_conditional_paths_solve_continuity_at_order_two,
               "C1", FC_VERDICT_CONFIRMED)
{
  assert_studies_order_two (v, c1_studies, N_STUDIES (c1_studies));
}

FC_CLAIM_TEST (test_c2_marginal_field_solves_continuity_for_every_data_kind,
               "C2", FC_VERDICT_CONFIRMED)
{
  assert_studies_order_two (v, c2_studies, N_STUDIES (c2_studies));
  assert_below (v, "quadrature_rel_error");
}

FC_CLAIM_TEST (test_c3_unweighted_average_residual_does_not_shrink,
               "C3", FC_VERDICT_REFUTED)
{
  /* Stalled: slope below a quarter of 2, and a residual of order one, at
     least 100 times the truncation scale of a converging field.  */
  assert_order_stalls (v, "unweighted", 100.0);
}

FC_CLAIM_TEST (test_c4_loss_gap_is_field_independent_and_regressor_converges,
               "C4", FC_VERDICT_CONFIRMED)
{
  const fc_metric *z = metric (v, "max_z");
  fc_ck_assert_abs (z->value, 0.0, z->tolerance, "paired z over fields");
  assert_below (v, "reg_rate");
  /* L_CFM - L_FM = E||x1 - x0||^2 - E||u_t||^2 > 0 (conditional variance). */
  ck_assert (metric (v, "loss_gap")->value > 0.0);
}

FC_CLAIM_TEST (test_c5_flow_of_marginal_field_carries_noise_to_data,
               "C5", FC_VERDICT_CONFIRMED)
{
  assert_below (v, "logq_error_tol1e-4", "logq_error_tol1e-6",
                "logq_error_tol1e-8", "z_mean", "z_var", "sliced_w2");
  const fc_metric *s = metric (v, "logq_error_slope");
  ck_assert_msg (s->value >= s->tolerance, "slope %.17g", s->value);
  ck_assert (isfinite (metric (v, "max_speed_t1")->value));
}

FC_CLAIM_TEST (test_c6_speed_bounded_for_smooth_data_unbounded_for_dirac,
               "C6", FC_VERDICT_CONFIRMED)
{
  const fc_metric *s = metric (v, "growth_exponent_smooth");
  const fc_metric *d = metric (v, "growth_exponent_dirac");
  fc_ck_assert_abs (s->value, 0.0, s->tolerance, "smooth exponent");
  fc_ck_assert_abs (d->value, -1.0, d->tolerance, "Dirac exponent");
  /* At t = 1 the linear-schedule field of nonsingular data is u_1(x) = x
     (E[x0 | x_1 = x] = 0), so its sup on [-4, 4]^2 is the corner's 4 sqrt 2;
     a grid of step 0.2 contains the corner exactly.  */
  fc_ck_assert_rel (metric (v, "sup_u_t1_smooth")->value, 4.0 * M_SQRT2,
                    TOL_EPS (64), "sup |u_1|");
}

FC_TEST ("claims", test_same_seed_same_figures_other_seed_other_figures)
{
  assert_claim_reproducible ("C2", "rel_hmin_gmm");
}
END_TEST

/* The order figure renders the studies the checks stored: from a record
   that no check filled, nothing is written at all.  */
FC_TEST ("claims", test_order_figure_needs_the_order_studies_of_the_checks)
{
  const fc_module *m = module_under_test ();
  void *record = fc_module_figures_alloc (m);
  ck_assert_ptr_nonnull (record);
  char dir[] = "/tmp/check_continuity.XXXXXX";
  ck_assert_ptr_nonnull (mkdtemp (dir));
  fc_run_options opt = quick_options (SEED);
  opt.out_dir = dir;
  ck_assert_int_eq (fc_module_figures_write (m, &opt, record), GSL_EFAILED);
  fc_module_figures_free (m, record);
  ck_assert_msg (rmdir (dir) == 0, "%s is not empty", dir);
}
END_TEST

/* -------------------------------------------------------------- controls */

FC_CONTROL_TEST (test_c1_sigma_dot_term_off_by_five_percent_stalls_every_schedule,
                 "C1", "sigma_dot_off", FC_VERDICT_REFUTED)
{
  assert_studies_stall (v, c1_studies, N_STUDIES (c1_studies));
}

FC_CONTROL_TEST (test_c2_flattened_posterior_stalls_for_every_data_kind,
                 "C2", "flattened_posterior", FC_VERDICT_REFUTED)
{
  assert_studies_stall (v, c2_studies, N_STUDIES (c2_studies));
  /* The data are unchanged: the square's quadrature still is the square. */
  assert_below (v, "quadrature_rel_error");
}

FC_CONTROL_TEST (test_c3_posterior_weighted_average_solves_continuity_at_order_two,
                 "C3", "posterior_weighted", FC_VERDICT_CONFIRMED)
{
  assert_order_two (v, "weighted");
}

FC_CONTROL_TEST (test_c4_scaled_target_makes_loss_gap_depend_on_the_field,
                 "C4", "target_scaled", FC_VERDICT_REFUTED)
{
  /* The paired differences between fields now have mean 2 s E[(v_a -
     v_b) . u_t] != 0: some pair leaves the 4-standard-error band.  */
  assert_above (v, "max_z");
}

FC_CONTROL_TEST (test_c5_field_scaled_by_a_thousandth_breaks_change_of_variables,
                 "C5", "field_scaled", FC_VERDICT_REFUTED)
{
  /* log p_1 - log q stays at the scale of the change whatever the ODE
     tolerance: far above the bound at 1e-8, and no longer falling.  */
  assert_above (v, "logq_error_tol1e-8");
  const fc_metric *s = metric (v, "logq_error_slope");
  ck_assert_msg (s->value < s->tolerance, "slope %.17g", s->value);
  /* It is the change of variables that sees a 0.1% change: the sample
     comparison at these sizes does not.  */
  assert_below (v, "z_mean", "sliced_w2");
}

FC_CONTROL_TEST (test_c6_biased_endpoint_predictor_makes_smooth_field_unbounded,
                 "C6", "endpoint_biased", FC_VERDICT_REFUTED)
{
  const fc_metric *s = metric (v, "growth_exponent_smooth");
  ck_assert_msg (s->value < -s->tolerance, "smooth exponent %.17g", s->value);
  const fc_metric *d = metric (v, "growth_exponent_dirac");
  fc_ck_assert_abs (d->value, -1.0, d->tolerance, "Dirac exponent");
  ck_assert (!isfinite (metric (v, "sup_u_t1_smooth")->value));
}

FC_CK_MAIN ("continuity")
