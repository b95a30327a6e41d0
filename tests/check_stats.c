/* tests/check_stats.c -- moments, sliced W2, MMD and the two-sample test.
 *
 * Claims: the sample mean and covariance are exact on a small sample; the
 * moment z-scores of exact Gaussian samples stay within Z_MAX and those of
 * shifted ones do not; the sliced W2 is exact on hand-computable empirical
 * measures (including n != m), zero between a sample and itself, and
 * recovers the distance of shifted Gaussians within a band given by the
 * triangle inequality; the unbiased MMD^2 is centred at 0 for one law and
 * clearly positive for shifted laws; the permutation test keeps its level
 * on one fixed seed and has power; results do not depend on the thread
 * count.  Samples come from seeded fc_rng streams.  */
#include <config.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>

#include "unit_fixtures.h"
#include "fc_rng.h"
#include "fc_sort.h"
#include "fc_stats.h"

#define SEED 20240501UL

/* Sample sizes: valgrind runs about 30 times slower, so statistical tests
   use fewer points there; every band below is derived from the size used. */
static size_t
sample_size (size_t full, size_t small)
{
  return fc_under_valgrind () ? small : full;
}

/* X (n, D) = MEAN + SD * z, z standard normal from streams (SEED, BASE + c). */
static double *
gaussian_sample (size_t n, size_t dim, const double *mean, const double *sd,
                 unsigned long base)
{
  double *x = malloc (n * dim * sizeof (double));
  ck_assert_ptr_nonnull (x);
  ck_assert_int_eq (fc_rng_gaussian_fill (SEED, base, n * dim, x),
                    GSL_SUCCESS);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < dim; j++)
      x[i * dim + j] = mean[j] + sd[j] * x[i * dim + j];
  return x;
}

/* ------------------------------------------------------------ moments */

FC_TEST ("moments", test_mean_cov_exact_on_small_sample)
{
  /* Dyadic values: every sum is exact, so the results are the rounded
     quotients: mean (1, 3/2), cov = [[14/3, 7/3], [7/3, 15/2]].  */
  const double x[8] = { 1.0, 2.0, 3.0, 5.0, -2.0, 0.5, 2.0, -1.5 };
  double mean[2], cov[4];
  ck_assert_int_eq (fc_stats_mean_cov (4, 2, x, mean, cov), GSL_SUCCESS);
  fc_ck_assert_rel (mean[0], 1.0, TOL_EPS (2), "mean 0");
  fc_ck_assert_rel (mean[1], 1.5, TOL_EPS (2), "mean 1");
  fc_ck_assert_rel (cov[0], 14.0 / 3.0, TOL_EPS (2), "cov 00");
  fc_ck_assert_rel (cov[1], 7.0 / 3.0, TOL_EPS (2), "cov 01");
  fc_ck_assert_rel (cov[2], 7.0 / 3.0, TOL_EPS (2), "cov 10");
  fc_ck_assert_rel (cov[3], 7.5, TOL_EPS (2), "cov 11");
  ck_assert_int_eq (fc_stats_mean_cov (1, 2, x, mean, NULL), GSL_SUCCESS);
  ck_assert_double_eq (mean[1], 2.0);
  ck_assert_int_eq (fc_stats_mean_cov (1, 2, x, mean, cov), GSL_EDOM);
  ck_assert_int_eq (fc_stats_mean_cov (4, 0, x, mean, cov), GSL_EDOM);
}
END_TEST

