/* tests/check_sde_law.c -- the law and the orders of batch
 * Euler-Maruyama with additive noise (fc_sde.h).
 *
 * Claims: the integrator reproduces the DISCRETE law of Euler-Maruyama on
 * Ornstein-Uhlenbeck (a Gaussian recursion, so its mean and variance are
 * closed forms: this tests the implementation, not the scheme); that law
 * has weak order 1 against the exact law; on the same Brownian paths the
 * strong error against a fine-step reference has order 1 (additive noise:
 * Euler-Maruyama coincides with Milstein), for a linear and a nonlinear
 * drift; plain Euler-Maruyama misses the end of the Brownian bridge by the
 * last increment, at order 1/2 (claim H3); the SDE of claim S3 from a
 * point mass has the marginal N(0, t^2 I), and reaches t1 = 1 with
 * evaluations at the left ends only.  */
#include <config.h>

#include "sde_fixtures.h"
#include "fc_fd.h"
#include "fc_stats.h"

/* Claim S3, reversed convention (data at t = 0, noise at t = 1):
   dx = -x / (1 - t) dt + sqrt(2 t / (1 - t)) dw.  */
static int
s3_drift (double t, size_t n, const double *x, double *f, void *params)
{
  size_t dim = *(const size_t *) params;
  for (size_t q = 0; q < n * dim; q++)
    f[q] = -x[q] / (1.0 - t);
  return GSL_SUCCESS;
}

static double
s3_diffusion (double t, void *params)
{
  (void) params;
  return sqrt (2.0 * t / (1.0 - t));
}

/* Mean over the N particles of |X - Y| (first coordinate).  */
static double
mean_abs_diff (size_t n, size_t dim, const double *x, const double *y)
{
  double s = 0.0;
  for (size_t i = 0; i < n; i++)
    s += fabs (x[i * dim] - y[i * dim]);
  return s / (double) n;
}

/* ------------------------------------------------------------ OU law */

/* Discrete Euler-Maruyama mean factor and variance of OU after K steps. */
static void
ou_discrete_law (double h, size_t k, double *mean_factor, double *var)
{
  double a = 1.0 - OU_THETA * h;
  *mean_factor = pow (a, (double) k);
  *var = OU_S * OU_S * h * (1.0 - pow (a, 2.0 * (double) k)) / (1.0 - a * a);
}

/* Sample mean and variance at three save times (one of them t1) against
   the discrete law, within Z_MAX standard errors (fc_stats_moment_z with
   the exact Gaussian fourth moment 3 var^2).  The coarse increments are
   sums of 4 fine ones; a wrong scale or grouping changes the variance by
   a factor, far outside the band.  */
FC_TEST ("law", test_sample_moments_match_discrete_ou_law)
{
  const size_t dim = 2, steps = 16;
  const size_t n = fc_under_valgrind () ? 2000 : 20000;
  const double x0[2] = { 0.381966, -1.236068 };
  size_t dimv = dim;
  fc_sde_system sys = { ou_drift, NULL, OU_S, dim, &dimv };
  fc_sde_grid grid = { 0.1180340, 1.1180340, steps, 4 * steps, 20240607UL,
                       1000UL, 0 };
  const size_t ks[3] = { 4, 9, steps };
  double t_save[3];
  for (int j = 0; j < 3; j++)
    t_save[j] = fc_sde_grid_time (&grid, ks[j]);
  double *x = replicate (n, dim, x0);
  double *xs = malloc (3 * n * dim * sizeof (double));
  ck_assert_int_eq (fc_sde_euler_maruyama (&sys, &grid, n, x, 3, t_save, xs),
                    GSL_SUCCESS);
  ck_assert_int_eq (memcmp (xs + 2 * n * dim, x, n * dim * sizeof (double)),
                    0);
  double h = (grid.t1 - grid.t0) / (double) steps;
  for (int j = 0; j < 3; j++)
    {
      double mf, v, zm, zv;
      ou_discrete_law (h, ks[j], &mf, &v);
      double mean[2] = { mf * x0[0], mf * x0[1] };
      double cov[4] = { v, 0.0, 0.0, v }, kurt[2] = { 3 * v * v, 3 * v * v };
      ck_assert_int_eq (fc_stats_moment_z (n, dim, xs + j * n * dim, mean,
                                           cov, kurt, &zm, &zv),
                        GSL_SUCCESS);
      ck_assert_msg (zm <= Z_MAX && zv <= Z_MAX,
                     "step %zu: |z| of mean %g, of variance %g > %g", ks[j],
                     zm, zv, Z_MAX);
    }
  free (x);
  free (xs);
}
END_TEST

