/* tests/check_manifold_marginal.c -- claim M7 of module `manifold` (beyond
 * the note: the exact marginal path on SO(3) from Haar noise to a
 * weighted set of rotations; N §Scheduling, §ODE) and its controls.
 *
 * One test per claim and control, at the quick sizes and the fixed seed:
 * the catalog's expected verdict (CONFIRMED, written here), the kind and
 * outcome of each deciding figure, and the figures that carry the finding
 * (the density normalised to quadrature accuracy, the jump of the field
 * across the sphere d = kappa pi not shrinking with the offset, the
 * continuity residual of order 2, Euler ending at the data).  Each control
 * must fail the figures its change breaks and keep the others.  */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fc_check.h"
#include "fc_module.h"
#define FC_CK_MODULE "manifold"
#include "fc_check_module.h"
#include "fc_so3.h"
#include "manifold/manifold_internal.h"

/* The deciding figures of M7, in the order the check records them.  */
static const char *const m7_figures[] = {
  "normalisation", "histogram_pmin", "density_jump", "field_jump_order",
  "order_linear",  "rel_hmin_linear", "order_exp5",  "rel_hmin_exp5",
  "end_weights_z", "end_distance"
};
#define M7_NFIG (sizeof m7_figures / sizeof m7_figures[0])

/* Each figure of NAMES (NULL-terminated) is a HOLDS figure with outcome
   PASS.  */
static void
assert_holds (const fc_verdict *v, int pass, const char *const *names)
{
  for (; *names != NULL; names++)
    assert_figure (v, *names, FC_TEST_HOLDS, pass);
}

FC_TEST ("claims", test_m7_is_listed_after_m3_with_its_figure)
{
  const fc_module *m = module_under_test ();
  const fc_claim *c = claim_under_test ("M7");
  ck_assert_int_eq (c->expected, FC_VERDICT_CONFIRMED);
  ck_assert_uint_eq (c->n_controls, 4);
  ck_assert (c > claim_under_test ("M3")); /* in catalog order */
  int found = 0;
  for (size_t f = 0; f < m->n_figures; f++)
    if (strcmp (m->figures[f].name, "so3-marginal") == 0)
      {
        ck_assert_str_eq (m->figures[f].claims, "M7");
        found = 1;
      }
  ck_assert (found);
}
END_TEST

/* Every deciding figure passes: the density integrates to 1 within the
   quadrature band (< 1e-12), matches the sampled angles, jumps by the
   derived amount; the field's difference across the sphere does not fall
   with the offset (a jump of order 1); the residual has order 2; Euler
   ends on the data rotations to round-off with the data's weights.  */
FC_CLAIM_TEST (test_m7_marginal_path_on_so3_is_confirmed, "M7",
               FC_VERDICT_CONFIRMED)
{
  for (size_t i = 0; i < M7_NFIG; i++)
    assert_figure (v, m7_figures[i], FC_TEST_HOLDS, 1);
  ck_assert (metric (v, "normalisation")->tolerance < 1e-12);
  ck_assert (fabs (metric (v, "field_jump_order")->value) < 0.1);
  ck_assert (fc_verdict_get (v, "field_jump") > 0.1);
  assert_each_order_two (v, (const char *const[]){ "linear", "exp5", NULL });
  /* The ladders end far above the round-off floor.  */
  double floor = fc_verdict_get (v, "continuity_floor");
  ck_assert (metric (v, "rel_hmin_linear")->value > 1e3 * floor);
  ck_assert (metric (v, "rel_hmin_exp5")->value > 1e3 * floor);
  ck_assert (metric (v, "end_distance")->value < 1e-12);
  for (int j = 0; j < 3; j++)
    {
      char name[32];
      snprintf (name, sizeof name, "end_fraction_%d", j);
      const fc_metric *f = metric (v, name);
      ck_assert (fabs (f->value - f->tolerance) < 0.1);
    }
}

/* The prefactor 1/kappa^2: the density integrates to 1/kappa, the
   histograms and the jump miss, the residual does not converge; the field
   (a ratio of densities) and Euler are unchanged.  */
FC_CONTROL_TEST (test_m7_kappa_squared_density_is_refuted, "M7",
                 "kappa_squared", FC_VERDICT_REFUTED)
{
  assert_holds (v, 0, (const char *const[]){ "normalisation", "histogram_pmin",
                                            "density_jump", "order_linear",
                                            "rel_hmin_linear", NULL });
  assert_holds (v, 1, (const char *const[]){ "field_jump_order", "end_weights_z",
                                            "end_distance", NULL });
  ck_assert (metric (v, "normalisation")->value > 1.0);
}

/* The formula continued past kappa pi: mass beyond the ball, no jump, and
   a field continuous across the sphere (slope 1 in the offset); the
   continuity equation still holds away from the spheres.  */
FC_CONTROL_TEST (test_m7_density_without_cutoff_is_refuted, "M7", "no_cutoff",
                 FC_VERDICT_REFUTED)
{
  assert_holds (v, 0, (const char *const[]){ "normalisation", "histogram_pmin",
                                            "density_jump", "field_jump_order",
                                            NULL });
  assert_holds (v, 1, (const char *const[]){ "order_linear", "order_exp5",
                                            NULL });
  fc_ck_assert_abs (metric (v, "field_jump_order")->value, 1.0, 0.1,
                    "no_cutoff field_jump_order");
}