FC_TEST ("moments", test_mean_cov_is_accurate_far_from_the_origin)
{
  /* A spread of 1 at an offset of 1e6: centring first loses only the
     rounding of the offset, about 1e6 eps per value, relative error
     ~ 1e6 eps / spread in the covariance: TOL_EPS(4e6).  A one-pass
     E[x^2] - m^2 would lose 1e12 eps = 1e-4.  */
  const double base[4] = { 0.381966, -0.618034, 1.236068, -1.0 };
  double x[4], mean, var, m0 = 0.0, v0 = 0.0;
  for (int i = 0; i < 4; i++)
    {
      x[i] = 1e6 + base[i];
      m0 += base[i] / 4.0;
    }
  for (int i = 0; i < 4; i++)
    v0 += (base[i] - m0) * (base[i] - m0) / 3.0;
  ck_assert_int_eq (fc_stats_mean_cov (4, 1, x, &mean, &var), GSL_SUCCESS);
  fc_ck_assert_rel (var, v0, TOL_EPS (4e6), "variance at offset 1e6");
}
END_TEST

#define MDIM 3
static const double m_mean[MDIM] = { 0.5, -1.0, 2.0 };
static const double m_sd[MDIM] = { 1.0, 0.381966, 2.5 };

static void
moment_truth (double *cov, double *kurt)
{
  memset (cov, 0, MDIM * MDIM * sizeof (double));
  for (size_t j = 0; j < MDIM; j++)
    {
      cov[j * MDIM + j] = m_sd[j] * m_sd[j];
      kurt[j] = 3.0 * pow (m_sd[j], 4); /* Gaussian fourth moment */
    }
}

FC_TEST ("moments", test_moment_z_of_exact_gaussian_samples_is_small)
{
  size_t n = sample_size (20000, 2000);
  double cov[MDIM * MDIM], kurt[MDIM], zm, zv, zv_sampled;
  moment_truth (cov, kurt);
  double *x = gaussian_sample (n, MDIM, m_mean, m_sd, 100);
  ck_assert_int_eq (fc_stats_moment_z (n, MDIM, x, m_mean, cov, kurt, &zm,
                                       &zv),
                    GSL_SUCCESS);
  ck_assert_int_eq (fc_stats_moment_z (n, MDIM, x, m_mean, cov, NULL, NULL,
                                       &zv_sampled),
                    GSL_SUCCESS);
  ck_assert_msg (zm < Z_MAX, "mean z %g", zm);
  ck_assert_msg (zv < Z_MAX, "variance z (exact kurtosis) %g", zv);
  ck_assert_msg (zv_sampled < Z_MAX, "variance z (sampled kurtosis) %g",
                 zv_sampled);
  free (x);
}
END_TEST

FC_TEST ("moments", test_moment_z_detects_shifted_and_scaled_samples)
{
  /* A mean shift d gives z ~ d sqrt(n) / sd; a scale (1 + e) gives a
     variance z ~ ((1+e)^2 - 1) sqrt(n / 2) (Gaussian: mu4 = 3 var^2).
     d and e are chosen so both expected z exceed Z_MAX + 3 at the n
     used, out of reach of a 3-sigma fluctuation.  */
  size_t n = sample_size (20000, 2000);
  double d = (Z_MAX + 3.0) * 1.2 / sqrt ((double) n);
  double e = sqrt (1.0 + (Z_MAX + 3.0) * 1.2 * sqrt (2.0 / (double) n)) - 1.0;
  double cov[MDIM * MDIM], kurt[MDIM], zm, zv;
  moment_truth (cov, kurt);
  double mean2[MDIM], sd2[MDIM];
  for (size_t j = 0; j < MDIM; j++)
    {
      mean2[j] = m_mean[j] + (j == 1 ? d * m_sd[j] : 0.0);
      sd2[j] = m_sd[j] * (j == 2 ? 1.0 + e : 1.0);
    }
  double *x = gaussian_sample (n, MDIM, mean2, sd2, 300);
  ck_assert_int_eq (fc_stats_moment_z (n, MDIM, x, m_mean, cov, kurt, &zm,
                                       &zv),
                    GSL_SUCCESS);
  ck_assert_msg (zm > Z_MAX, "shift not detected: mean z %g", zm);
  ck_assert_msg (zv > Z_MAX, "scale not detected: variance z %g", zv);
  free (x);
  ck_assert_int_eq (fc_stats_moment_z (1, MDIM, m_mean, m_mean, cov, NULL,
                                       &zm, NULL),
                    GSL_EDOM);
  cov[0] = 0.0;
  ck_assert_int_eq (fc_stats_moment_z (2, 1, m_mean, m_mean, cov, NULL, &zm,
                                       NULL),
                    GSL_EDOM);
}
END_TEST

