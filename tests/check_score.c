/* tests/check_score.c -- the claims of module `score` (S1-S7).
 *
 * One test per claim: it runs the check with the quick sizes and a fixed
 * seed, asserts the catalog's expected verdict (CATALOG.md; written
 * here, not read from the module) and the decisive metrics against the
 * tolerance the module derived and recorded beside each (order bands from
 * the local orders plus an O(h_max^2) floor, truncation scales from
 * sigma_r, round-off bands from the operation count and the condition of
 * the covariances, Bonferroni z bands and two-sample levels).  Then the
 * claims' controls (derivations/score/score.c): the same measurements with
 * one ingredient of the note's formula changed must refute it, by the
 * figures each control is designed to move -- a check that cannot fail
 * checks nothing.  Last, what S3 stores for its figure.  The figure files
 * themselves and every control's verdict are tested over the registry
 * (check_registry, check_controls).  */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "fc_check.h"
#include "fc_module.h"
#define FC_CK_MODULE "score"
#include "fc_check_module.h"
#include "score/score_internal.h"

FC_TEST ("claims", test_module_lists_claims_s1_to_s7_in_catalog_order)
{
  static const char *const ids[] = { "S1", "S2", "S3", "S4",
                                     "S5", "S6", "S7" };
  const fc_module *m = assert_claim_table ("score", ids, 7);
  ck_assert_ptr_nonnull (m->write_figures);
  ck_assert_ptr_nonnull (strstr (m->title, "reversed convention"));
  for (size_t i = 0; i < 6; i++)
    ck_assert_str_eq (m->claims[i].section, "N §Going through the diffusion ODE");
  ck_assert_str_eq (m->claims[6].section, "N §Bose et al. 2023");
}
END_TEST

FC_CLAIM_TEST (test_s1_score_is_minus_noise_mean_over_t_at_order_two,
               "S1", FC_VERDICT_CONFIRMED)
{
  assert_order_two (v, "8gaussians", "gmm3d");
}

FC_CLAIM_TEST (test_s2_score_from_nu_holds_to_round_off_including_t1,
               "S2", FC_VERDICT_CONFIRMED)
{
  assert_below (v, "max_rel_diff_8gaussians", "max_rel_diff_gmm3d");
  /* The band is a round-off band: a few hundred epsilons at most (the
     module derives it from 2 D + K + 4 operations and cond <= 10).  */
  ck_assert (metric (v, "max_rel_diff_gmm3d")->tolerance <= TOL_EPS (2048));
  ck_assert_msg (strstr (v->note, "r = 1") != NULL, "note: %s", v->note);
}

/* The metric NAME of V decides with kind TEST, or reports (FC_TEST_NONE). */
static void
assert_role (const fc_verdict *v, const char *name, fc_metric_test test)
{
  ck_assert_msg (metric (v, name)->test == test, "%s %s tests %s", v->id,
                 name, fc_metric_test_name (metric (v, name)));
}

FC_CLAIM_TEST (test_s3_reversed_sde_has_the_marginals_of_the_path,
               "S3", FC_VERDICT_CONFIRMED)
{
  assert_below (v, "z_moments", "z_mean", "z_var");
  assert_above (v, "two_sample_p_min");
  /* The weak bias of Euler-Maruyama is negligible next to the noise: the
     Monte Carlo figures can decide.  */
  assert_below (v, "weak_bias_z");
  assert_role (v, "weak_bias_z", FC_TEST_VALID);
  assert_role (v, "z_moments", FC_TEST_HOLDS);
  assert_role (v, "z_var", FC_TEST_NONE);
  assert_role (v, "two_sample_p_min", FC_TEST_NONE);
  assert_order_two (v, "fokker_planck");
}

FC_CLAIM_TEST (test_s4_probability_flow_drift_is_minus_nu_including_t0,
               "S4", FC_VERDICT_CONFIRMED)
{
  assert_below (v, "max_rel_diff_8gaussians", "max_rel_diff_gmm3d");
  ck_assert (metric (v, "max_rel_diff_8gaussians")->tolerance <= TOL_EPS (2048));
  ck_assert_msg (strstr (v->note, "r = 0") != NULL, "note: %s", v->note);
}

/* The flow-sampling metrics of S5 and S6: moments within the Bonferroni
   band, sliced W2 within the exact-vs-exact noise, two-sample p-value
   above its level, and the RK4 error below a tenth of a standard error.  */
