/* tests/check_manifold_motif.c -- claim M6 of module `manifold` (N
 * §Motif-scafolding with reconstruction guidance) and its controls.
 *
 * One test per claim and control at the quick sizes and a fixed seed:
 * the expected verdict (written here), which figures decide and which
 * pass.  */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fc_check.h"
#include "fc_module.h"
#define FC_CK_MODULE "manifold"
#include "fc_check_module.h"

FC_CLAIM_TEST (test_m6_estimators_unbiased_point_mass_approximate, "M6",
               FC_VERDICT_APPROXIMATE)
{
  assert_figure (v, "haar_ratio_z", FC_TEST_HOLDS, 1);
  assert_figure (v, "is_ratio_z", FC_TEST_HOLDS, 1);
  assert_figure (v, "is_grad_z", FC_TEST_HOLDS, 1);
  assert_figure (v, "reference_crosscheck_over_band", FC_TEST_VALID, 1);
  assert_figure (v, "pm_grad_err_over_is_sd", FC_TEST_EXACT, 0);
}

FC_CK_MAIN ("manifold_motif")