/* A symmetric two-point law (x = +-1): mu4 = var^2 = 1, so the leading
   order (mu4 - var^2)/n of Var(s^2) vanishes and only the exact
   2 var^2 / (n (n-1)) remains.  s^2 - 1 = (1 - n m^2)/(n - 1) with n m^2
   ~ chi^2_1, so z ~ |1 - chi^2_1| / sqrt 2: below Z_MAX unless
   chi^2_1 > 8.07 (probability 0.5%; one fixed seed).  */
FC_TEST ("moments", test_moment_z_of_a_two_point_law_is_finite_and_small)
{
  size_t n = sample_size (20000, 2000);
  double *x = malloc (n * sizeof (double)), mean = 0.0, var = 1.0, mu4 = 1.0;
  double zm, zv;
  ck_assert_ptr_nonnull (x);
  ck_assert_int_eq (fc_rng_gaussian_fill (SEED, 500, n, x), GSL_SUCCESS);
  for (size_t i = 0; i < n; i++)
    x[i] = x[i] < 0.0 ? -1.0 : 1.0;
  ck_assert_int_eq (fc_stats_moment_z (n, 1, x, &mean, &var, &mu4, &zm, &zv),
                    GSL_SUCCESS);
  ck_assert_msg (zm < Z_MAX, "mean z %g", zm);
  ck_assert_msg (zv < Z_MAX, "variance z %g", zv);
  free (x);
}
END_TEST

/* ------------------------------------------------------------ sliced W2 */

FC_TEST ("sliced_w2", test_sliced_w2_exact_for_unequal_sizes_in_1d)
{
  /* Quantile functions of {0, 1} and {0, 1/2, 1} differ by 1/2 on
     (1/3, 2/3): W2^2 = (1/3)(1/4) = 1/12.  Order of input is irrelevant,
     and in 1-D the direction is +-1, so sliced W2 = W2.  */
  const double a[2] = { 1.0, 0.0 }, b[3] = { 0.5, 1.0, 0.0 };
  fc_ck_assert_rel (fc_stats_sliced_w2 (1, 2, a, 3, b, 5, SEED),
                    sqrt (1.0 / 12.0), TOL_EPS (4), "W2({0,1},{0,.5,1})");
  /* The same empirical measure with every atom repeated: distance 0.  */
  const double c[6] = { 0.381966, -2.0, 1.5, 1.5, 0.381966, -2.0 };
  fc_ck_assert_abs (fc_stats_sliced_w2 (1, 3, c, 6, c, 3, SEED), 0.0, 0.0,
                    "W2 of a measure and its doubled copy");
  /* Two atoms against three: {0, 3} vs {1, 1, 1}: W2^2 = (1 + 4) / 2.  */
  const double d[2] = { 0.0, 3.0 }, e[3] = { 1.0, 1.0, 1.0 };
  fc_ck_assert_rel (fc_stats_sliced_w2 (1, 2, d, 3, e, 1, SEED), sqrt (2.5),
                    TOL_EPS (4), "W2({0,3},{1,1,1})");
}
END_TEST

FC_TEST ("sliced_w2", test_sliced_w2_of_a_sample_with_itself_is_zero)
{
  const double sd[4] = { 1, 1, 1, 1 }, mu[4] = { 0.381966, 0, -1, 2 };
  double *x = gaussian_sample (300, 4, mu, sd, 500);
  ck_assert_double_eq (fc_stats_sliced_w2 (4, 300, x, 300, x, 50, SEED), 0.0);
  free (x);
}
END_TEST

