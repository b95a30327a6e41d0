/* tests/check_sde.c -- batch Euler-Maruyama with additive noise (fc_sde.h).
 *
 * Claims: the integrator reproduces the DISCRETE law of Euler-Maruyama on
 * Ornstein-Uhlenbeck (a Gaussian recursion, so its mean and variance are
 * closed forms: this tests the implementation, not the scheme); that law
 * has weak order 1 against the exact law; on the same Brownian paths the
 * strong error against a fine-step reference has order 1 (additive noise:
 * Euler-Maruyama coincides with Milstein), for a linear and a nonlinear
 * drift; coarse increments are sums of the fine ones, a particle's path
 * depends neither on n nor on the thread count; save times return grid
 * states; the last step can be made deterministic, which makes the
 * Brownian bridge end exactly at x_T, while plain Euler-Maruyama misses it
 * by the last increment (order 1/2, claim H3); the drift is never
 * evaluated at t1; the SDE of claim S3 from a point mass has the marginal
 * N(0, t^2 I); every error path.
 *
 * Ornstein-Uhlenbeck dX = -theta X dt + s dW, step h, a = 1 - theta h:
 *   X_k = a^k x0 + s sum_j a^(k-1-j) dW_j,
 *   E X_k = a^k x0,   Var X_k = s^2 h (1 - a^(2k)) / (1 - a^2),
 * against the exact E X_t = e^(-theta t) x0,
 *   Var X_t = s^2 (1 - e^(-2 theta t)) / (2 theta).  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include <gsl/gsl_math.h>

#include "fc_check.h"
#include "fc_fd.h"
#include "fc_rng.h"
#include "fc_sde.h"
#include "fc_stats.h"

#define OU_THETA 1.381966
#define OU_S 0.7236068

/* ------------------------------------------------------------ fixtures */

static int
ou_drift (double t, size_t n, const double *x, double *f, void *params)
{
  (void) t;
  size_t dim = *(const size_t *) params;
  for (size_t q = 0; q < n * dim; q++)
    f[q] = -OU_THETA * x[q];
  return GSL_SUCCESS;
}

/* The double-well drift x - x^3 (claim H1 (c)), coordinatewise.  */
static int
well_drift (double t, size_t n, const double *x, double *f, void *params)
{
  (void) t;
  size_t dim = *(const size_t *) params;
  for (size_t q = 0; q < n * dim; q++)
    f[q] = x[q] - x[q] * x[q] * x[q];
  return GSL_SUCCESS;
}

static int
zero_drift (double t, size_t n, const double *x, double *f, void *params)
{
  (void) t;
  (void) x;
  size_t dim = *(const size_t *) params;
  memset (f, 0, n * dim * sizeof (double));
  return GSL_SUCCESS;
}

/* Brownian bridge to XT at time T: drift (x_T - x) / (T - t), singular at
   T.  An evaluation at t >= T is reported as GSL_EDOM, so a test fails if
   the integrator ever evaluates the drift at the final time.  */
typedef struct
{
  size_t dim;
  double T;
  const double *xT;
} bridge_params;

static int
bridge_drift (double t, size_t n, const double *x, double *f, void *params)
{
  const bridge_params *b = params;
  if (!(t < b->T))
    return GSL_EDOM;
  for (size_t i = 0; i < n; i++)
    for (size_t d = 0; d < b->dim; d++)
      f[i * b->dim + d] = (b->xT[d] - x[i * b->dim + d]) / (b->T - t);
  return GSL_SUCCESS;
}

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

static double
nan_diffusion (double t, void *params)
{
  (void) params;
  return t > 0.5 ? GSL_NAN : 1.0;
}

/* Fails with GSL_ERANGE on a particle whose first coordinate exceeds 100
   and with GSL_EDOM below -100.  */
static int
failing_drift (double t, size_t n, const double *x, double *f, void *params)
{
  (void) t;
  size_t dim = *(const size_t *) params;
  for (size_t i = 0; i < n; i++)
    {
      if (x[i * dim] > 100.0)
        return GSL_ERANGE;
      if (x[i * dim] < -100.0)
        return GSL_EDOM;
    }
  memset (f, 0, n * dim * sizeof (double));
  return GSL_SUCCESS;
}

