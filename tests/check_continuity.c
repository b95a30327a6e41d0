/* tests/check_continuity.c -- the claims of module `continuity` (C1-C7) and
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

/* The order studies of C1 (one per schedule), C2 (the breadth data sets
   gmm, empirical and gmm6d under every schedule, then gmm3d and the square
   under the linear one) and C3 (the breadth sets under every schedule), and
   the cases of C5 (gmm, moons and gmm6d under every schedule).  */
static const char *const c1_studies[] = { "linear", "cosine", "vp" };
static const char *const c3_studies[]
    = { "linear_gmm", "linear_empirical", "linear_gmm6d",
        "cosine_gmm", "cosine_empirical", "cosine_gmm6d",
        "vp_gmm",     "vp_empirical",     "vp_gmm6d" };
static const char *const c2_studies[]
    = { "linear_gmm", "linear_empirical", "linear_gmm6d",
        "cosine_gmm", "cosine_empirical", "cosine_gmm6d",
        "vp_gmm",     "vp_empirical",     "vp_gmm6d",
        "linear_gmm3d", "linear_square" };
static const char *const c5_cases[]
    = { "linear_gmm", "linear_moons", "linear_gmm6d",
        "cosine_gmm", "cosine_moons", "cosine_gmm6d",
        "vp_gmm",     "vp_moons",     "vp_gmm6d" };
static const char *const c7_studies[] = { "1d", "2d_straight", "2d_lshape" };
#define N_STUDIES(names) (sizeof (names) / sizeof (names)[0])

/* Every study NAMES (n) of V converges at order two.  */
static void
assert_studies_order_two (const fc_verdict *v, const char *const *names,
                          size_t n)
{
  for (size_t i = 0; i < n; i++)
    assert_order_two (v, names[i]);
}

/* Every study NAMES (n) of V stalls at a residual of at least FACTOR
   truncation scales.  */
static void
assert_studies_stall (const fc_verdict *v, const char *const *names, size_t n,
                      double factor)
{
  for (size_t i = 0; i < n; i++)
    assert_order_stalls (v, names[i], factor);
}

/* The figure NAME of V decides (TEST) or, for FC_TEST_NONE, reports.  */
static void
assert_role (const fc_verdict *v, const char *name, fc_metric_test test)
{
  const fc_metric *m = metric (v, name);
  ck_assert_msg (m->test == test, "%s %s: kind %s", v->id, name,
                 fc_metric_test_name (m));
}

/* The figure "PREFIX_CASE" of V for each of the N cases CASES is at most
   (or, if ABOVE, above) its tolerance.  */
static void
assert_cases_against_band (const fc_verdict *v, const char *prefix,
                           const char *const *cases, size_t n, int above)
{
  char buf[FC_VERDICT_NAME_LEN];
  for (size_t i = 0; i < n; i++)
    {
      snprintf (buf, sizeof buf, "%s_%s", prefix, cases[i]);
      assert_each_against_band (v, above, (const char *const[]){ buf, NULL });
    }
}

/* The slope of every C5 case at least its least accepted value, or (if
   BELOW) under it.  */
static void
assert_c5_slopes (const fc_verdict *v, int below)
{
  char buf[FC_VERDICT_NAME_LEN];
  for (size_t i = 0; i < N_STUDIES (c5_cases); i++)
    {
      snprintf (buf, sizeof buf, "logq_slope_%s", c5_cases[i]);
      const fc_metric *s = metric (v, buf);
      ck_assert_msg ((s->value >= s->tolerance) != below, "%s = %.17g", buf,
                     s->value);
    }
}