FC_TEST ("sliced_w2", test_sliced_w2_of_a_translate_matches_projection_law)
{
  /* Y = X + v: along a direction theta the projections shift by v.theta,
     so SW2^2 = mean_k (v.theta_k)^2 exactly; for directions uniform on
     the sphere E[(v.theta)^2] = |v|^2 / D and Var = |v|^4 2 (D - 1) /
     (D^2 (D + 2)).  With K directions the band is Z_MAX sd / sqrt(K) on
     SW2^2 (a check that the directions are uniform).  */
  const size_t dim = 3, n = 200, n_proj = 400;
  const double v[3] = { 0.381966, -1.2, 0.7 }, sd[3] = { 1, 1, 1 };
  const double zero[3] = { 0, 0, 0 };
  double *x = gaussian_sample (n, dim, zero, sd, 600);
  double *y = malloc (n * dim * sizeof (double));
  for (size_t i = 0; i < n * dim; i++)
    y[i] = x[i] + v[i % dim];
  double v2 = v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
  double sw = fc_stats_sliced_w2 (dim, n, x, n, y, n_proj, SEED);
  double var = v2 * v2 * 2.0 * (dim - 1.0) / (dim * dim * (dim + 2.0));
  fc_ck_assert_abs (sw * sw, v2 / dim, Z_MAX * sqrt (var / n_proj),
                    "SW2^2 of a translate");
  free (x);
  free (y);
}
END_TEST

FC_TEST ("sliced_w2", test_sliced_w2_of_shifted_gaussians_recovers_the_shift)
{
  /* 1-D: X ~ N(0, 1), Y ~ N(mu, 1), independent; W2 of the laws is |mu|.
     The band is exact, not asymptotic: with Y' = Y - mu (a sample of the
     law of X), W2(Y', Y) = |mu| (a translate) and the triangle inequality
     gives |W2(X, Y) - |mu|| <= W2(X, Y'), computed from the same data.
     The band must also be small against mu, or the test could not fail.  */
  const double mu = 0.618034, one = 1.0, zero = 0.0;
  size_t n = sample_size (4000, 800), m = n / 2 + 37;
  double *x = gaussian_sample (n, 1, &zero, &one, 700);
  double *y = gaussian_sample (m, 1, &mu, &one, 800);
  double *y0 = malloc (m * sizeof (double));
  for (size_t i = 0; i < m; i++)
    y0[i] = y[i] - mu;
  double w = fc_stats_sliced_w2 (1, n, x, m, y, 1, SEED);
  double band = fc_stats_sliced_w2 (1, n, x, m, y0, 1, SEED);
  fc_ck_assert_abs (w, mu, band, "W2 of N(0,1) and N(%g,1) samples", mu);
  ck_assert_msg (band < 0.25 * mu, "null W2 %g too large for the test", band);
  free (x);
  free (y);
  free (y0);
}
END_TEST

FC_TEST ("sliced_w2", test_sliced_w2_rejects_empty_input)
{
  const double a[2] = { 0, 1 };
  ck_assert (isnan (fc_stats_sliced_w2 (1, 0, a, 2, a, 3, SEED)));
  ck_assert (isnan (fc_stats_sliced_w2 (1, 2, a, 0, a, 3, SEED)));
  ck_assert (isnan (fc_stats_sliced_w2 (1, 2, a, 2, a, 0, SEED)));
  ck_assert (isnan (fc_stats_sliced_w2 (0, 2, a, 2, a, 3, SEED)));
}
END_TEST

/* ------------------------------------------------------------ MMD */