/* The discrete law's weak error |E X_K - E X_T| + |Var X_K - Var X_T| at
   T = 1 over K = 16 .. 512 (six step sizes, no sampling) has fitted order
   1.  Expanding K log(1 - theta h) = -theta T - theta^2 T h / 2
   - theta^3 T h^2 / 3 - ..., the error is C h (1 + c h + ...) with
   |c| of order theta, so the local slope departs from 1 by about
   theta h_max = 0.086; the band is twice that.  */
FC_TEST ("law", test_discrete_ou_law_has_weak_order_one)
{
  enum { NH = 6 };
  const double T = 1.0, x0 = 0.381966;
  const double mean_t = exp (-OU_THETA * T) * x0;
  const double var_t
      = OU_S * OU_S * (1.0 - exp (-2.0 * OU_THETA * T)) / (2.0 * OU_THETA);
  double hs[NH], err[NH], order, log_c, se;
  for (int j = 0; j < NH; j++)
    {
      size_t k = (size_t) 16 << j;
      double mf, v;
      hs[j] = T / (double) k;
      ou_discrete_law (hs[j], k, &mf, &v);
      err[j] = fabs (mf * x0 - mean_t) + fabs (v - var_t);
    }
  ck_assert_int_eq (fc_fd_order_fit (NH, hs, err, &order, &log_c, &se),
                    GSL_SUCCESS);
  fc_ck_assert_abs (order, 1.0, 2.0 * OU_THETA * hs[0],
                    "weak order of Euler-Maruyama on OU");
}
END_TEST

/* NH runs of the one-dimensional SYS on GRID (t0 = 0, t1 = 1) from N
   copies of X0 with K = 8, 16, ... steps, on the same Brownian paths:
   HS[j] = 1 / K and ERR[j] the mean over the particles of |X_K - REF|;
   each particle's |X_K - REF| into D (NH, N) unless D is NULL.  */
static void
errors_by_steps (const fc_sde_system *sys, fc_sde_grid grid, size_t n,
                 double x0, const double *ref, int nh, double *hs,
                 double *err, double *d)
{
  for (int j = 0; j < nh; j++)
    {
      grid.steps = (size_t) 8 << j;
      hs[j] = 1.0 / (double) grid.steps;
      double *x = replicate (n, 1, &x0);
      ck_assert_int_eq (fc_sde_euler_maruyama (sys, &grid, n, x, 0, NULL,
                                               NULL),
                        GSL_SUCCESS);
      for (size_t i = 0; d != NULL && i < n; i++)
        d[j * n + i] = fabs (x[i] - ref[i]);
      err[j] = mean_abs_diff (n, 1, x, ref);
      free (x);
    }
}

/* ------------------------------------------------------------ strong order */

/* Strong error E|X_h(T) - X_ref(T)| on the same Brownian paths, X_ref on
   the fine grid itself (h_ref = T / 2048), K = 8 .. 128 coarse steps,
   fitted order.  Band, three parts:
   - the reference's own error: the leading error is C (h - h_ref), whose
     log-log slope h / (h - h_ref) exceeds 1 by at most
     h_ref / (h_min - h_ref) = 1/15;
   - Monte Carlo: Z_MAX standard errors of the slope, estimated by batch
     means (the slopes of NB disjoint batches of paths);
   - curvature (the O(h^2) term of the error): Z_MAX standard errors of
     the slope from the fit's residuals.
   The band must stay below 1/4, half the distance to the textbook strong
   order 1/2 that the test must be able to reject.  */
static double
strong_order (fc_drift_fn drift, double sigma, double x0, double *band)
{
  enum { NH = 5, NB = 10 };
  const size_t n = fc_under_valgrind () ? 200 : 2000, fine = 2048, dim = 1;
  size_t dimv = dim;
  fc_sde_system sys = { drift, NULL, sigma, dim, &dimv };
  fc_sde_grid grid = { 0.0, 1.0, fine, fine, 77UL, 0UL, 0 };
  double *ref = replicate (n, dim, &x0);
  double *d = malloc (NH * n * sizeof (double));
  ck_assert_int_eq (fc_sde_euler_maruyama (&sys, &grid, n, ref, 0, NULL,
                                           NULL),
                    GSL_SUCCESS);
  double hs[NH], err[NH], order, log_c, se;
  errors_by_steps (&sys, grid, n, x0, ref, NH, hs, err, d);
  ck_assert_int_eq (fc_fd_order_fit (NH, hs, err, &order, &log_c, &se),
                    GSL_SUCCESS);
  /* Batch means: slope of each batch of n / NB paths.  */
  double sb[NB], s1 = 0.0, s2 = 0.0;
  size_t nb = n / NB;
  for (int b = 0; b < NB; b++)
    {
      double eb[NH], lc, sbe;
      for (int j = 0; j < NH; j++)
        {
          eb[j] = 0.0;
          for (size_t i = b * nb; i < (b + 1) * nb; i++)
            eb[j] += d[j * n + i] / (double) nb;
        }
      ck_assert_int_eq (fc_fd_order_fit (NH, hs, eb, &sb[b], &lc, &sbe),
                        GSL_SUCCESS);
      s1 += sb[b];
    }
  for (int b = 0; b < NB; b++)
    s2 += (sb[b] - s1 / NB) * (sb[b] - s1 / NB);
  double se_mc = sqrt (s2 / (NB - 1) / NB);
  free (ref);
  free (d);
  *band = 1.0 / 15.0 + Z_MAX * sqrt (se_mc * se_mc + se * se);
  fprintf (stderr, "strong order %.4f (band %.3f, se_mc %.4f, se_fit %.4f)\n",
           order, *band, se_mc, se);
  ck_assert_msg (*band < 0.25, "band %g too wide to reject order 1/2", *band);
  return order;
}