static void
assert_flow_samples_match_posterior (const fc_verdict *v)
{
  assert_below (v, "z_moments", "z_mean", "z_var", "sliced_w2");
  assert_above (v, "two_sample_p");
  assert_below (v, "ode_error");
  assert_role (v, "ode_error", FC_TEST_VALID);
  assert_role (v, "sliced_w2_noise", FC_TEST_NONE);
}

FC_CLAIM_TEST (test_s5_reversed_guided_field_carries_noise_to_posterior,
               "S5", FC_VERDICT_CONFIRMED)
{
  assert_order_two (v, "8gaussians", "gmm3d");
  assert_flow_samples_match_posterior (v);
}

FC_CLAIM_TEST (test_s6_canonical_guided_field_holds_for_linear_needs_ct_otherwise,
               "S6", FC_VERDICT_CONFIRMED)
{
  assert_order_two (v, "8gaussians", "gmm3d");
  assert_flow_samples_match_posterior (v);
  /* Beyond the claim (reported, deciding nothing): with the cosine and vp
     schedules the literal factor (1-t)/t leaves a residual that does not
     shrink, and the general c_t = sigma (alpha' sigma - alpha sigma')/alpha
     restores order 2.  */
  assert_order_stalls (v, "beyond_cosine_literal", 10.0);
  assert_order_stalls (v, "beyond_vp_literal", 10.0);
  assert_order_two (v, "beyond_cosine_ct", "beyond_vp_ct");
  static const char *const beyond[] = { "order_beyond_cosine_literal",
                                        "rel_hmin_beyond_vp_literal",
                                        "order_beyond_vp_ct" };
  for (size_t i = 0; i < 3; i++)
    assert_role (v, beyond[i], FC_TEST_NONE);
  assert_role (v, "order_8gaussians", FC_TEST_HOLDS);
}

FC_CLAIM_TEST (test_s7_note_sde_loses_the_marginals_corrected_sde_keeps_them,
               "S7", FC_VERDICT_REFUTED)
{
  /* The note's form with noise and no score term, and with the field
     scaled by 2, misses the exact p_t by many standard errors.  */
  assert_above (v, "z_moments_stated_noise", "z_moments_stated_scaled");
  assert_role (v, "z_moments_stated_noise", FC_TEST_HOLDS);
  /* The corrected SDE keeps p_t, with a negligible Euler-Maruyama bias:
     the check is shown able to decide.  */
  assert_below (v, "z_moments_corrected", "em_bias_z");
  assert_role (v, "z_moments_corrected", FC_TEST_VALID);
  assert_role (v, "em_bias_z", FC_TEST_VALID);
  assert_above (v, "two_sample_p_corrected");
  assert_role (v, "two_sample_p_corrected", FC_TEST_NONE);
  /* The reported grid: the ODE (c = 1, gamma = 0) keeps p_t, the largest
     change (c = 2, gamma = 1) is far off.  */
  assert_below (v, "grid_z_c1_gamma0");
  assert_above (v, "grid_z_c2_gamma1");
  assert_role (v, "grid_z_c0.5_gamma0.5", FC_TEST_NONE);
}

/* ------------------------------------------------------------ controls */

FC_CONTROL_TEST (test_s1_score_off_by_half_a_percent_is_refuted,
                 "S1", "score_scaled", FC_VERDICT_REFUTED)
{
  /* rel(h) stalls at the 5e-3 of the change: at least 3 times the
     truncation scales (1.07e-3, 1.42e-3).  */
  assert_order_stalls (v, "8gaussians", 3.0);
  assert_order_stalls (v, "gmm3d", 3.0);
}

/* The largest relative difference of both data sets is above its
   round-off band, and by a few bands only: the check resolves a
   coefficient off by 8 bands, of which at most half shows (score.c).  */
static void
assert_refuted_by_a_few_bands (const fc_verdict *v)
{
  static const char *const names[] = { "max_rel_diff_8gaussians",
                                       "max_rel_diff_gmm3d" };
  for (size_t i = 0; i < 2; i++)
    {
      const fc_metric *m = metric (v, names[i]);
      assert_above (v, names[i]);
      ck_assert_msg (m->value <= 5.0 * m->tolerance, "%s %s = %.17g vs band "
                     "%.17g", v->id, names[i], m->value, m->tolerance);
    }
}