FC_TEST ("claims", test_module_lists_claims_c1_to_c7_in_catalog_order)
{
  static const char *const ids[] = { "C1", "C2", "C3", "C4", "C5", "C6", "C7" };
  const fc_module *m = assert_claim_table ("continuity", ids, 7);
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

FC_CLAIM_TEST (test_c2_marginal_field_solves_continuity_for_every_schedule_and_data_set,
               "C2", FC_VERDICT_CONFIRMED)
{
  assert_studies_order_two (v, c2_studies, N_STUDIES (c2_studies));
  assert_below (v, "quadrature_rel_error");
  assert_role (v, "quadrature_rel_error", FC_TEST_VALID);
}

FC_CLAIM_TEST (test_c3_unweighted_average_residual_does_not_shrink_anywhere,
               "C3", FC_VERDICT_REFUTED)
{
  /* Stalled: slope below a quarter of 2, and a residual of order one, at
     least 100 times the truncation scale of a converging field, for every
     schedule and data set.  */
  assert_studies_stall (v, c3_studies, N_STUDIES (c3_studies), 100.0);
}

FC_CLAIM_TEST (test_c4_loss_gap_is_field_independent_and_regressor_converges_at_three_times,
               "C4", FC_VERDICT_CONFIRMED)
{
  const fc_metric *z = metric (v, "max_z");
  fc_ck_assert_abs (z->value, 0.0, z->tolerance, "paired z over fields");
  assert_below (v, "reg_rate_t0.25", "reg_rate_t0.5", "reg_rate_t0.8");
  /* L_CFM - L_FM = E||x1 - x0||^2 - E||u_t||^2 > 0 (conditional variance). */
  ck_assert (metric (v, "loss_gap")->value > 0.0);
  assert_role (v, "loss_gap", FC_TEST_NONE);
  assert_role (v, "reg_error_t0.8_n3200", FC_TEST_NONE);
}

FC_CLAIM_TEST (test_c5_flow_carries_noise_to_data_within_the_integrators_error,
               "C5", FC_VERDICT_CONFIRMED)
{
  assert_c5_slopes (v, 0);
  assert_cases_against_band (v, "logq_unexplained", c5_cases,
                             N_STUDIES (c5_cases), 0);
  assert_below (v, "z_mean", "z_var", "sliced_w2");
  /* The bounds are the errors as the integrator estimates them: the worst
     error reaches its bound within a factor 2, not 300.  */
  double tight = metric (v, "logq_error_over_bound_max")->value;
  ck_assert_msg (tight > 0.5 && tight <= 1.0, "error/bound %.17g", tight);
  /* At the quick sizes the ladder 1e-3 .. 1e-8 stays above the floor:
     six rungs, five of them bounded.  */
  ck_assert (metric (v, "ladder_rungs_above_floor_min")->value >= 6.0);
}

FC_CLAIM_TEST (test_c6_speed_bounded_for_smooth_data_unbounded_for_dirac,
               "C6", FC_VERDICT_CONFIRMED)
{
  const fc_metric *s = metric (v, "growth_exponent_smooth");
  fc_ck_assert_abs (s->value, 0.0, s->tolerance, "smooth exponent");
  /* At t = 1 the linear-schedule field of nonsingular data is u_1(x) = x
     (E[x0 | x_1 = x] = 0), so its sup on [-4, 4]^2 is the corner's 4 sqrt 2;
     a grid of step 0.2 contains the corner exactly.  */
  const fc_metric *sup = metric (v, "sup_u_t1_smooth");
  fc_ck_assert_rel (sup->value, 4.0 * M_SQRT2, TOL_EPS (64), "sup |u_1|");
  ck_assert (fabs (sup->value - 4.0 * M_SQRT2) <= sup->tolerance);
  /* The Dirac exponent is -1 by the form of the point-mass field: it
     illustrates, it does not decide.  */
  fc_ck_assert_abs (metric (v, "growth_exponent_dirac")->value, -1.0, 0.15,
                    "Dirac exponent");
  assert_role (v, "growth_exponent_dirac", FC_TEST_NONE);
}

FC_CLAIM_TEST (test_c7_mixture_path_fields_solve_continuity_and_are_not_unique,
               "C7", FC_VERDICT_CONFIRMED)
{
  assert_studies_order_two (v, c7_studies, N_STUDIES (c7_studies));
  assert_below (v, "flux_identity_1d");
  assert_above (v, "field_difference_2d");
  /* The CDF flux decays (about 1/|x| at x = +-8); adding c/p_t, another
     solution, does not (c/p_t ~ c e^32 there).  */
  ck_assert (metric (v, "speed_tail_1d")->value < 1.0);
  ck_assert (metric (v, "speed_tail_1d_plus_c_over_p")->value > 1e6);
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
  assert_studies_stall (v, c1_studies, N_STUDIES (c1_studies),
                        BROKEN_RESIDUAL_FACTOR);
}

FC_CONTROL_TEST (test_c2_flattened_posterior_stalls_for_every_schedule_and_data_set,
                 "C2", "flattened_posterior", FC_VERDICT_REFUTED)
{
  /* At least five truncation scales: those of D = 6 are the largest.  */
  assert_studies_stall (v, c2_studies, N_STUDIES (c2_studies), 5.0);
  /* The data are unchanged: the square's quadrature still is the square. */
  assert_below (v, "quadrature_rel_error");
}

FC_CONTROL_TEST (test_c2_coarse_quadrature_is_not_the_square_so_c2_is_undecided,
                 "C2", "coarse_quadrature", FC_VERDICT_NONE)
{
  assert_above (v, "quadrature_rel_error");
  /* The coarse mixture still solves its own continuity equation.  */
  assert_order_two (v, "linear_square");
}

FC_CONTROL_TEST (test_c3_posterior_weighted_average_solves_continuity_at_order_two,
                 "C3", "posterior_weighted", FC_VERDICT_CONFIRMED)
{
  assert_studies_order_two (v, c3_studies, N_STUDIES (c3_studies));
}

FC_CONTROL_TEST (test_c4_scaled_target_makes_loss_gap_depend_on_the_field,
                 "C4", "target_scaled", FC_VERDICT_REFUTED)
{
  /* The paired differences between fields now have mean 2 s E[(v_a -
     v_b) . u_t] != 0: some pair leaves the 4-standard-error band.  */
  assert_above (v, "max_z");
}

FC_CONTROL_TEST (test_c4_endpoint_target_regressor_stops_converging_to_u_t,
                 "C4", "target_endpoint", FC_VERDICT_REFUTED)
{
  assert_above (v, "max_z", "reg_rate_t0.25", "reg_rate_t0.5", "reg_rate_t0.8");
}

FC_CONTROL_TEST (test_c5_field_scaled_by_a_thousandth_breaks_change_of_variables,
                 "C5", "field_scaled", FC_VERDICT_REFUTED)
{
  /* log p_1 - log q stays at the scale of the change whatever the ODE
     tolerance: no longer falling, and far beyond the integrator's own
     estimate of its error, in every case.  */
  assert_c5_slopes (v, 1);
  assert_cases_against_band (v, "logq_unexplained", c5_cases,
                             N_STUDIES (c5_cases), 1);
  /* It is the change of variables that sees a 0.1% change: the sample
     comparison at these sizes does not.  */
  assert_below (v, "z_mean", "z_var", "sliced_w2");
}

FC_CONTROL_TEST (test_c5_visibly_wrong_field_fails_the_sample_comparison,
                 "C5", "field_visibly_wrong", FC_VERDICT_REFUTED)
{
  assert_above (v, "z_mean", "z_var", "sliced_w2");
  assert_c5_slopes (v, 1);
}

FC_CONTROL_TEST (test_c6_biased_endpoint_predictor_makes_smooth_field_unbounded,
                 "C6", "endpoint_biased", FC_VERDICT_REFUTED)
{
  const fc_metric *s = metric (v, "growth_exponent_smooth");
  ck_assert_msg (s->value < -s->tolerance, "smooth exponent %.17g", s->value);
  const fc_metric *d = metric (v, "growth_exponent_dirac");
  fc_ck_assert_abs (d->value, -1.0, 0.15, "Dirac exponent");
  ck_assert (!isfinite (metric (v, "sup_u_t1_smooth")->value));
}

FC_CONTROL_TEST (test_c7_flipped_flux_sign_stalls_every_study,
                 "C7", "flux_sign_flipped", FC_VERDICT_REFUTED)
{
  assert_studies_stall (v, c7_studies, N_STUDIES (c7_studies),
                        BROKEN_RESIDUAL_FACTOR);
  assert_above (v, "flux_identity_1d");
}

FC_CONTROL_TEST (test_c7_flux_plus_constant_solves_but_does_not_vanish_at_infinity,
                 "C7", "flux_constant", FC_VERDICT_REFUTED)
{
  /* Another solution: the residual still shrinks at order 2, but its flux
     is not int (p0 - p1): it is off by the constant, at both tails.  */
  assert_order_two (v, "1d");
  assert_above (v, "flux_identity_1d");
  fc_ck_assert_rel (metric (v, "flux_identity_1d")->value, 0.01, 1e-6,
                    "flux offset");
}

FC_CONTROL_TEST (test_c7_divergence_free_flux_without_one_over_p_breaks_the_equation,
                 "C7", "rotation_unweighted", FC_VERDICT_REFUTED)
{
  assert_order_stalls (v, "2d_lshape", BROKEN_RESIDUAL_FACTOR);
  assert_order_two (v, "1d", "2d_straight");
}

FC_CONTROL_TEST (test_c7_means_on_the_axis_make_the_two_fields_coincide,
                 "C7", "means_on_axis", FC_VERDICT_REFUTED)
{
  assert_below (v, "field_difference_2d");
  assert_order_two (v, "2d_straight", "2d_lshape");
}

FC_CK_MAIN ("continuity")