FC_TEST ("orders", test_strong_order_one_for_additive_noise_ou)
{
  double band;
  double order = strong_order (ou_drift, OU_S, 0.381966, &band);
  fc_ck_assert_abs (order, 1.0, band, "strong order, OU");
}
END_TEST

FC_TEST ("orders", test_strong_order_one_for_additive_noise_double_well)
{
  double band;
  double order = strong_order (well_drift, 0.5, 0.381966, &band);
  fc_ck_assert_abs (order, 1.0, band, "strong order, double well");
}
END_TEST

/* The endpoint error of plain Euler-Maruyama on the bridge, fitted over
   K = 8 .. 128 on the same paths, has order 1/2: E|X_K - x_T| =
   sigma E|dW| = sigma sqrt(2 h / pi).  Band: each error is a mean of |N|
   with relative standard error sqrt(pi/2 - 1) / sqrt(n) (= 0.755 /
   sqrt(n)); the least-squares slope over five equally spaced log h is a
   weighted sum of the log errors with sum of |weights| = 6 / (10 ln 2),
   so within Z_MAX per point the slope moves by at most
   0.866 * Z_MAX * 0.755 / sqrt(n).  */
FC_TEST ("orders", test_bridge_endpoint_error_has_order_one_half)
{
  enum { NH = 5 };
  const size_t dim = 1, n = fc_under_valgrind () ? 300 : 3000;
  const double x0 = 0.0, xT = 0.381966, sigma = 0.7236068;
  bridge_params bp = { dim, 1.0, &xT };
  fc_sde_system sys = { bridge_drift, NULL, sigma, dim, &bp };
  fc_sde_grid grid = { 0.0, 1.0, 8, 128, 31UL, 0UL, 0 };
  double hs[NH], err[NH], order, log_c, se;
  double *target = replicate (n, dim, &xT);
  errors_by_steps (&sys, grid, n, x0, target, NH, hs, err, NULL);
  free (target);
  ck_assert_int_eq (fc_fd_order_fit (NH, hs, err, &order, &log_c, &se),
                    GSL_SUCCESS);
  double band = 6.0 / (10.0 * M_LN2) * Z_MAX * sqrt (M_PI / 2.0 - 1.0)
                / sqrt ((double) n);
  fprintf (stderr, "endpoint order %.4f (band %.3f)\n", order, band);
  fc_ck_assert_abs (order, 0.5, band, "endpoint order of plain EM");
}
END_TEST


/* ------------------------------------------------------------ claim S3 */

/* From the point mass x0 = 0 at t = 0 the SDE of claim S3 has the
   marginal of x_t = (1 - t) x0 + t x1, x1 ~ N(0, I): N(0, t^2 I).  The
   scheme is linear with Gaussian noise, so its discrete law is
   N(0, v_k I) with v_{k+1} = (1 - h/(1 - t_k))^2 v_k + h g(t_k)^2, v_0 = 0,
   computed here.  Checked at t = 0.25, 0.5, 0.75 (saves; t1 = 0.75):
   the sample against the discrete law within Z_MAX standard errors (the
   implementation), and the sample variance against t^2 within Z_MAX
   standard errors plus |v_k - t^2|, the scheme's exact O(h) bias (the
   claim).  The bias itself is O(h): below h at h = 1/400 here.  */