FC_TEST ("mmd", test_mmd2_matches_hand_computation)
{
  /* x = {0, 1}, y = {0.381966, 2}, bandwidth 0.7 in 1-D:
     MMD^2 = k(x1,x2) + k(y1,y2) - (1/2) sum_ij k(x_i, y_j).  */
  const double x[2] = { 0.0, 1.0 }, y[2] = { 0.381966, 2.0 }, bw = 0.7;
#define K(a, b) exp (-((a) - (b)) * ((a) - (b)) / (2.0 * bw * bw))
  double expect = K (x[0], x[1]) + K (y[0], y[1])
                  - 0.5 * (K (x[0], y[0]) + K (x[0], y[1]) + K (x[1], y[0])
                           + K (x[1], y[1]));
#undef K
  fc_ck_assert_rel (fc_stats_mmd2 (1, 2, x, 2, y, bw), expect, TOL_EPS (16),
                    "MMD^2 of two-point samples");
  ck_assert (isnan (fc_stats_mmd2 (1, 1, x, 2, y, bw)));
  ck_assert (isnan (fc_stats_mmd2 (1, 2, x, 2, y, 0.0)));
}
END_TEST

#define NREP 16

/* Mean and sample sd of the unbiased MMD^2 (bandwidth 1) over NREP
   independent replicates of N(0, I_2) against N(shift, I_2), n each.  */
static void
mmd2_replicates (size_t n, double shift, unsigned long base, double *mean,
                 double *sd)
{
  const double zero[2] = { 0, 0 }, one[2] = { 1, 1 }, mu[2] = { shift, 0 };
  double v[NREP], m = 0.0, s = 0.0;
  for (int r = 0; r < NREP; r++)
    {
      double *x = gaussian_sample (n, 2, zero, one, base + 20 * r);
      double *y = gaussian_sample (n, 2, mu, one, base + 10 + 20 * r);
      v[r] = fc_stats_mmd2 (2, n, x, n, y, 1.0);
      m += v[r] / NREP;
      free (x);
      free (y);
    }
  for (int r = 0; r < NREP; r++)
    s += (v[r] - m) * (v[r] - m) / (NREP - 1);
  *mean = m;
  *sd = sqrt (s);
}

FC_TEST ("mmd", test_mmd2_unbiased_for_one_law_and_for_shifted_laws)
{
  /* For N(0, I_D) against N(delta, I_D) and bandwidth h the population
     value is closed form:
       MMD^2 = 2 (h^2 / (h^2 + 2))^(D/2) (1 - exp(-|delta|^2 / (2 (h^2 + 2)))),
     0 for delta = 0, 0.1023 for delta = 1 (D = 2, h = 1).  The mean of
     NREP replicates must lie within Z_MAX sd / sqrt(NREP) of it, sd the
     replicates' sample sd.  The test can fail: the biased (V-statistic)
     form is off by about 2 (1 - E k) / n = 4 / (3 n) under one law, more
     than that band at the sizes used.  Under the shift the mean must also
     be clearly positive: beyond Z_MAX times the one-law sd.  */
  size_t n = sample_size (400, 120);
  double m0, s0, m1, s1;
  double exact1 = 2.0 / 3.0 * (1.0 - exp (-1.0 / 6.0));
  mmd2_replicates (n, 0.0, 1000, &m0, &s0);
  mmd2_replicates (n, 1.0, 2000, &m1, &s1);
  fc_ck_assert_abs (m0, 0.0, Z_MAX * s0 / sqrt (NREP),
                    "mean MMD^2 under one law (n = %zu)", n);
  ck_assert_msg (Z_MAX * s0 / sqrt (NREP) < 4.0 / (3.0 * n),
                 "band %g cannot tell the V-statistic bias %g",
                 Z_MAX * s0 / sqrt (NREP), 4.0 / (3.0 * n));
  fc_ck_assert_abs (m1, exact1, Z_MAX * s1 / sqrt (NREP),
                    "mean MMD^2 under a unit shift (n = %zu)", n);
  ck_assert_msg (m1 > Z_MAX * s0, "shifted MMD^2 %g not beyond %g", m1,
                 Z_MAX * s0);
}
END_TEST

