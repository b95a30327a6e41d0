/* tests/check_manifold.c -- the claims M1-M3 of module `manifold` (N
 * §Vector field parameterisation, §Scheduling) and their controls.
 *
 * One test per claim and control: it runs the check with the quick sizes
 * and a fixed seed, asserts the catalog's expected verdict (CATALOG.md;
 * written here, not read from the module) or the control's declared one,
 * which figures decide (and of what kind) and which pass.  M1's and M3's
 * identities are held to round-off bands, M3's geodesic Euler order to
 * the band of its second-order term; M2's note field must miss x1hat,
 * its sign-corrected form reach it.  */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fc_check.h"
#include "fc_module.h"
#define FC_CK_MODULE "manifold"
#include "fc_check_module.h"

FC_TEST ("claims", test_module_lists_its_claims_in_catalog_order)
{
  static const char *const ids[] = { "M1", "M2", "M3", "M4", "M5",
                                     "M6", "M7", "M8", "M9" };
  static const char *const figures[] = { "so3-sign", "so3-schedules",
                                         "so3-means", "motif-alignment",
                                         "so3-marginal",
                                         "so3-multimarginal-gap" };
  size_t n_ids = sizeof ids / sizeof ids[0];
  size_t n_figures = sizeof figures / sizeof figures[0];
  const fc_module *m = assert_claim_table ("manifold", ids, n_ids);
  ck_assert_ptr_nonnull (m->write_figures);
  ck_assert_uint_eq (m->n_figures, n_figures);
  for (size_t i = 0; i < n_figures; i++)
    ck_assert_str_eq (m->figures[i].name, figures[i]);
}
END_TEST

/* The round trip is exact to four roundings.  */
FC_CLAIM_TEST (test_m1_euclidean_round_trip_is_exact_to_round_off, "M1",
               FC_VERDICT_CONFIRMED)
{
  assert_figure (v, "round_trip_err", FC_TEST_HOLDS, 1);
  ck_assert (metric (v, "round_trip_err")->tolerance < 1e-15);
}

FC_CONTROL_TEST (test_m1_perturbed_inverse_is_refuted, "M1",
                 "perturbed_inverse", FC_VERDICT_REFUTED)
{
  assert_figure (v, "round_trip_err", FC_TEST_HOLDS, 0);
}

/* The note's field: the round trip holds, but the field moves away from
   x1hat (the distance at t = 1/2 at least its start) and never reaches
   it.  */
FC_CLAIM_TEST (test_m2_note_field_round_trips_but_moves_away, "M2",
               FC_VERDICT_REFUTED)
{
  assert_figure (v, "round_trip_err", FC_TEST_VALID, 1);
  assert_figure (v, "reaches_x1hat", FC_TEST_HOLDS, 0);
  ck_assert (metric (v, "reaches_x1hat")->value > 1e-3);
  ck_assert (fc_verdict_get (v, "d_half_over_d0_min") > 1.5);
}

FC_CONTROL_TEST (test_m2_sign_corrected_field_reaches_x1hat, "M2",
                 "sign_corrected", FC_VERDICT_CONFIRMED)
{
  assert_figure (v, "round_trip_err", FC_TEST_VALID, 1);
  assert_figure (v, "reaches_x1hat", FC_TEST_HOLDS, 1);
  ck_assert (fc_verdict_get (v, "d_half_over_d0_min") < 0.51);
}

FC_CONTROL_TEST (test_m2_unmatched_inverse_is_undecided, "M2",
                 "unmatched_inverse", FC_VERDICT_NONE)
{
  assert_figure (v, "round_trip_err", FC_TEST_VALID, 0);
}

/* The schedule identity to round-off, order 1 within its band, and the
   exponential end point within the doubled leading error term.  */
FC_CLAIM_TEST (test_m3_schedules_and_geodesic_euler_order_one, "M3",
               FC_VERDICT_CONFIRMED)
{
  static const char *const names[] = { "schedule_identity", "euler_order_c5",
                                       "euler_order_c10", "endpoint_c5",
                                       "endpoint_c10" };
  for (size_t i = 0; i < 5; i++)
    assert_figure (v, names[i], FC_TEST_HOLDS, 1);
  const fc_metric *o = metric (v, "euler_order_c10");
  fc_ck_assert_abs (o->value, 1.0, o->tolerance, "M3 euler_order_c10");
  ck_assert (o->tolerance < 0.2);
  ck_assert (fc_verdict_get (v, "linear_endpoint") < 1e-10);
}

FC_CONTROL_TEST (test_m3_wrong_rate_is_refuted, "M3", "wrong_rate",
                 FC_VERDICT_REFUTED)
{
  assert_figure (v, "schedule_identity", FC_TEST_HOLDS, 1);
  assert_figure (v, "euler_order_c5", FC_TEST_HOLDS, 0);
  assert_figure (v, "euler_order_c10", FC_TEST_HOLDS, 0);
  assert_figure (v, "endpoint_c5", FC_TEST_HOLDS, 0);
  assert_figure (v, "endpoint_c10", FC_TEST_HOLDS, 0);
}

FC_CONTROL_TEST (test_m3_perturbed_kappa_is_refuted, "M3", "perturbed_kappa",
                 FC_VERDICT_REFUTED)
{
  assert_figure (v, "schedule_identity", FC_TEST_HOLDS, 0);
  assert_figure (v, "euler_order_c10", FC_TEST_HOLDS, 1);
}

FC_CK_MAIN ("manifold")