FC_TEST ("law", test_s3_sde_from_point_mass_has_marginal_t_squared)
{
  const size_t dim = 2, steps = 300, n = fc_under_valgrind () ? 2000 : 20000;
  const double x0[2] = { 0.0, 0.0 };
  size_t dimv = dim;
  fc_sde_system sys = { s3_drift, s3_diffusion, 0.0, dim, &dimv };
  fc_sde_grid grid = { 0.0, 0.75, steps, steps, 4UL, 0UL, 0 };
  const double ts[3] = { 0.25, 0.5, 0.75 };
  const size_t ks[3] = { 100, 200, 300 };
  double *x = replicate (n, dim, x0);
  double *xs = malloc (3 * n * dim * sizeof (double));
  ck_assert_int_eq (fc_sde_euler_maruyama (&sys, &grid, n, x, 3, ts, xs),
                    GSL_SUCCESS);
  double h = 0.75 / (double) steps, v = 0.0, vk[3];
  for (size_t k = 0, j = 0; k < steps; k++)
    {
      double t = fc_sde_grid_time (&grid, k), a = 1.0 - h / (1.0 - t);
      v = a * a * v + h * s3_diffusion (t, NULL) * s3_diffusion (t, NULL);
      if (k + 1 == ks[j])
        vk[j++] = v;
    }
  for (int j = 0; j < 3; j++)
    {
      double t2 = ts[j] * ts[j], zm, zv;
      double mean[2] = { 0.0, 0.0 }, cov[4] = { vk[j], 0, 0, vk[j] };
      double kurt[2] = { 3 * vk[j] * vk[j], 3 * vk[j] * vk[j] };
      const double *s = xs + j * n * dim;
      ck_assert_int_eq (fc_stats_moment_z (n, dim, s, mean, cov, kurt, &zm,
                                           &zv),
                        GSL_SUCCESS);
      ck_assert_msg (zm <= Z_MAX && zv <= Z_MAX,
                     "t = %g: |z| of mean %g, of variance %g", ts[j], zm, zv);
      double smean[2], scov[4];
      ck_assert_int_eq (fc_stats_mean_cov (n, dim, s, smean, scov),
                        GSL_SUCCESS);
      double bias = fabs (vk[j] - t2);
      ck_assert_msg (bias <= h, "t = %g: bias %g > h", ts[j], bias);
      for (size_t d = 0; d < dim; d++)
        fc_ck_assert_abs (scov[d * dim + d], t2,
                          Z_MAX * t2 * sqrt (2.0 / (double) n) + bias,
                          "t = %g: variance of coordinate %zu", ts[j], d);
    }
  free (x);
  free (xs);
}
END_TEST

/* Claim S3's SDE integrated up to t1 = 1, where both its drift and its
   diffusion are singular, in 4 coarse steps: the run succeeds (neither is
   evaluated at t = 1; g(1) = inf would be rejected as GSL_EDOM) and the
   sample has the discrete law N(0, v_4 I) of the recursion of the test
   above, v_4 = h g(3/4)^2 = 3/2 since the last step's drift factor
   1 - h / (1 - 3/4) vanishes.  A diffusion evaluated at the right ends
   would give a different law (and an infinite one here).  Within Z_MAX
   standard errors.  */
FC_TEST ("law", test_s3_sde_reaches_t1_with_left_end_evaluations)
{
  const size_t dim = 2, steps = 4, n = fc_under_valgrind () ? 2000 : 20000;
  const double x0[2] = { 0.0, 0.0 };
  size_t dimv = dim;
  fc_sde_system sys = { s3_drift, s3_diffusion, 0.0, dim, &dimv };
  fc_sde_grid grid = { 0.0, 1.0, steps, 3 * steps, 12UL, 0UL, 0 };
  const double ts = 0.5;
  double *x = replicate (n, dim, x0);
  double *xs = malloc (n * dim * sizeof (double));
  ck_assert_int_eq (fc_sde_euler_maruyama (&sys, &grid, n, x, 1, &ts, xs),
                    GSL_SUCCESS);
  double h = 1.0 / (double) steps, v = 0.0, v_half = 0.0;
  for (size_t k = 0; k < steps; k++)
    {
      double t = fc_sde_grid_time (&grid, k), a = 1.0 - h / (1.0 - t);
      v = a * a * v + h * s3_diffusion (t, NULL) * s3_diffusion (t, NULL);
      if (k + 1 == 2)
        v_half = v;
    }
  fc_ck_assert_rel (v, 1.5, TOL_EPS (8), "discrete variance at t = 1");
  const double *sets[2] = { xs, x };
  const double vs[2] = { v_half, v };
  for (int j = 0; j < 2; j++)
    {
      double zm, zv, mean[2] = { 0.0, 0.0 };
      double cov[4] = { vs[j], 0.0, 0.0, vs[j] };
      double kurt[2] = { 3 * vs[j] * vs[j], 3 * vs[j] * vs[j] };
      ck_assert_int_eq (fc_stats_moment_z (n, dim, sets[j], mean, cov, kurt,
                                           &zm, &zv),
                        GSL_SUCCESS);
      ck_assert_msg (zm <= Z_MAX && zv <= Z_MAX,
                     "set %d: |z| of mean %g, of variance %g", j, zm, zv);
    }
  free (x);
  free (xs);
}
END_TEST

FC_CK_MAIN ("sde_law")
