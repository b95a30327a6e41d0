/* tests/check_manifold_motif.c -- claim M6 of module `manifold` (N
 * §Motif-scafolding with reconstruction guidance; L, the
 * motif-scaffolding slides) and its controls.
 *
 * One test per claim and control at the quick sizes and a fixed seed:
 * the expected verdict (written here, not read from the module), which
 * figures decide, of what kind, and which pass.  Haar Monte Carlo and
 * IGSO(3) importance sampling must be unbiased for p(y|x) within their
 * exact standard errors, the IS gradient within its t-band, the two
 * references agree; the point mass's gradient is exact to the IS noise
 * only at small sigma.  */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fc_check.h"
#include "fc_module.h"
#define FC_CK_MODULE "manifold"
#include "fc_check_module.h"

FC_CLAIM_TEST (test_m6_sampling_unbiased_point_mass_approximate, "M6",
               FC_VERDICT_APPROXIMATE)
{
  assert_figure (v, "haar_ratio_z", FC_TEST_HOLDS, 1);
  assert_figure (v, "is_ratio_z", FC_TEST_HOLDS, 1);
  assert_figure (v, "is_grad_z", FC_TEST_HOLDS, 1);
  assert_figure (v, "reference_crosscheck_over_band", FC_TEST_VALID, 1);
  assert_figure (v, "pm_grad_err_over_is_sd", FC_TEST_EXACT, 0);
  /* The point mass misses log p by nats at both ends, Laplace's method
     predicts it at small sigma to its first correction, and IS beats Haar
     by orders of magnitude at small sigma.  */
  ck_assert (fc_verdict_get (v, "pm_log_bias_s0") > 5.0);
  ck_assert (fc_verdict_get (v, "pm_log_bias_s1") > 0.5);
  fc_ck_assert_abs (fc_verdict_get (v, "pm_log_bias_laplace_s0"),
                    fc_verdict_get (v, "pm_log_bias_s0"),
                    2.0 * fc_verdict_get (v, "laplace_correction_s0"),
                    "Laplace prediction of the point mass's bias");
  ck_assert (fc_verdict_get (v, "haar_log_sd_n256_s0")
             > 100.0 * fc_verdict_get (v, "is_log_sd_n256_s0"));
  ck_assert (fc_verdict_get (v, "pm_grad_err_s1") > 1.0);
}

FC_TEST ("claims", test_m6_is_reproducible_from_its_seed)
{
  assert_claim_reproducible ("M6", "is_log_sd_n256_s0");
}
END_TEST

FC_CONTROL_TEST (test_m6_non_haar_angles_is_refuted, "M6", "non_haar_angles",
                 FC_VERDICT_REFUTED)
{
  assert_figure (v, "haar_ratio_z", FC_TEST_HOLDS, 0);
  assert_figure (v, "is_ratio_z", FC_TEST_HOLDS, 1);
}

FC_CONTROL_TEST (test_m6_proposal_scale_off_is_refuted, "M6",
                 "proposal_scale_off", FC_VERDICT_REFUTED)
{
  assert_figure (v, "haar_ratio_z", FC_TEST_HOLDS, 1);
  assert_figure (v, "is_ratio_z", FC_TEST_HOLDS, 0);
}

FC_CONTROL_TEST (test_m6_unweighted_gradient_is_refuted, "M6",
                 "unweighted_gradient", FC_VERDICT_REFUTED)
{
  assert_figure (v, "is_ratio_z", FC_TEST_HOLDS, 1);
  assert_figure (v, "is_grad_z", FC_TEST_HOLDS, 0);
}

FC_CONTROL_TEST (test_m6_flat_haar_crosscheck_is_undecided, "M6",
                 "flat_haar_crosscheck", FC_VERDICT_NONE)
{
  assert_figure (v, "reference_crosscheck_over_band", FC_TEST_VALID, 0);
  assert_figure (v, "is_ratio_z", FC_TEST_HOLDS, 1);
}

/* At sigma / 1000 the point mass's gradient is exact to the IS noise;
   Haar Monte Carlo has no cell where its mean is normal (reported).  */
FC_CONTROL_TEST (test_m6_small_sigma_point_mass_gradient_exact, "M6",
                 "small_sigma", FC_VERDICT_CONFIRMED)
{
  assert_figure (v, "pm_grad_err_over_is_sd", FC_TEST_EXACT, 1);
  assert_figure (v, "is_ratio_z", FC_TEST_HOLDS, 1);
  assert_figure (v, "haar_ratio_z", FC_TEST_NONE, -1);
  ck_assert (fc_verdict_get (v, "pm_log_bias_s0") > 20.0);
}

FC_CK_MAIN ("manifold_motif")