/* N copies of the point X0 (D).  */
static double *
replicate (size_t n, size_t dim, const double *x0)
{
  double *x = malloc (n * dim * sizeof (double));
  ck_assert_ptr_nonnull (x);
  for (size_t i = 0; i < n; i++)
    memcpy (x + i * dim, x0, dim * sizeof (double));
  return x;
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

static void
set_threads (int k)
{
#ifdef _OPENMP
  omp_set_num_threads (k);
#else
  (void) k;
#endif
}

static int
get_threads (void)
{
#ifdef _OPENMP
  return omp_get_max_threads ();
#else
  return 1;
#endif
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
START_TEST (test_sample_moments_match_discrete_ou_law)
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
START_TEST (test_discrete_ou_law_has_weak_order_one)
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
  for (int j = 0; j < NH; j++)
    {
      grid.steps = (size_t) 8 << j;
      hs[j] = 1.0 / (double) grid.steps;
      double *x = replicate (n, dim, &x0);
      ck_assert_int_eq (fc_sde_euler_maruyama (&sys, &grid, n, x, 0, NULL,
                                               NULL),
                        GSL_SUCCESS);
      for (size_t i = 0; i < n; i++)
        d[j * n + i] = fabs (x[i] - ref[i]);
      err[j] = mean_abs_diff (n, dim, x, ref);
      free (x);
    }
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

START_TEST (test_strong_order_one_for_additive_noise_ou)
{
  double band;
  double order = strong_order (ou_drift, OU_S, 0.381966, &band);
  fc_ck_assert_abs (order, 1.0, band, "strong order, OU");
}
END_TEST

START_TEST (test_strong_order_one_for_additive_noise_double_well)
{
  double band;
  double order = strong_order (well_drift, 0.5, 0.381966, &band);
  fc_ck_assert_abs (order, 1.0, band, "strong order, double well");
}
END_TEST

/* ------------------------------------------------------------ paths */

/* The coarse increments of a run with 8 steps are the sums of the 64
   increments of a run with 64 steps on the same fine grid: r = 8 terms
   summed in two orders (scaled sum vs sum of scaled terms), round-off at
   most (r + 1) eps times the sum of their magnitudes.  */
START_TEST (test_coarse_increments_are_sums_of_fine_increments)
{
  const size_t dim = 3, n = FC_RNG_CHUNK + 5, fine = 64, coarse = 8;
  const size_t r = fine / coarse;
  fc_sde_grid gf = { 0.236068, 1.0, fine, fine, 5UL, 3UL, 0 };
  fc_sde_grid gc = gf;
  gc.steps = coarse;
  double *dwf = malloc (fine * n * dim * sizeof (double));
  double *dwc = malloc (coarse * n * dim * sizeof (double));
  ck_assert_int_eq (fc_sde_brownian_increments (&gf, dim, n, dwf),
                    GSL_SUCCESS);
  ck_assert_int_eq (fc_sde_brownian_increments (&gc, dim, n, dwc),
                    GSL_SUCCESS);
  for (size_t k = 0; k < coarse; k++)
    for (size_t q = 0; q < n * dim; q++)
      {
        double s = 0.0, a = 0.0;
        for (size_t j = k * r; j < (k + 1) * r; j++)
          {
            s += dwf[j * n * dim + q];
            a += fabs (dwf[j * n * dim + q]);
          }
        fc_ck_assert_abs (dwc[k * n * dim + q], s, TOL_EPS (r + 1) * a,
                          "step %zu, entry %zu", k, q);
      }
  free (dwf);
  free (dwc);
}
END_TEST

/* With zero drift and constant sigma the final state is x0 + sigma W(t1)
   for every step count on the same fine grid: runs with 1, 4 and 64 steps
   agree to the round-off of summing the 64 fine increments in groups
   (64 + 2 roundings of terms bounded by |x0| + sigma sum |dW_fine|).  */
START_TEST (test_runs_with_different_steps_share_the_brownian_path)
{
  const size_t dim = 2, n = 300, fine = 64;
  const double x0[2] = { 0.381966, -0.618034 }, sigma = 1.381966;
  size_t dimv = dim;
  fc_sde_system sys = { zero_drift, NULL, sigma, dim, &dimv };
  fc_sde_grid grid = { -0.5, 0.75, fine, fine, 11UL, 0UL, 0 };
  double *dwf = malloc (fine * n * dim * sizeof (double));
  ck_assert_int_eq (fc_sde_brownian_increments (&grid, dim, n, dwf),
                    GSL_SUCCESS);
  const size_t steps[3] = { 1, 4, 64 };
  for (int s = 0; s < 3; s++)
    {
      grid.steps = steps[s];
      double *x = replicate (n, dim, x0);
      ck_assert_int_eq (fc_sde_euler_maruyama (&sys, &grid, n, x, 0, NULL,
                                               NULL),
                        GSL_SUCCESS);
      for (size_t q = 0; q < n * dim; q++)
        {
          double w = 0.0, a = 0.0;
          for (size_t j = 0; j < fine; j++)
            {
              w += dwf[j * n * dim + q];
              a += fabs (dwf[j * n * dim + q]);
            }
          fc_ck_assert_abs (x[q], x0[q % dim] + sigma * w,
                            TOL_EPS (fine + 2) * (fabs (x0[q % dim])
                                                  + sigma * a),
                            "%zu steps, entry %zu", steps[s], q);
        }
      free (x);
    }
  free (dwf);
}
END_TEST

/* Bitwise: 1 thread vs 2 threads, and the first particles of a smaller
   batch vs the same particles of a larger one (a path depends on the
   particle's index only, fc_sde.h).  */
START_TEST (test_paths_depend_neither_on_threads_nor_on_n)
{
  const size_t dim = 2, n = 2 * FC_RNG_CHUNK + 37, m = FC_RNG_CHUNK + 3;
  const double x0[2] = { 0.381966, -0.618034 };
  size_t dimv = dim;
  fc_sde_system sys = { well_drift, NULL, 0.7236068, dim, &dimv };
  fc_sde_grid grid = { 0.0, 1.0, 10, 30, 99UL, 7UL, 0 };
  double ts = fc_sde_grid_time (&grid, 5);
  double *a = replicate (n, dim, x0), *b = replicate (n, dim, x0);
  double *c = replicate (m, dim, x0);
  double *sa = malloc (n * dim * sizeof (double));
  double *sb = malloc (n * dim * sizeof (double));
  int saved = get_threads ();
  set_threads (1);
  ck_assert_int_eq (fc_sde_euler_maruyama (&sys, &grid, n, a, 1, &ts, sa),
                    GSL_SUCCESS);
  set_threads (2);
  ck_assert_int_eq (fc_sde_euler_maruyama (&sys, &grid, n, b, 1, &ts, sb),
                    GSL_SUCCESS);
  ck_assert_int_eq (fc_sde_euler_maruyama (&sys, &grid, m, c, 0, NULL, NULL),
                    GSL_SUCCESS);
  set_threads (saved);
  ck_assert_int_eq (memcmp (a, b, n * dim * sizeof (double)), 0);
  ck_assert_int_eq (memcmp (sa, sb, n * dim * sizeof (double)), 0);
  ck_assert_int_eq (memcmp (a, c, m * dim * sizeof (double)), 0);
  /* And the paths are random: the runs did move the particles apart.  */
  ck_assert (a[0] != a[dim]);
  free (a);
  free (b);
  free (c);
  free (sa);
  free (sb);
}
END_TEST

/* ------------------------------------------------------------ save times */

/* Save times in any order: t0 gives the initial states, t1 the final
   ones, and t_2 the final states of a run on [t0, t_2] with 2 steps and
   the same fine step (a dyadic grid, so the step and the fine scale are
   the same doubles and the states agree bitwise).  A literal written
   differently from the grid formula (0.1 + 0.3 vs t0 + 3 (t1 - t0) / 10)
   still matches.  */
START_TEST (test_save_times_return_grid_states)
{
  const size_t dim = 2, n = 40;
  const double x0[2] = { 0.381966, -1.236068 };
  size_t dimv = dim;
  fc_sde_system sys = { ou_drift, NULL, OU_S, dim, &dimv };
  fc_sde_grid grid = { 0.0, 2.0, 8, 32, 3UL, 0UL, 0 };
  const double ts[3] = { 2.0, 0.0, 0.5 };
  double *x = replicate (n, dim, x0), *y = replicate (n, dim, x0);
  double *xs = malloc (3 * n * dim * sizeof (double));
  ck_assert_int_eq (fc_sde_euler_maruyama (&sys, &grid, n, x, 3, ts, xs),
                    GSL_SUCCESS);
  ck_assert_int_eq (memcmp (xs, x, n * dim * sizeof (double)), 0);
  ck_assert_int_eq (memcmp (xs + n * dim, y, n * dim * sizeof (double)), 0);
  fc_sde_grid part = { 0.0, 0.5, 2, 8, 3UL, 0UL, 0 };
  ck_assert_int_eq (fc_sde_euler_maruyama (&sys, &part, n, y, 0, NULL, NULL),
                    GSL_SUCCESS);
  ck_assert_int_eq (memcmp (xs + 2 * n * dim, y, n * dim * sizeof (double)),
                    0);
  ck_assert (fc_sde_grid_time (&grid, 8) == 2.0);
  ck_assert (isnan (fc_sde_grid_time (&grid, 9)));

  fc_sde_grid g10 = { 0.1, 1.1, 10, 10, 3UL, 0UL, 0 };
  const double lit = 0.1 + 0.3;
  ck_assert_int_eq (fc_sde_euler_maruyama (&sys, &g10, n, x, 1, &lit, xs),
                    GSL_SUCCESS);
  free (x);
  free (y);
  free (xs);
}
END_TEST

/* ------------------------------------------------------------ last step */

/* With the deterministic last step the final state is
   X_{K-1} + h f(t_{K-1}, X_{K-1}) bitwise (the integrator's own formula,
   recomputed here from the saved X_{K-1}).  */
START_TEST (test_deterministic_last_step_is_drift_only)
{
  const size_t dim = 2, n = 50, steps = 7;
  const double x0[2] = { 0.381966, -1.236068 };
  size_t dimv = dim;
  fc_sde_system sys = { ou_drift, NULL, OU_S, dim, &dimv };
  fc_sde_grid grid = { 0.1180340, 1.0, steps, 3 * steps, 8UL, 0UL, 1 };
  double ts = fc_sde_grid_time (&grid, steps - 1);
  double *x = replicate (n, dim, x0);
  double *xs = malloc (n * dim * sizeof (double));
  double *f = malloc (n * dim * sizeof (double));
  ck_assert_int_eq (fc_sde_euler_maruyama (&sys, &grid, n, x, 1, &ts, xs),
                    GSL_SUCCESS);
  ou_drift (ts, n, xs, f, &dimv);
  double h = (grid.t1 - grid.t0) / (double) steps;
  for (size_t q = 0; q < n * dim; q++)
    {
      double expect = xs[q];
      expect += h * f[q];
      ck_assert_msg (x[q] == expect, "entry %zu: %.17g vs %.17g", q, x[q],
                     expect);
    }
  free (x);
  free (xs);
  free (f);
}
END_TEST

/* The Brownian bridge to x_T at T = 1 (drift singular there; the fixture
   fails if evaluated at T).  With the deterministic last step
   h (x_T - X)/(T - t_{K-1}) = x_T - X, so X_K = x_T up to the rounding of
   X + (x_T - X): 2 eps (|X| + |x_T|).  Without it X_K - x_T is the last
   increment sigma dW_{K-1}, to the same rounding (plus that of adding
   sigma dW): the endpoint error of plain Euler-Maruyama is exactly the
   last step's noise, of order h^{1/2} (claim H3).  */
START_TEST (test_bridge_ends_at_target_iff_last_step_deterministic)
{
  const size_t dim = 2, n = 300, steps = 16;
  const double x0[2] = { 0.0, 0.0 }, xT[2] = { 0.381966, -0.618034 };
  const double sigma = 0.7236068;
  bridge_params bp = { dim, 1.0, xT };
  fc_sde_system sys = { bridge_drift, NULL, sigma, dim, &bp };
  fc_sde_grid grid = { 0.0, 1.0, steps, 4 * steps, 21UL, 0UL, 1 };
  double ts = fc_sde_grid_time (&grid, steps - 1);
  double *x = replicate (n, dim, x0), *y = replicate (n, dim, x0);
  double *xs = malloc (n * dim * sizeof (double));
  double *dw = malloc (steps * n * dim * sizeof (double));
  ck_assert_int_eq (fc_sde_euler_maruyama (&sys, &grid, n, x, 1, &ts, xs),
                    GSL_SUCCESS);
  for (size_t q = 0; q < n * dim; q++)
    fc_ck_assert_abs (x[q], xT[q % dim],
                      TOL_EPS (2) * (fabs (xs[q]) + fabs (xT[q % dim])),
                      "deterministic endpoint, entry %zu", q);
  grid.deterministic_last_step = 0;
  ck_assert_int_eq (fc_sde_euler_maruyama (&sys, &grid, n, y, 1, &ts, xs),
                    GSL_SUCCESS);
  ck_assert_int_eq (fc_sde_brownian_increments (&grid, dim, n, dw),
                    GSL_SUCCESS);
  const double *last = dw + (steps - 1) * n * dim;
  for (size_t q = 0; q < n * dim; q++)
    fc_ck_assert_abs (y[q] - xT[q % dim], sigma * last[q],
                      TOL_EPS (4) * (fabs (xs[q]) + fabs (xT[q % dim])
                                     + sigma * fabs (last[q])),
                      "plain endpoint, entry %zu", q);
  free (x);
  free (y);
  free (xs);
  free (dw);
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
START_TEST (test_bridge_endpoint_error_has_order_one_half)
{
  enum { NH = 5 };
  const size_t dim = 1, n = fc_under_valgrind () ? 300 : 3000;
  const double x0 = 0.0, xT = 0.381966, sigma = 0.7236068;
  bridge_params bp = { dim, 1.0, &xT };
  fc_sde_system sys = { bridge_drift, NULL, sigma, dim, &bp };
  fc_sde_grid grid = { 0.0, 1.0, 8, 128, 31UL, 0UL, 0 };
  double hs[NH], err[NH], order, log_c, se;
  double *target = replicate (n, dim, &xT);
  for (int j = 0; j < NH; j++)
    {
      grid.steps = (size_t) 8 << j;
      hs[j] = 1.0 / (double) grid.steps;
      double *x = replicate (n, dim, &x0);
      ck_assert_int_eq (fc_sde_euler_maruyama (&sys, &grid, n, x, 0, NULL,
                                               NULL),
                        GSL_SUCCESS);
      err[j] = mean_abs_diff (n, dim, x, target);
      free (x);
    }
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
START_TEST (test_s3_sde_from_point_mass_has_marginal_t_squared)
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
START_TEST (test_s3_sde_reaches_t1_with_left_end_evaluations)
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

/* ------------------------------------------------------------ errors */

START_TEST (test_bad_arguments_are_rejected)
{
  size_t dimv = 1;
  double x[4] = { 0.381966, 0.1, 0.2, 0.3 }, xs[4], dw[8];
  fc_sde_system sys = { ou_drift, NULL, OU_S, 1, &dimv };
  fc_sde_grid ok = { 0.0, 1.0, 4, 8, 1UL, 0UL, 0 }, g;
  double t_ok = 0.5;

  ck_assert_int_eq (fc_sde_euler_maruyama (NULL, &ok, 1, x, 0, NULL, NULL),
                    GSL_EINVAL);
  fc_sde_system nodrift = sys;
  nodrift.drift = NULL;
  ck_assert_int_eq (fc_sde_euler_maruyama (&nodrift, &ok, 1, x, 0, NULL,
                                           NULL),
                    GSL_EINVAL);
  ck_assert_int_eq (fc_sde_euler_maruyama (&sys, NULL, 1, x, 0, NULL, NULL),
                    GSL_EINVAL);
  ck_assert_int_eq (fc_sde_euler_maruyama (&sys, &ok, 1, NULL, 0, NULL,
                                           NULL),
                    GSL_EINVAL);
  ck_assert_int_eq (fc_sde_euler_maruyama (&sys, &ok, 1, x, 1, NULL, xs),
                    GSL_EINVAL);
  ck_assert_int_eq (fc_sde_euler_maruyama (&sys, &ok, 1, x, 1, &t_ok, NULL),
                    GSL_EINVAL);
  fc_sde_system dim0 = sys;
  dim0.dim = 0;
  ck_assert_int_eq (fc_sde_euler_maruyama (&dim0, &ok, 1, x, 0, NULL, NULL),
                    GSL_EDOM);
  g = ok;
  g.steps = 0;
  ck_assert_int_eq (fc_sde_euler_maruyama (&sys, &g, 1, x, 0, NULL, NULL),
                    GSL_EDOM);
  ck_assert_int_eq (fc_sde_brownian_increments (&g, 1, 1, dw), GSL_EDOM);
  ck_assert (isnan (fc_sde_grid_time (&g, 0)));
  g = ok;
  g.fine_steps = 6;
  ck_assert_int_eq (fc_sde_euler_maruyama (&sys, &g, 1, x, 0, NULL, NULL),
                    GSL_EINVAL);
  ck_assert_int_eq (fc_sde_brownian_increments (&g, 1, 1, dw), GSL_EINVAL);
  g = ok;
  g.t1 = 0.0;
  ck_assert_int_eq (fc_sde_euler_maruyama (&sys, &g, 1, x, 0, NULL, NULL),
                    GSL_EDOM);
  g.t1 = -1.0;
  ck_assert_int_eq (fc_sde_euler_maruyama (&sys, &g, 1, x, 0, NULL, NULL),
                    GSL_EDOM);
  g.t1 = GSL_POSINF;
  ck_assert_int_eq (fc_sde_euler_maruyama (&sys, &g, 1, x, 0, NULL, NULL),
                    GSL_EDOM);
  g = ok;
  g.t0 = GSL_NAN;
  ck_assert_int_eq (fc_sde_euler_maruyama (&sys, &g, 1, x, 0, NULL, NULL),
                    GSL_EDOM);
  fc_sde_system bad_sigma = sys;
  bad_sigma.sigma = GSL_NAN;
  ck_assert_int_eq (fc_sde_euler_maruyama (&bad_sigma, &ok, 1, x, 0, NULL,
                                           NULL),
                    GSL_EDOM);
  fc_sde_system bad_g = sys;
  bad_g.diffusion = nan_diffusion;
  ck_assert_int_eq (fc_sde_euler_maruyama (&bad_g, &ok, 1, x, 0, NULL, NULL),
                    GSL_EDOM);
  /* Save times: between grid points, outside the interval, NaN.  */
  double t_bad[3] = { 0.3, 1.25, GSL_NAN };
  ck_assert_int_eq (fc_sde_euler_maruyama (&sys, &ok, 1, x, 1, &t_bad[0],
                                           xs),
                    GSL_EINVAL);
  ck_assert_int_eq (fc_sde_euler_maruyama (&sys, &ok, 1, x, 1, &t_bad[1],
                                           xs),
                    GSL_EDOM);
  ck_assert_int_eq (fc_sde_euler_maruyama (&sys, &ok, 1, x, 1, &t_bad[2],
                                           xs),
                    GSL_EDOM);
  ck_assert_int_eq (fc_sde_brownian_increments (&ok, 1, 1, NULL), GSL_EINVAL);
  ck_assert_int_eq (fc_sde_brownian_increments (&ok, 0, 1, dw), GSL_EDOM);
  /* The rejected calls left X alone; n = 0 is a successful no-op.  */
  ck_assert (x[0] == 0.381966);
  ck_assert_int_eq (fc_sde_euler_maruyama (&sys, &ok, 0, NULL, 0, NULL, NULL),
                    GSL_SUCCESS);
}
END_TEST

/* A failing drift aborts the run with its own status: that of the lowest
   failing chunk (chunk 1 fails with GSL_ERANGE, chunk 3 with GSL_EDOM),
   for 1 and 2 threads.  */
START_TEST (test_failing_drift_status_is_that_of_lowest_chunk)
{
  const size_t dim = 1, n = 4 * FC_RNG_CHUNK;
  size_t dimv = dim;
  fc_sde_system sys = { failing_drift, NULL, 0.1, dim, &dimv };
  fc_sde_grid grid = { 0.0, 1.0, 5, 5, 1UL, 0UL, 0 };
  double *x = calloc (n, sizeof (double));
  int saved = get_threads ();
  for (int threads = 1; threads <= 2; threads++)
    {
      set_threads (threads);
      for (size_t i = 0; i < n; i++)
        x[i] = 0.0;
      x[FC_RNG_CHUNK + 7] = 1000.0;
      x[3 * FC_RNG_CHUNK] = -1000.0;
      ck_assert_int_eq (fc_sde_euler_maruyama (&sys, &grid, n, x, 0, NULL,
                                               NULL),
                        GSL_ERANGE);
    }
  set_threads (saved);
  free (x);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("sde");
  FC_CK_CASE (s, "law", test_sample_moments_match_discrete_ou_law,
              test_discrete_ou_law_has_weak_order_one,
              test_s3_sde_from_point_mass_has_marginal_t_squared,
              test_s3_sde_reaches_t1_with_left_end_evaluations);
  FC_CK_CASE (s, "orders", test_strong_order_one_for_additive_noise_ou,
              test_strong_order_one_for_additive_noise_double_well,
              test_bridge_endpoint_error_has_order_one_half);
  FC_CK_CASE (s, "paths", test_coarse_increments_are_sums_of_fine_increments,
              test_runs_with_different_steps_share_the_brownian_path,
              test_paths_depend_neither_on_threads_nor_on_n,
              test_save_times_return_grid_states,
              test_deterministic_last_step_is_drift_only,
              test_bridge_ends_at_target_iff_last_step_deterministic);
  FC_CK_CASE (s, "errors", test_bad_arguments_are_rejected,
              test_failing_drift_status_is_that_of_lowest_chunk);
  return fc_run_suite (s);
}