FC_CONTROL_TEST (test_s2_right_side_off_by_eight_bands_is_refuted_at_round_off,
                 "S2", "rhs_scaled", FC_VERDICT_REFUTED)
{
  assert_refuted_by_a_few_bands (v);
}

/* Run the S3 control NAME into V: refuted, with a Fokker-Planck residual
   that stalls far above its truncation scale.  */
static void
run_s3_control (const char *name, fc_verdict *v)
{
  run_control ("S3", name, FC_VERDICT_REFUTED, v);
  assert_order_stalls (v, "fokker_planck", 10.0);
}

FC_TEST ("controls", test_s3_sde_without_the_1_over_1_minus_t_is_refuted)
{
  fc_verdict v;
  run_s3_control ("no_denominator", &v);
  /* g^2 = 2t gives the noise part the variance (1-t)^2 (2/(1-t) - 2 +
     2 log(1-t)) instead of t^2: 0.20 instead of 0.56 at t = 0.75, a
     shortfall of about 8 standard errors of the 500 quick samples.  */
  assert_above (&v, "z_moments", "z_var");
}
END_TEST

FC_TEST ("controls", test_s3_sde_with_five_percent_more_noise_is_refuted)
{
  fc_verdict v;
  run_s3_control ("diffusion_scaled", &v);
  /* The Monte Carlo figures cannot see 5% of the noise variance; the
     Fokker-Planck residual does.  */
  assert_below (&v, "z_moments");
}
END_TEST

FC_CONTROL_TEST (test_s3_sde_in_six_steps_decides_nothing,
                 "S3", "coarse_steps", FC_VERDICT_NONE)
{
  /* The weak bias of 6 steps is above its bound: the comparison, however
     it comes out, cannot decide.  */
  assert_above (v, "weak_bias_z");
  assert_order_two (v, "fokker_planck");
}

FC_CONTROL_TEST (test_s4_drift_g2_off_by_eight_bands_is_refuted_at_round_off,
                 "S4", "g2_scaled", FC_VERDICT_REFUTED)
{
  assert_refuted_by_a_few_bands (v);
}

FC_CONTROL_TEST (test_s5_guided_field_without_the_t_over_1_minus_t_is_refuted,
                 "S5", "factor_one", FC_VERDICT_REFUTED)
{
  assert_order_stalls (v, "8gaussians", 10.0);
  assert_order_stalls (v, "gmm3d", 10.0);
  /* The samples land away from the posterior: their mean is off by many
     standard errors.  */
  assert_above (v, "z_moments", "z_mean");
}

/* The samples of the prior's field (control no_guidance of S5 and S6):
   every statistic tells them from the posterior.  */
static void
assert_flow_samples_miss_posterior (const fc_verdict *v)
{
  assert_above (v, "z_moments", "sliced_w2");
  assert_below (v, "two_sample_p");
  assert_below (v, "ode_error");
}

FC_CONTROL_TEST (test_s5_prior_field_samples_the_prior_and_is_refuted,
                 "S5", "no_guidance", FC_VERDICT_REFUTED)
{
  assert_order_stalls (v, "8gaussians", 10.0);
  assert_flow_samples_miss_posterior (v);
}

FC_CONTROL_TEST (test_s6_prior_field_samples_the_prior_and_is_refuted,
                 "S6", "no_guidance", FC_VERDICT_REFUTED)
{
  assert_order_stalls (v, "gmm3d", 10.0);
  assert_flow_samples_miss_posterior (v);
}

/* A guided flow in 4 RK4 steps: the Richardson error is above its bound
   and the samples decide nothing, while the order studies still pass.  */
static void
assert_flow_too_coarse_to_decide (const fc_verdict *v)
{
  assert_above (v, "ode_error");
  assert_order_two (v, "8gaussians", "gmm3d");
}

FC_CONTROL_TEST (test_s5_flow_in_four_steps_decides_nothing,
                 "S5", "few_steps", FC_VERDICT_NONE)
{
  assert_flow_too_coarse_to_decide (v);
}

FC_CONTROL_TEST (test_s6_flow_in_four_steps_decides_nothing,
                 "S6", "few_steps", FC_VERDICT_NONE)
{
  assert_flow_too_coarse_to_decide (v);
}

FC_CONTROL_TEST (test_s6_guided_field_with_factor_one_is_refuted,
                 "S6", "factor_one", FC_VERDICT_REFUTED)
{
  assert_order_stalls (v, "8gaussians", 10.0);
  assert_order_stalls (v, "gmm3d", 10.0);
  /* The samples carried by the changed field miss the posterior's
     moments.  */
  assert_above (v, "z_moments");
}

