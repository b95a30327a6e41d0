/* tests/check_sde_path.c -- the paths of batch Euler-Maruyama with
 * additive noise (fc_sde.h): coarse increments are sums of the fine ones,
 * runs with different steps share the Brownian path, a particle's path
 * depends neither on n nor on the thread count; save times return grid
 * states; the deterministic last step is drift only and makes the
 * Brownian bridge end exactly at x_T; every error path.  */
#include <config.h>


#include "sde_fixtures.h"
#include "fc_rng.h"

static int
zero_drift (double t, size_t n, const double *x, double *f, void *params)
{
  (void) t;
  (void) x;
  size_t dim = *(const size_t *) params;
  memset (f, 0, n * dim * sizeof (double));
  return GSL_SUCCESS;
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

/* ------------------------------------------------------------ paths */

/* The coarse increments of a run with 8 steps are the sums of the 64
   increments of a run with 64 steps on the same fine grid: r = 8 terms
   summed in two orders (scaled sum vs sum of scaled terms), round-off at
   most (r + 1) eps times the sum of their magnitudes.  */
FC_TEST ("paths", test_coarse_increments_are_sums_of_fine_increments)
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
FC_TEST ("paths", test_runs_with_different_steps_share_the_brownian_path)
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
FC_TEST ("paths", test_paths_depend_neither_on_threads_nor_on_n)
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
  int saved = set_threads (1);
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
FC_TEST ("paths", test_save_times_return_grid_states)
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
FC_TEST ("paths", test_deterministic_last_step_is_drift_only)
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
FC_TEST ("paths", test_bridge_ends_at_target_iff_last_step_deterministic)
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

/* ------------------------------------------------------------ errors */

/* The status of a run of SYS on GRID for the one particle X, nothing
   saved: the call every refused argument below is checked through.  */
static int
run1 (const fc_sde_system *sys, const fc_sde_grid *grid, double *x)
{
  return fc_sde_euler_maruyama (sys, grid, 1, x, 0, NULL, NULL);
}

FC_TEST ("errors", test_bad_arguments_are_rejected)
{
  size_t dimv = 1;
  double x[4] = { 0.381966, 0.1, 0.2, 0.3 }, xs[4], dw[8];
  fc_sde_system sys = { ou_drift, NULL, OU_S, 1, &dimv };
  fc_sde_grid ok = { 0.0, 1.0, 4, 8, 1UL, 0UL, 0 }, g;
  double t_ok = 0.5;

  ck_assert_int_eq (run1 (NULL, &ok, x), GSL_EINVAL);
  fc_sde_system nodrift = sys;
  nodrift.drift = NULL;
  ck_assert_int_eq (run1 (&nodrift, &ok, x), GSL_EINVAL);
  ck_assert_int_eq (run1 (&sys, NULL, x), GSL_EINVAL);
  ck_assert_int_eq (run1 (&sys, &ok, NULL), GSL_EINVAL);
  ck_assert_int_eq (fc_sde_euler_maruyama (&sys, &ok, 1, x, 1, NULL, xs),
                    GSL_EINVAL);
  ck_assert_int_eq (fc_sde_euler_maruyama (&sys, &ok, 1, x, 1, &t_ok, NULL),
                    GSL_EINVAL);
  fc_sde_system dim0 = sys;
  dim0.dim = 0;
  ck_assert_int_eq (run1 (&dim0, &ok, x), GSL_EDOM);
  g = ok;
  g.steps = 0;
  ck_assert_int_eq (run1 (&sys, &g, x), GSL_EDOM);
  ck_assert_int_eq (fc_sde_brownian_increments (&g, 1, 1, dw), GSL_EDOM);
  ck_assert (isnan (fc_sde_grid_time (&g, 0)));
  g = ok;
  g.fine_steps = 6;
  ck_assert_int_eq (run1 (&sys, &g, x), GSL_EINVAL);
  ck_assert_int_eq (fc_sde_brownian_increments (&g, 1, 1, dw), GSL_EINVAL);
  g = ok;
  g.t1 = 0.0;
  ck_assert_int_eq (run1 (&sys, &g, x), GSL_EDOM);
  g.t1 = -1.0;
  ck_assert_int_eq (run1 (&sys, &g, x), GSL_EDOM);
  g.t1 = GSL_POSINF;
  ck_assert_int_eq (run1 (&sys, &g, x), GSL_EDOM);
  g = ok;
  g.t0 = GSL_NAN;
  ck_assert_int_eq (run1 (&sys, &g, x), GSL_EDOM);
  fc_sde_system bad_sigma = sys;
  bad_sigma.sigma = GSL_NAN;
  ck_assert_int_eq (run1 (&bad_sigma, &ok, x), GSL_EDOM);
  fc_sde_system bad_g = sys;
  bad_g.diffusion = nan_diffusion;
  ck_assert_int_eq (run1 (&bad_g, &ok, x), GSL_EDOM);
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
FC_TEST ("errors", test_failing_drift_status_is_that_of_lowest_chunk)
{
  const size_t dim = 1, n = 4 * FC_RNG_CHUNK;
  size_t dimv = dim;
  fc_sde_system sys = { failing_drift, NULL, 0.1, dim, &dimv };
  fc_sde_grid grid = { 0.0, 1.0, 5, 5, 1UL, 0UL, 0 };
  double *x = calloc (n, sizeof (double));
  int saved = set_threads (1);
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

FC_CK_MAIN ("sde_path")