FC_TEST ("mmd", test_median_distance_exact_and_capped)
{
  /* Pooled {0, 1, 3} and {7}: distances 1 3 7 2 6 4, median 3.5.  */
  const double x[3] = { 0, 1, 3 }, y[1] = { 7 };
  fc_ck_assert_rel (fc_stats_median_distance (1, 3, x, 1, y), 3.5,
                    TOL_EPS (1), "median distance");
  /* Only the first 1000 points of each sample count: far points beyond
     them change nothing.  */
  size_t n = 1200;
  double *a = malloc (n * sizeof (double));
  double *b = malloc (n * sizeof (double));
  for (size_t i = 0; i < n; i++)
    {
      a[i] = i < 1000 ? 0.381966 * (double) (i % 17) : 1e6;
      b[i] = i < 1000 ? -0.618034 * (double) (i % 13) : -1e6;
    }
  double full = fc_stats_median_distance (1, n, a, n, b);
  double head = fc_stats_median_distance (1, 1000, a, 1000, b);
  ck_assert_double_eq (full, head);
  free (a);
  free (b);
  ck_assert (isnan (fc_stats_median_distance (1, 1, x, 0, y)));
}
END_TEST

/* ------------------------------------------------------------ test */

FC_TEST ("mmd", test_two_sample_keeps_level_and_has_power)
{
  /* H0: two samples of N(0, I_2), one fixed seed: the p-value must not be
     small (p > 0.01 fails with probability 0.01 over seeds; this seed
     was not chosen).  Power: a shift d with d sqrt(n) = 0.5 sqrt(500)
     (the full-size design, kept at the smaller valgrind size) must give
     p < 0.01, within reach since the smallest p is 1/(1 + n_perm).  */
  size_t n = sample_size (500, 150), n_perm = sample_size (200, 120);
  double d = 0.5 * sqrt (500.0 / (double) n);
  const double zero[2] = { 0, 0 }, one[2] = { 1, 1 };
  const double shift[2] = { d, 0 };
  double *x = gaussian_sample (n, 2, zero, one, 3000);
  double *y0 = gaussian_sample (n, 2, zero, one, 3100);
  double *y1 = gaussian_sample (n, 2, shift, one, 3200);
  double stat, p0, p1;
  ck_assert_int_eq (fc_stats_two_sample (2, n, x, n, y0, n_perm, SEED, &stat,
                                         &p0),
                    GSL_SUCCESS);
  ck_assert_msg (p0 > 0.01, "H0 p-value %g", p0);
  /* The statistic is the MMD^2 with the median-heuristic bandwidth.  */
  double bw = fc_stats_median_distance (2, n, x, n, y0);
  fc_ck_assert_abs (stat, fc_stats_mmd2 (2, n, x, n, y0, bw),
                    TOL_EPS (16) * (double) n, "observed statistic");
  ck_assert_int_eq (fc_stats_two_sample (2, n, x, n, y1, n_perm, SEED, &stat,
                                         &p1),
                    GSL_SUCCESS);
  ck_assert_msg (p1 < 0.01, "shift %g not detected: p = %g", d, p1);
  fc_ck_assert_rel (p1, 1.0 / (1.0 + (double) n_perm), TOL_EPS (4),
                    "smallest p-value");
  free (x);
  free (y0);
  free (y1);
}
END_TEST

FC_TEST ("mmd", test_two_sample_rejects_degenerate_input)
{
  const double same[6] = { 1, 2, 1, 2, 1, 2 };
  double stat, p;
  ck_assert_int_eq (fc_stats_two_sample (2, 2, same, 1, same, 10, SEED, &stat,
                                         &p),
                    GSL_EDOM);
  ck_assert_int_eq (fc_stats_two_sample (2, 2, same, 2, same + 2, 10, SEED,
                                         &stat, &p),
                    GSL_EDOM);
}
END_TEST