FC_CONTROL_TEST (test_s7_note_form_as_the_ode_keeps_the_marginals,
                 "S7", "ode_only", FC_VERDICT_CONFIRMED)
{
  assert_below (v, "z_moments_stated_noise", "z_moments_stated_scaled",
                "z_moments_corrected", "em_bias_z");
}

FC_CONTROL_TEST (test_s7_corrected_sde_with_half_the_score_decides_nothing,
                 "S7", "score_halved", FC_VERDICT_NONE)
{
  /* Half the score term leaves a heat term: the variances grow past the
     band, and the corrected form is not confirmed.  */
  assert_above (v, "z_moments_corrected");
  assert_below (v, "em_bias_z");
}

FC_CONTROL_TEST (test_s7_sde_in_six_steps_decides_nothing,
                 "S7", "coarse_steps", FC_VERDICT_NONE)
{
  assert_above (v, "em_bias_z");
}

/* A control whose variant the check does not know is an error, not a
   verdict: VARIANT given to claim ID.  */
static void
assert_check_rejects_variant (const char *id, int variant)
{
  const fc_control bogus = { "bogus", "a change no claim makes",
                             FC_VERDICT_REFUTED, variant };
  fc_run_options opt = quick_options (SEED);
  fc_verdict v;
  ck_assert_int_eq (fc_control_run (module_under_test (), claim_under_test (id),
                                    &bogus, &opt, &v),
                    GSL_EINVAL);
  ck_assert_int_eq (v.verdict, FC_VERDICT_NONE);
}

FC_TEST ("controls", test_checks_reject_unknown_variants)
{
  assert_check_rejects_variant ("S3", 99);
  assert_check_rejects_variant ("S5", 99);
  assert_check_rejects_variant ("S7", SC_S3_COARSE_STEPS);
  /* Another claim's control is unknown too.  */
  assert_check_rejects_variant ("S3", SC_S5_FACTOR_ONE);
  assert_check_rejects_variant ("S5", SC_S3_NO_DENOMINATOR);
}
END_TEST

FC_TEST ("claims", test_same_seed_same_figures_other_seed_other_figures)
{
  assert_claim_reproducible ("S1", "rel_hmin_8gaussians");
}
END_TEST

/* ------------------------------------------------------------- figures */

/* Column C of the (n_bins, SC_NT) array A integrated over the bins.  */
static double
bin_mass (const sc_figures *fig, const double *a, size_t c)
{
  double w = 2.0 * fig->box / (double) fig->n_bins, mass = 0.0;
  for (size_t b = 0; b < fig->n_bins; b++)
    {
      ck_assert (a[b * SC_NT + c] >= 0.0);
      mass += a[b * SC_NT + c] * w;
    }
  return mass;
}

FC_TEST ("figures", test_s3_stores_histograms_and_exact_densities_for_its_figure)
{
  const fc_module *m = module_under_test ();
  fc_run_options opt = quick_options (SEED);
  opt.figures = fc_module_figures_alloc (m);
  ck_assert_ptr_nonnull (opt.figures);
  fc_verdict v;
  ck_assert_int_eq (fc_claim_run (m, claim_under_test ("S3"), &opt, &v),
                    GSL_SUCCESS);
  const sc_figures *fig = opt.figures;
  ck_assert (fig->filled);
  ck_assert_uint_eq (fig->n_bins, 25); /* the quick histogram */
  ck_assert_uint_eq (fig->n, 500);     /* S3's own quick 1-D sample */
  /* Every column is a density on the bins: the exact p_r integrates to 1
     up to the tails beyond the box (three standard deviations of the
     widest component past the farthest mean: < 0.3% of mass) and the
     midpoint rule's error; the histograms hold at most all the samples.  */
  for (size_t j = 0; j < SC_NT; j++)
    {
      fc_ck_assert_abs (bin_mass (fig, fig->exact, j), 1.0, 0.01,
                        "exact density at time %zu", j);
      double mass = bin_mass (fig, fig->hist, j);
      ck_assert_msg (mass <= 1.0 + TOL_EPS (1024) && mass > 0.99,
                     "histogram at time %zu holds %.17g", j, mass);
    }
  fc_module_figures_free (m, opt.figures);
}
END_TEST

FC_CK_MAIN ("score")
