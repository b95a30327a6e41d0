/* tests/check_flow.c -- the normalizing flow unit (fc_flow.h):
 *   - every layer's inverse undoes its forward map to round-off, and so
 *     does the composition (band 8 L eps kappa, kappa = fc_flow_condition);
 *   - every layer's log-determinant equals log |det| of its Jacobian by
 *     central differences (step 1e-4: truncation ~1e-8 relative to the
 *     second derivatives of order 1, rounding ~eps/1e-4; band 1e-6);
 *   - the inverse pass's log-determinant is minus the forward one's;
 *   - with conditioner heads of scale 0 the flow is affine, x = A z + b,
 *     and log p is the Gaussian N(b, A A^T) to round-off;
 *   - samples are f of the documented Gaussian draws (fc_rng_gaussian_fill);
 *   - bad arguments give GSL_EINVAL.  */
#include <config.h>

#include <float.h>
#include <gsl/gsl_math.h>

#include "fc_check.h"
#include "fc_flow.h"
#include "fc_rng.h"

#define SEED 20240501UL
#define N_PTS 200
#define FD_STEP 1e-4
#define FD_TOL 1e-6

static void
random_points (size_t n, double *z)
{
  ck_assert_int_eq (fc_rng_gaussian_fill (SEED, 7, 2 * n, z), GSL_SUCCESS);
  for (size_t i = 0; i < 2 * n; i++)
    z[i] *= 2.0;
}

static void
make_flow (fc_flow *f, double scale)
{
  ck_assert_int_eq (fc_flow_random (f, 3, scale, SEED), GSL_SUCCESS);
  ck_assert_uint_eq (f->n_layers, 6);
  ck_assert_int_eq (f->layer[0].kind, FC_FLOW_COUPLING);
  ck_assert_int_eq (f->layer[1].kind, FC_FLOW_LINEAR);
}

FC_TEST ("inverse", test_layers_and_composition_invert_to_round_off)
{
  fc_flow f;
  make_flow (&f, 1.5);
  double z[2 * N_PTS], x[2 * N_PTS], back[2 * N_PTS];
  random_points (N_PTS, z);
  double band = 8.0 * (double) f.n_layers * fc_flow_condition (&f) * DBL_EPSILON;
  for (size_t j = 0; j < f.n_layers; j++)
    {
      ck_assert_int_eq (fc_flow_layer_forward (&f, j, N_PTS, z, x, NULL), 0);
      ck_assert_int_eq (fc_flow_layer_inverse (&f, j, N_PTS, x, back, NULL), 0);
      for (size_t i = 0; i < 2 * N_PTS; i++)
        fc_ck_assert_abs (back[i], z[i], band * (1.0 + fabs (x[i]) + fabs (z[i])),
                          "layer %zu", j);
    }
  ck_assert_int_eq (fc_flow_forward (&f, N_PTS, z, x, NULL), 0);
  ck_assert_int_eq (fc_flow_inverse (&f, N_PTS, x, back, NULL), 0);
  for (size_t i = 0; i < 2 * N_PTS; i++)
    fc_ck_assert_abs (back[i], z[i], band * (1.0 + fabs (x[i]) + fabs (z[i])),
                      "composition");
}
END_TEST

FC_TEST ("logdet", test_layer_logdet_matches_jacobian)
{
  fc_flow f;
  make_flow (&f, 1.5);
  double z[2 * 20];
  random_points (20, z);
  for (size_t j = 0; j < f.n_layers; j++)
    for (size_t i = 0; i < 20; i++)
      {
        double J[4], ld = 0.0, y[2];
        ck_assert_int_eq (fc_flow_layer_forward (&f, j, 1, z + 2 * i, y, &ld), 0);
        for (int c = 0; c < 2; c++)
          {
            double p[2] = { z[2 * i], z[2 * i + 1] }, m[2] = { p[0], p[1] };
            double yp[2], ym[2];
            p[c] += FD_STEP;
            m[c] -= FD_STEP;
            fc_flow_layer_forward (&f, j, 1, p, yp, NULL);
            fc_flow_layer_forward (&f, j, 1, m, ym, NULL);
            J[c] = (yp[0] - ym[0]) / (2.0 * FD_STEP);
            J[2 + c] = (yp[1] - ym[1]) / (2.0 * FD_STEP);
          }
        double det = fabs (J[0] * J[3] - J[1] * J[2]);
        fc_ck_assert_abs (ld, log (det), FD_TOL, "layer %zu point %zu", j, i);
        /* The inverse's log-determinant is minus the forward one.  */
        double back[2], ldi = 0.0;
        ck_assert_int_eq (fc_flow_layer_inverse (&f, j, 1, y, back, &ldi), 0);
        fc_ck_assert_abs (ldi, -ld, TOL_EPS (16) * (1.0 + fabs (ld)), "inverse");
      }
}
END_TEST