/* The rate off by 1%: a residual of 1% that does not converge, end points
   short of the data; the density figures are untouched.  */
FC_CONTROL_TEST (test_m7_wrong_rate_is_refuted, "M7", "wrong_rate",
                 FC_VERDICT_REFUTED)
{
  assert_holds (v, 0, (const char *const[]){ "order_linear", "rel_hmin_linear",
                                            "order_exp5", "end_distance",
                                            NULL });
  assert_holds (v, 1, (const char *const[]){ "normalisation", "histogram_pmin",
                                            "density_jump", NULL });
  ck_assert (metric (v, "rel_hmin_linear")->value > 1e-3);
}

/* The posterior without the weights: the end points split in equal shares
   (z far beyond its band) and the residual does not converge.  */
FC_CONTROL_TEST (test_m7_unweighted_posterior_is_refuted, "M7", "unweighted",
                 FC_VERDICT_REFUTED)
{
  assert_holds (v, 0, (const char *const[]){ "end_weights_z", "order_linear",
                                            "order_exp5", NULL });
  assert_holds (v, 1, (const char *const[]){ "normalisation", "density_jump",
                                            "end_distance", NULL });
  ck_assert (metric (v, "end_weights_z")->value
             > 1.2 * metric (v, "end_weights_z")->tolerance);
}

/* The field at the time TM against the same without the skip of data
   rotations beyond their sphere (cos_out = -inf): P and B the same to the
   bit.  *BEYOND counts the (x, x1_j) pairs the skip takes.  */
static void
assert_field_unskipped (const mf_m7_model *m, const double X1[MF_M7_NDATA][9],
                        const mf_m7_time *tm, const double x[9],
                        size_t *beyond)
{
  mf_m7_time all = *tm;
  all.cos_out = -INFINITY;
  double p, b[3], pa, ba[3];
  ck_assert_int_eq (mf_m7_field_at (m, X1, tm, x, &p, b), GSL_SUCCESS);
  ck_assert_int_eq (mf_m7_field_at (m, X1, &all, x, &pa, ba), GSL_SUCCESS);
  ck_assert_msg (memcmp (&p, &pa, sizeof p) == 0 && memcmp (b, ba, sizeof b) == 0,
                 "field with the skip: p %.17g b0 %.17g, without: %.17g %.17g",
                 p, b[0], pa, ba[0]);
  for (size_t j = 0; j < MF_M7_NDATA; j++)
    {
      double c = 0.0;
      for (int i = 0; i < 9; i++)
        c += x[i] * X1[j][i];
      *beyond += 0.5 * (c - 1.0) < tm->cos_out;
    }
}

/* Skipping the logs of data rotations beyond their sphere changes no
   number: at Haar points and at points within 1e-12 .. 1e-6 of a sphere
   d(x, x1_0) = kappa pi on either side, for both schedules, every model
   of the claim and its controls.  */
FC_TEST ("field", test_m7_skip_beyond_sphere_keeps_the_field_to_the_bit)
{
  enum { N = 64 };
  static const double ts[] = { 0.0, 0.2, 0.5, 0.8, 0.99 };
  static const double off[] = { -1e-6, -1e-9, -1e-12, 1e-12, 1e-9, 1e-6 };
  const mf_m7_model models[] = {
    { 0.0, 1.0, 1, 1.0, 1 }, { 5.0, 1.0, 1, 1.0, 1 },
    { 0.0, 2.0, 1, 1.0, 1 }, { 0.0, 1.0, 0, 1.0, 1 },
    { 0.0, 1.0, 1, 1.01, 1 }, { 0.0, 1.0, 1, 1.0, 0 },
  };
  double X1[MF_M7_NDATA][9], R[9 * N];
  ck_assert_int_eq (mf_m7_data (X1), GSL_SUCCESS);
  ck_assert_int_eq (fc_so3_haar (17, N, R), GSL_SUCCESS);
  size_t beyond = 0;
  for (size_t q = 0; q < sizeof models / sizeof models[0]; q++)
    for (size_t k = 0; k < sizeof ts / sizeof ts[0]; k++)
      {
        mf_m7_time tm;
        mf_m7_time_at (&models[q], ts[k], &tm);
        for (size_t i = 0; i < N; i++)
          assert_field_unskipped (&models[q], X1, &tm, R + 9 * i, &beyond);
        for (size_t i = 0; i < sizeof off / sizeof off[0]; i++)
          {
            /* x1_0 = I: x = exp ((kappa pi + off) a), a a Haar axis.  */
            double w[3], x[9], th = tm.kappa * M_PI + off[i];
            ck_assert_int_eq (fc_so3_log (R + 9 * i, w), GSL_SUCCESS);
            double n = sqrt (w[0] * w[0] + w[1] * w[1] + w[2] * w[2]);
            for (int a = 0; a < 3; a++)
              w[a] *= fmin (th, M_PI) / n;
            ck_assert_int_eq (fc_so3_exp (w, x), GSL_SUCCESS);
            assert_field_unskipped (&models[q], X1, &tm, x, &beyond);
          }
      }
  ck_assert_msg (beyond > 100, "only %zu pairs beyond their sphere", beyond);
}
END_TEST

FC_CK_MAIN ("manifold_marginal")