FC_TEST ("mmd", test_statistics_are_bitwise_independent_of_thread_count)
{
#ifdef _OPENMP
  size_t n = sample_size (300, 100);
  const double zero[3] = { 0, 0, 0 }, one[3] = { 1, 1, 1 };
  const double shift[3] = { 0.2, 0, 0 };
  double *x = gaussian_sample (n, 3, zero, one, 4000);
  double *y = gaussian_sample (n, 3, shift, one, 4100);
  double w[2], mmd[2], stat[2], p[2];
  int saved = set_threads (1);
  for (int k = 0; k < 2; k++)
    {
      set_threads (k + 1);
      w[k] = fc_stats_sliced_w2 (3, n, x, n, y, 64, SEED);
      mmd[k] = fc_stats_mmd2 (3, n, x, n, y, 1.3);
      ck_assert_int_eq (fc_stats_two_sample (3, n, x, n, y, 50, SEED,
                                             &stat[k], &p[k]),
                        GSL_SUCCESS);
    }
  set_threads (saved);
  ck_assert (memcmp (&w[0], &w[1], sizeof (double)) == 0);
  ck_assert (memcmp (&mmd[0], &mmd[1], sizeof (double)) == 0);
  ck_assert (memcmp (&stat[0], &stat[1], sizeof (double)) == 0);
  ck_assert (memcmp (&p[0], &p[1], sizeof (double)) == 0);
  free (x);
  free (y);
#endif
}
END_TEST

/* ------------------------------------------------------------ sort */

/* fc_sort_doubles against gsl_sort on X (n): the same values in order (a
   signed zero aside: -0 sorts first, which no sum of squares sees).  */
static void
assert_sorts_like_gsl (size_t n, const double *x)
{
  double *a = malloc (n * sizeof *a), *b = malloc (n * sizeof *b);
  uint64_t *key = malloc (2 * n * sizeof *key);
  ck_assert (a && b && key);
  memcpy (a, x, n * sizeof *a);
  memcpy (b, x, n * sizeof *b);
  fc_sort_doubles (n, a, key, key + n);
  gsl_sort (b, 1, n);
  for (size_t i = 0; i < n; i++)
    ck_assert_msg (a[i] == b[i], "n = %zu, [%zu]: %.17g vs %.17g", n, i,
                   a[i], b[i]);
  for (size_t i = 1; i < n; i++)
    ck_assert (!(a[i] == 0.0 && a[i - 1] == 0.0 && signbit (a[i])
                 && !signbit (a[i - 1])));
  free (a), free (b), free (key);
}

/* Both digit widths (n below and above 2048), samples whose top bits
   nearly order them (the insertion pass), values packed within 2^-40 of
   each other (the insertion gives up and the full radix sort runs), ties,
   signed zeros, infinities, subnormals and one or two values.  */
FC_TEST ("sort", test_sort_doubles_matches_gsl_sort)
{
  const size_t sizes[] = { 1, 2, 3, 100, 1000, 2047, 2048, 5000, 20000 };
  gsl_rng *r = fc_rng_alloc (SEED, 77);
  for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
    {
      size_t n = sizes[s];
      double *x = malloc (n * sizeof *x);
      for (int kind = 0; kind < 4; kind++)
        {
          for (size_t i = 0; i < n; i++)
            {
              double u = gsl_rng_uniform (r), z = gsl_ran_gaussian (r, 1.0);
              x[i] = kind == 0   ? z
                     : kind == 1 ? 1.0 + 0x1p-40 * u
                     : kind == 2 ? (double) (int) (4 * z) * 0.5
                                 : (i % 5 == 0 ? 0.0 : i % 5 == 1 ? -0.0
                                    : i % 5 == 2 ? (z > 0 ? INFINITY : -INFINITY)
                                    : z * 1e-310);
            }
          assert_sorts_like_gsl (n, x);
        }
      free (x);
    }
  gsl_rng_free (r);
}
END_TEST

FC_CK_MAIN ("stats")
