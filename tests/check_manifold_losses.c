/* tests/check_manifold_losses.c -- the claims M4 and M5 of module
 * `manifold` (N §Interpolating between noise to data distribution over
 * SE(3): rotations and translations) and their controls.
 *
 * One test per claim and control, at the quick sizes and a fixed seed:
 * the expected verdict (CATALOG.md; written here, not read from the
 * module) or the control's declared one, which figures decide and which
 * pass.  M4: both rotation losses are minimised at r1 pointwise, but over
 * a spread of r1 the tangent mean and the Frechet mean differ (each is
 * shown to be its own loss's minimiser); M5: the translation loss
 * identity to round-off, the centred Gaussian's covariance within its
 * Monte Carlo band, the centre of mass at 0.  */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fc_check.h"
#include "fc_module.h"
#define FC_CK_MODULE "manifold"
#include "fc_check_module.h"

/* M4 and M5 follow M3 in the claim table.  */
FC_TEST ("claims", test_m4_and_m5_follow_m3_in_the_claim_table)
{
  const fc_module *m = module_under_test ();
  ck_assert_uint_ge (m->n_claims, 5);
  ck_assert_str_eq (m->claims[2].id, "M3");
  ck_assert_str_eq (m->claims[3].id, "M4");
  ck_assert_str_eq (m->claims[4].id, "M5");
}
END_TEST

/* Pointwise both minimisers sit at r1 and r1 is a strict minimiser; over
   a spread each mean is its loss's minimiser, and they differ by far
   more than round-off.  */
FC_CLAIM_TEST (test_m4_losses_share_the_minimiser_only_pointwise, "M4",
               FC_VERDICT_APPROXIMATE)
{
  static const struct
  {
    const char *name;
    fc_metric_test test;
    int pass;
  } figures[] = { { "pointwise_argmin", FC_TEST_HOLDS, 1 },
                  { "pointwise_margin", FC_TEST_HOLDS, 1 },
                  { "tangent_mean_margin", FC_TEST_VALID, 1 },
                  { "frechet_mean_margin", FC_TEST_VALID, 1 },
                  { "means_distance_igso3", FC_TEST_EXACT, 0 },
                  { "means_distance_mixture", FC_TEST_EXACT, 0 } };
  for (size_t i = 0; i < FC_COUNT (figures); i++)
    assert_figure (v, figures[i].name, figures[i].test, figures[i].pass);
  ck_assert (metric (v, "means_distance_igso3")->value > 1e-6);
  ck_assert (fc_verdict_get (v, "karcher_residual_max") < 1e-12);
  ck_assert (fc_verdict_get (v, "mixture_frechet_off_midpoint") < 1e-12);
  ck_assert (fc_verdict_get (v, "max_dist_rt_r1") < M_PI - 0.1);
  /* The distance follows the leading-order law (1/12) |(tr Sigma - Sigma)
     b| to its O(|b|^2 + s^2) remainder.  */
  ck_assert (fabs (fc_verdict_get (v, "lead_ratio_igso3_max") - 1.0) < 0.1);
  ck_assert (fabs (fc_verdict_get (v, "lead_ratio_mix_min") - 1.0) < 0.1);
  /* The spread grows the distance: s = 0.2 above s = 0.05 (t = 0).  */
  ck_assert (fc_verdict_get (v, "d_igso3_s0.2_t0")
             > fc_verdict_get (v, "d_igso3_s0.05_t0"));
}

FC_CONTROL_TEST (test_m4_shifted_minimiser_is_refuted, "M4",
                 "shifted_minimiser", FC_VERDICT_REFUTED)
{
  assert_figure (v, "pointwise_argmin", FC_TEST_HOLDS, 0);
  assert_figure (v, "pointwise_margin", FC_TEST_HOLDS, 0);
  fc_ck_assert_abs (metric (v, "pointwise_argmin")->value, 1e-3, 1e-9,
                    "M4 shifted argmin");
}

FC_CONTROL_TEST (test_m4_zero_spread_minimisers_coincide, "M4",
                 "zero_spread", FC_VERDICT_CONFIRMED)
{
  assert_figure (v, "means_distance_igso3", FC_TEST_EXACT, 1);
  assert_figure (v, "means_distance_mixture", FC_TEST_EXACT, 1);
  assert_figure (v, "frechet_mean_margin", FC_TEST_VALID, 1);
}

FC_CONTROL_TEST (test_m4_swapped_minimisers_are_not_minimisers, "M4",
                 "swapped_minimisers", FC_VERDICT_NONE)
{
  assert_figure (v, "tangent_mean_margin", FC_TEST_VALID, 0);
  assert_figure (v, "frechet_mean_margin", FC_TEST_VALID, 0);
  assert_figure (v, "pointwise_argmin", FC_TEST_HOLDS, 1);
}

/* The loss identity within its rounding bound, the covariance within its
   Bonferroni band, the centre of mass at round-off.  */
FC_CLAIM_TEST (test_m5_translation_loss_and_centred_gaussian, "M5",
               FC_VERDICT_CONFIRMED)
{
  static const char *const names[] = { "loss_identity", "cov_max_z",
                                       "noise_com", "path_com", "field_com" };
  for (size_t i = 0; i < 5; i++)
    assert_figure (v, names[i], FC_TEST_HOLDS, 1);
  ck_assert (fc_verdict_get (v, "loss_rel_diff_max") < 1e-13);
  ck_assert (metric (v, "cov_max_z")->tolerance > 3.0);
  ck_assert (metric (v, "path_com")->tolerance < 1e-13);
}

FC_CONTROL_TEST (test_m5_wrong_power_is_refuted, "M5", "wrong_power",
                 FC_VERDICT_REFUTED)
{
  assert_figure (v, "loss_identity", FC_TEST_HOLDS, 0);
  assert_figure (v, "cov_max_z", FC_TEST_HOLDS, 1);
}

FC_CONTROL_TEST (test_m5_uncentred_noise_is_refuted, "M5", "uncentred_noise",
                 FC_VERDICT_REFUTED)
{
  static const char *const names[] = { "cov_max_z", "noise_com", "path_com",
                                       "field_com" };
  for (size_t i = 0; i < 4; i++)
    assert_figure (v, names[i], FC_TEST_HOLDS, 0);
  assert_figure (v, "loss_identity", FC_TEST_HOLDS, 1);
}

FC_CK_MAIN ("manifold_losses")
