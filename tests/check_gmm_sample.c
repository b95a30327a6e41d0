/* tests/check_gmm_sample.c -- sampling a Gaussian mixture and its
 * moments (fc_gmm.h): sample moments within Z_MAX standard errors, the law
 * of total covariance, reproducible draws for any thread count, singular
 * components sampled on their support.  */
#include <config.h>

#include <string.h>

#include "gmm_fixtures.h"
#include "fc_rng.h"

/* ------------------------------------------------------------ sampling */

/* Sample mean and covariance against fc_gmm_moments, each within Z_MAX
   standard errors: sqrt(C_ii / n) for a mean, and for a covariance entry
   the standard deviation of the products (x_i - m_i)(x_j - m_j) over
   sqrt(n), estimated from the sample (the true mean m is known, so the
   products are i.i.d. with mean C_ij).  */
FC_TEST ("sampling", test_sample_moments_match_mixture_moments)
{
  size_t n = fc_under_valgrind () ? 20000 : 200000, d = 3;
  double m[3], c[9];
  fc_gmm *g = make_gmm (3, 3, W3, MU3, S3);
  double *x = malloc (n * d * sizeof (double));
  ck_assert_int_eq (fc_gmm_moments (g, m, c), GSL_SUCCESS);
  ck_assert_int_eq (fc_gmm_sample (g, 1618033UL, n, x), GSL_SUCCESS);
  for (size_t i = 0; i < d; i++)
    {
      double s = 0.0;
      for (size_t p = 0; p < n; p++)
        s += x[p * d + i];
      fc_ck_assert_abs (s / (double) n, m[i],
                        Z_MAX * sqrt (c[i * d + i] / (double) n), "mean %zu",
                        i);
      for (size_t j = 0; j <= i; j++)
        {
          double s1 = 0.0, s2 = 0.0;
          for (size_t p = 0; p < n; p++)
            {
              double q = (x[p * d + i] - m[i]) * (x[p * d + j] - m[j]);
              s1 += q;
              s2 += q * q;
            }
          double mq = s1 / (double) n, vq = s2 / (double) n - mq * mq;
          fc_ck_assert_abs (mq, c[i * d + j], Z_MAX * sqrt (vq / (double) n),
                            "cov (%zu,%zu)", i, j);
        }
    }
  free (x);
  fc_gmm_free (g);
}
END_TEST

/* Moments of the fixture computed by hand: sum w mu and the law of total
   covariance, to round-off.  Bands: the mean is a 3-term sum of products
   of size <= 2 (TOL_EPS(16)); the covariance is computed here as E[x x^T]
   - m m^T, which cancels terms of size ~4 (TOL_EPS(64)).  */
FC_TEST ("sampling", test_moments_match_law_of_total_covariance)
{
  double m[2], c[4], sw = 0.0, em[2] = { 0.0, 0.0 }, e2[4] = { 0 };
  fc_gmm *g = make_gmm (2, 3, W2, MU2, S2);
  ck_assert_int_eq (fc_gmm_moments (g, m, c), GSL_SUCCESS);
  for (int k = 0; k < 3; k++)
    sw += W2[k];
  for (int k = 0; k < 3; k++)
    for (int i = 0; i < 2; i++)
      {
        em[i] += W2[k] / sw * MU2[2 * k + i];
        for (int j = 0; j < 2; j++)
          e2[2 * i + j] += W2[k] / sw * (S2[4 * k + 2 * i + j]
                                         + MU2[2 * k + i] * MU2[2 * k + j]);
      }
  for (int i = 0; i < 2; i++)
    {
      fc_ck_assert_abs (m[i], em[i], TOL_EPS (16), "mean %d", i);
      for (int j = 0; j < 2; j++)
        fc_ck_assert_abs (c[2 * i + j], e2[2 * i + j] - em[i] * em[j],
                          TOL_EPS (64), "cov (%d,%d)", i, j);
    }
  fc_gmm_free (g);
}
END_TEST

FC_TEST ("sampling", test_sampling_is_reproducible_and_independent_of_threads)
{
  size_t n = 3 * FC_RNG_CHUNK + 5;
  fc_gmm *g = make_gmm (2, 3, W2, MU2, S2);
  double *a = malloc (2 * n * sizeof (double)), *b = malloc (2 * n * sizeof (double));
  int saved = set_threads (1);
  ck_assert_int_eq (fc_gmm_sample (g, 42UL, n, a), GSL_SUCCESS);
  set_threads (2);
  ck_assert_int_eq (fc_gmm_sample (g, 42UL, n, b), GSL_SUCCESS);
  ck_assert_int_eq (memcmp (a, b, 2 * n * sizeof (double)), 0);
  ck_assert_int_eq (fc_gmm_sample (g, 42UL, n, b), GSL_SUCCESS);
  ck_assert_int_eq (memcmp (a, b, 2 * n * sizeof (double)), 0);
  set_threads (saved);
  ck_assert_int_eq (fc_gmm_sample (g, 43UL, n, b), GSL_SUCCESS);
  ck_assert_int_ne (memcmp (a, b, 2 * n * sizeof (double)), 0);
  free (a);
  free (b);
  fc_gmm_free (g);
}
END_TEST

/* Point masses are sampled exactly at their points; a rank-1 component
   only along its range: the normal coordinate is a sum of three terms of
   the sizes of u and v, rounded: TOL_EPS(16) of their size.  */
FC_TEST ("sampling", test_singular_components_sample_on_their_support)
{
  double pts[4] = { 0.381966, -1.0, 2.0, 0.5 }, x[200];
  fc_gmm *g = fc_gmm_point_masses (2, 2, pts, NULL);
  ck_assert_int_eq (fc_gmm_sample (g, 7UL, 100, x), GSL_SUCCESS);
  for (int p = 0; p < 100; p++)
    ck_assert ((x[2 * p] == pts[0] && x[2 * p + 1] == pts[1])
               || (x[2 * p] == pts[2] && x[2 * p + 1] == pts[3]));
  fc_gmm_free (g);

  double w = 1.0, mu[2] = { 0.3, -0.1 }, s[4] = { 1.0, 2.0, 2.0, 4.0 };
  g = make_gmm (2, 1, &w, mu, s);
  ck_assert_int_eq (fc_gmm_sample (g, 8UL, 100, x), GSL_SUCCESS);
  for (int p = 0; p < 100; p++)
    {
      /* (2, -1) is normal to the range (1, 2) of S.  */
      double u = x[2 * p] - mu[0], v = x[2 * p + 1] - mu[1];
      fc_ck_assert_abs (2.0 * u - v, 0.0,
                        TOL_EPS (16) * (1.0 + fabs (u) + fabs (v)),
                        "sample %d off the range", p);
    }
  fc_gmm_free (g);
}
END_TEST

FC_CK_MAIN ("gmm_sample")