FC_TEST ("density", test_affine_flow_density_is_gaussian)
{
  fc_flow f;
  make_flow (&f, 0.0);
  /* x = A z + b: b = f(0), A by columns f(e_k) - f(0).  */
  double o[2] = { 0.0, 0.0 }, e0[2] = { 1.0, 0.0 }, e1[2] = { 0.0, 1.0 };
  double b[2], c0[2], c1[2];
  fc_flow_forward (&f, 1, o, b, NULL);
  fc_flow_forward (&f, 1, e0, c0, NULL);
  fc_flow_forward (&f, 1, e1, c1, NULL);
  double A[4] = { c0[0] - b[0], c1[0] - b[0], c0[1] - b[1], c1[1] - b[1] };
  double det = A[0] * A[3] - A[1] * A[2];
  double x[2 * N_PTS], lp[N_PTS];
  random_points (N_PTS, x);
  ck_assert_int_eq (fc_flow_log_density (&f, N_PTS, x, lp), 0);
  for (size_t i = 0; i < N_PTS; i++)
    {
      double d0 = x[2 * i] - b[0], d1 = x[2 * i + 1] - b[1];
      /* z = A^{-1} (x - b).  */
      double z0 = (A[3] * d0 - A[1] * d1) / det, z1 = (-A[2] * d0 + A[0] * d1) / det;
      double ref = -0.5 * (z0 * z0 + z1 * z1) - log (2.0 * M_PI) - log (fabs (det));
      fc_ck_assert_abs (lp[i], ref, 1e-11 * (1.0 + fabs (ref)), "point %zu", i);
    }
}
END_TEST

FC_TEST ("sample", test_samples_are_f_of_documented_draws)
{
  fc_flow f;
  make_flow (&f, 1.5);
  double x[2 * 300], z[2 * 300];
  ck_assert_int_eq (fc_flow_sample (&f, 99, 300, x), 0);
  ck_assert_int_eq (fc_rng_gaussian_fill (99, 0, 600, z), 0);
  ck_assert_int_eq (fc_flow_forward (&f, 300, z, z, NULL), 0);
  for (size_t i = 0; i < 600; i++)
    ck_assert (x[i] == z[i]);
}
END_TEST

FC_TEST ("errors", test_bad_arguments_are_refused)
{
  fc_flow f;
  double a[2] = { 0.0, 0.0 }, b[2];
  ck_assert_int_eq (fc_flow_random (NULL, 3, 1.0, 1), GSL_EINVAL);
  ck_assert_int_eq (fc_flow_random (&f, 0, 1.0, 1), GSL_EINVAL);
  ck_assert_int_eq (fc_flow_random (&f, 17, 1.0, 1), GSL_EINVAL);
  ck_assert_int_eq (fc_flow_random (&f, 2, -1.0, 1), GSL_EINVAL);
  ck_assert_int_eq (fc_flow_random (&f, 2, NAN, 1), GSL_EINVAL);
  make_flow (&f, 1.0);
  ck_assert_int_eq (fc_flow_layer_forward (&f, 6, 1, a, b, NULL), GSL_EINVAL);
  ck_assert_int_eq (fc_flow_layer_inverse (&f, 0, 1, NULL, b, NULL), GSL_EINVAL);
  ck_assert_int_eq (fc_flow_forward (NULL, 1, a, b, NULL), GSL_EINVAL);
  ck_assert_int_eq (fc_flow_sample (&f, 1, 1, NULL), GSL_EINVAL);
}
END_TEST

FC_CK_MAIN ("flow")
