/* tests/check_path.c -- the exact path kernel (fc_path.h) against the
 * independent reference (ref_path.c), against finite differences, and its
 * contracts (thread-count independence, errors).  CATALOG.md
 * "Conventions"; N "marginal vf induced by conditional vf".  */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>

#include "unit_fixtures.h"
#include "path_fixtures.h"
#include "fc_path.h"
#include "fc_rng.h"
#include "ref_path.h"

/* Random test mixtures: S_k = Q diag(lambda) Q^T with lambda in
   [LAM_MIN, LAM_MAX], so cond(C_k) = cond(alpha^2 S_k + sigma^2 I) <=
   LAM_MAX / LAM_MIN = KAPPA_MAX for every t.  */
#define LAM_MIN 0.3
#define LAM_MAX 2.0
#define KAPPA_MAX (LAM_MAX / LAM_MIN)

/* Kernel vs reference.  Both compute each quantity from Cholesky solves or
   diagonal divisions with C_k, whose relative error is bounded by
   ~ D eps cond(C_k); the log-densities carry an absolute error of ~ eps
   times the quadratic form (up to ~ 100 here: D = 16, points within a few
   standard deviations), which becomes a relative error of the
   responsibilities.  A few hundred eps times KAPPA_MAX (~ 6e-13) bounds
   that; TOL_PATH allows another factor 100 for the quadratic forms of the
   point-mass mixtures near t = 1 (c = sigma^2 = 0.01 at t = 0.9), which
   is 1e-10 relative.  Values are compared relative to the largest entry
   of the vector (absolute floor 1: the data are of unit scale, so a value
   near 0 is the cancellation of O(1) terms, and its error is that of the
   terms).  */
#define TOL_PATH (TOL_EPS (400) * KAPPA_MAX * 100)

static const fc_schedule all_s[]
  = { FC_SCHEDULE_LINEAR, FC_SCHEDULE_COSINE, FC_SCHEDULE_VP };
static const double all_t[] = { 0.0, 0.3, 0.999, 1.0 };

static fc_gmm *
make_mixture (size_t d, size_t nk, unsigned long seed)
{
  return path_mixture (d, nk, LAM_MIN, LAM_MAX, seed);
}

FC_TEST ("core", test_kernel_matches_reference_for_full_covariance_mixtures)
{
  const size_t dims[] = { 1, 2, 5, 16 };
  const size_t n = fc_under_valgrind () ? 9 : 37;
  double worst = 0.0;
  for (size_t id = 0; id < 4; id++)
    {
      fc_gmm *g = make_mixture (dims[id], 4, 11 + id);
      for (size_t is = 0; is < 3; is++)
        for (size_t it = 0; it < 4; it++)
          {
            double *x = make_points (g, all_s[is], all_t[it], n, 5 + it);
            for (int q = 0; q < FC_Q_COUNT; q++)
              worst = GSL_MAX (worst, compare_with_reference (
                                          g, all_s[is], all_t[it],
                                          (fc_quantity) q, n, x, TOL_PATH));
            free (x);
          }
      fc_gmm_free (g);
    }
  fprintf (stderr, "# kernel vs reference, full covariances: worst relative "
                   "difference %.3g (tolerance %.3g)\n", worst, TOL_PATH);
}
END_TEST

FC_TEST ("core", test_point_masses_match_reference_before_t1)
{
  const size_t nk = fc_under_valgrind () ? 200 : 2000, n = 13, d = 2;
  gsl_rng *r = fc_rng_alloc (3, 0);
  double *pts = malloc (nk * d * sizeof (double));
  for (size_t i = 0; i < nk * d; i++)
    pts[i] = 2.0 * gsl_ran_gaussian (r, 1.0);
  gsl_rng_free (r);
  fc_gmm *g = fc_gmm_point_masses (d, nk, pts, NULL);
  ck_assert_ptr_nonnull (g);
  const double ts[] = { 0.0, 0.3, 0.9 };
  double worst = 0.0;
  for (size_t is = 0; is < 3; is++)
    for (size_t it = 0; it < 3; it++)
      {
        double *x = make_points (g, all_s[is], ts[it], n, 7);
        for (int q = 0; q < FC_Q_COUNT; q++)
          worst = GSL_MAX (worst, compare_with_reference (
                                      g, all_s[is], ts[it], (fc_quantity) q,
                                      n, x, TOL_PATH));
        free (x);
      }
  fprintf (stderr, "# kernel vs reference, %zu point masses: worst relative "
                   "difference %.3g\n", nk, worst);
  free (pts);
  fc_gmm_free (g);
}
END_TEST

FC_TEST ("core", test_velocity_finite_at_t1_for_vp_and_linear)
{
  const size_t n = 21;
  fc_gmm *g = make_mixture (3, 5, 23);
  const fc_schedule ss[] = { FC_SCHEDULE_VP, FC_SCHEDULE_LINEAR };
  for (size_t is = 0; is < 2; is++)
    {
      double *x = make_points (g, ss[is], 1.0, n, 2);
      double u[21 * 3];
      ck_assert_int_eq (fc_path_eval (g, ss[is], 1.0, FC_Q_VELOCITY, n, x, u),
                        GSL_SUCCESS);
      for (size_t i = 0; i < n * 3; i++)
        ck_assert_msg (isfinite (u[i]), "%s velocity at t = 1 not finite",
                       fc_schedule_name (ss[is]));
      compare_with_reference (g, ss[is], 1.0, FC_Q_VELOCITY, n, x, TOL_PATH);
      free (x);
    }
  fc_gmm_free (g);
}
END_TEST

/* A mixture of one PD component and one with S = diag(1, 0). */
static fc_gmm *
make_half_singular (void)
{
  fc_gmm *g = fc_gmm_alloc (2, 2);
  const double m0[2] = { 0.381966, -1.2 }, c0[4] = { 1.3, 0.2, 0.2, 0.7 };
  const double m1[2] = { -0.9, 0.6180339 }, c1[4] = { 1.0, 0.0, 0.0, 0.0 };
  ck_assert_int_eq (fc_gmm_set_component (g, 0, 0.4, m0, c0), GSL_SUCCESS);
  ck_assert_int_eq (fc_gmm_set_component (g, 1, 0.6, m1, c1), GSL_SUCCESS);
  ck_assert_int_eq (fc_gmm_prepare (g), GSL_SUCCESS);
  return g;
}

FC_TEST ("core", test_singular_component_at_t1_is_a_domain_error)
{
  const double pts[6] = { 0.1, 0.2, -0.7, 1.1, 0.3, -0.4 };
  const double x[4] = { 0.25, -0.5, 1.5, 0.75 };
  double out[4];
  fc_gmm *pm = fc_gmm_point_masses (2, 3, pts, NULL);
  fc_gmm *hs = make_half_singular ();
  for (size_t is = 0; is < 3; is++)
    for (int q = 0; q < FC_Q_COUNT; q++)
      {
        ck_assert_int_eq (fc_path_eval (pm, all_s[is], 1.0, (fc_quantity) q, 2,
                                        x, out),
                          GSL_EDOM);
        ck_assert_int_eq (fc_path_eval (hs, all_s[is], 1.0, (fc_quantity) q, 2,
                                        x, out),
                          GSL_EDOM);
        /* Just before t = 1 the same mixture is fine.  */
        compare_with_reference (hs, all_s[is], 0.999, (fc_quantity) q, 2, x,
                                TOL_PATH);
      }
  fc_gmm_free (pm);
  fc_gmm_free (hs);
}
END_TEST

/* Largest |FD - exact| over the points, for step H: the central difference
   of log p (WHICH = 0, against the score) or the central-difference
   divergence of the velocity (WHICH = 1, against div).  */
static double
fd_error (const fc_gmm *g, fc_schedule s, double t, size_t n,
          const double *x, double h, int which)
{
  size_t d = g->dim, m = 2 * d * n;
  fc_quantity qf = which ? FC_Q_VELOCITY : FC_Q_LOGP;
  fc_quantity qe = which ? FC_Q_DIV : FC_Q_SCORE;
  size_t wf = fc_quantity_width (qf, d), we = fc_quantity_width (qe, d);
  double *xs = malloc (m * d * sizeof (double));
  double *f = malloc (m * wf * sizeof (double));
  double *e = malloc (n * we * sizeof (double));
  for (size_t p = 0; p < n; p++)
    for (size_t i = 0; i < d; i++)
      for (int sg = 0; sg < 2; sg++)
        {
          double *xp = xs + ((p * d + i) * 2 + sg) * d;
          memcpy (xp, x + p * d, d * sizeof (double));
          xp[i] += sg ? -h : h;
        }
  ck_assert_int_eq (fc_path_eval (g, s, t, qf, m, xs, f), GSL_SUCCESS);
  ck_assert_int_eq (fc_path_eval (g, s, t, qe, n, x, e), GSL_SUCCESS);
  double worst = 0.0, div = 0.0;
  for (size_t p = 0; p < n; p++, div = 0.0)
    {
      for (size_t i = 0; i < d; i++)
        {
          size_t j = (p * d + i) * 2;
          double fp = which ? f[j * d + i] : f[j];
          double fm = which ? f[(j + 1) * d + i] : f[j + 1];
          double fd = (fp - fm) / (2 * h);
          if (which)
            div += fd;
          else
            worst = GSL_MAX (worst, fabs (fd - e[p * d + i]));
        }
      if (which)
        worst = GSL_MAX (worst, fabs (div - e[p]));
    }
  free (xs);
  free (f);
  free (e);
  return worst;
}

/* The central difference has error h^2 f'''/6 + O(eps |f| / h): halving h
   must divide the error by ~4.  We require a factor 3 (order >= 1.58),
   unless the error is already at the round-off floor 64 eps F / h, with
   F = 50 bounding |log p| and |u| at these points.  A wrong score or
   divergence leaves an error that does not shrink, and fails.  */
static void
check_fd_order (int which)
{
  const double h = 1e-2, F = 50.0;
  fc_gmm *g = make_mixture (3, 6, 31);
  for (size_t is = 0; is < 3; is++)
    for (size_t it = 0; it < 3; it++)
      {
        double t = all_t[it] + 0.1; /* 0.1, 0.4, 1.099 -> clamp below */
        t = GSL_MIN (t, 0.95);
        double *x = make_points (g, all_s[is], t, 11, 9);
        double e1 = fd_error (g, all_s[is], t, 11, x, h, which);
        double e2 = fd_error (g, all_s[is], t, 11, x, h / 2, which);
        double floor = 64 * GSL_DBL_EPSILON * F / (h / 2);
        ck_assert_msg (e2 <= GSL_MAX (e1 / 3, floor),
                       "%s %s t=%g: FD error %.3g at h, %.3g at h/2",
                       which ? "div" : "score", fc_schedule_name (all_s[is]),
                       t, e1, e2);
        free (x);
      }
  fc_gmm_free (g);
}

FC_TEST ("core", test_score_is_gradient_of_log_density)
{
  check_fd_order (0);
}
END_TEST

FC_TEST ("core", test_div_is_divergence_of_velocity)
{
  check_fd_order (1);
}
END_TEST

/* x = alpha E[x1|x] + sigma E[x0|x] holds exactly in exact arithmetic;
   x1hat and x0hat each carry a relative error of ~ (D + K) eps cond(C_k)
   (back-transform, weights), so TOL_EPS(64) KAPPA_MAX relative to the
   largest of |x|, |alpha x1hat|, |sigma x0hat|.  */
FC_TEST ("core", test_x_is_alpha_x1hat_plus_sigma_x0hat)
{
  const size_t n = 29, d = 5;
  fc_gmm *g = make_mixture (d, 7, 41);
  for (size_t is = 0; is < 3; is++)
    for (size_t it = 0; it < 4; it++)
      {
        double t = all_t[it];
        fc_schedule_value v;
        fc_schedule_eval (all_s[is], t, &v);
        double *x = make_points (g, all_s[is], t, n, 13);
        double x1[29 * 5], x0[29 * 5];
        fc_path_out o = { 0 };
        o.x1hat = x1;
        o.x0hat = x0;
        ck_assert_int_eq (fc_path_eval_many (g, all_s[is], t, n, x, &o),
                          GSL_SUCCESS);
        for (size_t i = 0; i < n * d; i++)
          {
            double a = v.alpha * x1[i], b = v.sigma * x0[i];
            double scale = GSL_MAX (fabs (x[i]), GSL_MAX (fabs (a), fabs (b)));
            fc_ck_assert_abs (a + b, x[i], TOL_EPS (64) * KAPPA_MAX * scale,
                              "%s t=%g entry %zu", fc_schedule_name (all_s[is]),
                              t, i);
          }
        free (x);
      }
  fc_gmm_free (g);
}
END_TEST

/* At alpha = 0 every component has the law N(0, sigma^2 I): r_k = w_k
   exactly, so E[x1|x] = sum_k w_k mu_k for every x -- the same bits for
   every point -- and the score is -x / sigma^2 = -x.  */
FC_TEST ("core", test_t0_posterior_is_the_prior_weights)
{
  const size_t n = 17, d = 4;
  fc_gmm *g = make_mixture (d, 5, 43);
  double mbar[4] = { 0 };
  for (size_t k = 0; k < g->n_comp; k++)
    for (size_t i = 0; i < d; i++)
      mbar[i] += g->weight[k] * g->mean[k * d + i];
  const fc_schedule ss[] = { FC_SCHEDULE_LINEAR, FC_SCHEDULE_COSINE };
  for (size_t is = 0; is < 2; is++)
    {
      double *x = make_points (g, ss[is], 0.0, n, 17);
      double x1[17 * 4], sc[17 * 4];
      fc_path_out o = { 0 };
      o.x1hat = x1;
      o.score = sc;
      ck_assert_int_eq (fc_path_eval_many (g, ss[is], 0.0, n, x, &o),
                        GSL_SUCCESS);
      for (size_t p = 0; p < n; p++)
        {
          ck_assert (memcmp (x1, x1 + p * d, d * sizeof (double)) == 0);
          for (size_t i = 0; i < d; i++)
            {
              fc_ck_assert_abs (x1[p * d + i], mbar[i], TOL_EPS (16 * 5),
                                "x1hat at t = 0");
              fc_ck_assert_abs (sc[p * d + i], -x[p * d + i],
                                TOL_EPS (16 * 5) * GSL_MAX (1, fabs (x[p * d + i])),
                                "score at t = 0");
            }
        }
      free (x);
    }
  fc_gmm_free (g);
}
END_TEST

/* The contract of fc_path.h: results bitwise the same whatever the thread
   count, and each point's result independent of the chunking (here: the
   same points evaluated from an offset, which moves every point to another
   place in its chunk and so through other paths of the blocked products:
   D = 12 has an 8-wide column block and 4 columns left over).  N is not a
   multiple of any plausible chunk size.  Three cases: with the divergence
   (the eigenbasis form), without it at D = 12 (the Cholesky form's lane
   kernel, fc_path_small.h) and at D = 20 (its blocked products).  */
FC_LOOP_TEST ("core", test_results_bitwise_identical_for_one_and_two_threads,
              3)
{
  const size_t n = fc_under_valgrind () ? 203 : 1037, off = 5;
  const size_t d = _i == 2 ? 20 : 12;
  const int with_div = _i == 0;
  fc_gmm *g = make_mixture (d, 9, 47);
  size_t len = n * (2 + 4 * d);
  double *x = make_points (g, FC_SCHEDULE_COSINE, 0.6180339, n, 19);
  double *b1 = malloc (len * sizeof (double));
  double *b2 = malloc (len * sizeof (double));
  double *b3 = malloc (len * sizeof (double));
  int saved = set_threads (1);
  eval_all (g, FC_SCHEDULE_COSINE, 0.6180339, n, x, b1, with_div);
  set_threads (2);
  eval_all (g, FC_SCHEDULE_COSINE, 0.6180339, n, x, b2, with_div);
  eval_all (g, FC_SCHEDULE_COSINE, 0.6180339, n - off, x + off * d, b3,
            with_div);
  set_threads (saved);
  ck_assert_msg (memcmp (b1, b2, len * sizeof (double)) == 0,
                 "1 and 2 threads differ");
  size_t m = n - off;
  for (size_t p = 0; p < m; p++)
    {
      ck_assert (b3[p] == b1[off + p]);           /* logp */
      ck_assert (b3[m + p] == b1[n + off + p]);   /* div */
      for (size_t j = 0; j < 4; j++)              /* vector quantities */
        ck_assert (memcmp (b3 + 2 * m + j * m * d + p * d,
                           b1 + 2 * n + j * n * d + (off + p) * d,
                           d * sizeof (double)) == 0);
    }
  free (x);
  free (b1);
  free (b2);
  free (b3);
  fc_gmm_free (g);
}
END_TEST

/* Weights 1e-300 and 1e30 are valid (finite, > 0), but the first one's
   ratio to the largest underflows to 0 in fc_gmm_prepare (log w = -inf):
   that component carries no mass, and the path is the other component's.
   Both routes add the same terms (the first ones exactly 0): TOL_EPS(4)
   relative to max(1, |value|).  */
FC_TEST ("core", test_component_with_underflowed_weight_carries_no_mass)
{
  const double mu[4] = { 1.0, 0.0, -1.0, 0.5 };
  const double cov[4] = { 0.3, 0.1, 0.1, 0.2 };
  const double x[4] = { 0.381966, -0.2, -1.1, 0.7 };
  fc_gmm *g = fc_gmm_alloc (2, 2), *one = fc_gmm_alloc (2, 1);
  ck_assert_int_eq (fc_gmm_set_component (g, 0, 1e-300, mu, cov), GSL_SUCCESS);
  ck_assert_int_eq (fc_gmm_set_component (g, 1, 1e30, mu + 2, cov),
                    GSL_SUCCESS);
  ck_assert_int_eq (fc_gmm_set_component (one, 0, 1.0, mu + 2, cov),
                    GSL_SUCCESS);
  ck_assert_int_eq (fc_gmm_prepare (g), GSL_SUCCESS);
  ck_assert_int_eq (fc_gmm_prepare (one), GSL_SUCCESS);
  ck_assert (g->log_weight[0] == -INFINITY);
  for (int q = 0; q < FC_Q_COUNT; q++)
    {
      double a[4], b[4];
      size_t w = fc_quantity_width ((fc_quantity) q, 2);
      ck_assert_int_eq (fc_path_eval (g, FC_SCHEDULE_COSINE, 0.381966,
                                      (fc_quantity) q, 2, x, a),
                        GSL_SUCCESS);
      ck_assert_int_eq (fc_path_eval (one, FC_SCHEDULE_COSINE, 0.381966,
                                      (fc_quantity) q, 2, x, b),
                        GSL_SUCCESS);
      for (size_t i = 0; i < 2 * w; i++)
        fc_ck_assert_abs (a[i], b[i], TOL_EPS (4) * GSL_MAX (1.0, fabs (b[i])),
                          "%s entry %zu", fc_quantity_name ((fc_quantity) q),
                          i);
    }
  fc_gmm_free (one);
  fc_gmm_free (g);
}
END_TEST

FC_TEST ("core", test_bad_time_and_bad_input_are_errors)
{
  fc_gmm *g = make_mixture (2, 3, 53);
  double x[4] = { 0.3, -0.2, 1.1, 0.4 }, out[4];
  const double bad_t[] = { -0.01, 1.0 + GSL_DBL_EPSILON, NAN };
  for (size_t j = 0; j < 3; j++)
    for (int q = 0; q < FC_Q_COUNT; q++)
      ck_assert_int_eq (fc_path_eval (g, FC_SCHEDULE_VP, bad_t[j],
                                      (fc_quantity) q, 2, x, out),
                        GSL_EDOM);
  const double bad_x[] = { NAN, INFINITY, -INFINITY };
  for (size_t j = 0; j < 3; j++)
    {
      x[3] = bad_x[j];
      for (int q = 0; q < FC_Q_COUNT; q++)
        ck_assert_int_eq (fc_path_eval (g, FC_SCHEDULE_LINEAR, 0.5,
                                        (fc_quantity) q, 2, x, out),
                          GSL_EBADFUNC);
    }
  /* A point so far out that every quadratic form overflows is reported,
     not returned as NaN silently.  */
  x[3] = 1e200;
  ck_assert_int_eq (fc_path_eval (g, FC_SCHEDULE_LINEAR, 0.5, FC_Q_SCORE, 2,
                                  x, out),
                    GSL_EOVRFLW);
  ck_assert_int_eq (fc_path_eval (g, FC_SCHEDULE_LINEAR, 0.5, FC_Q_COUNT, 2,
                                  x, out),
                    GSL_EINVAL);
  fc_gmm *raw = fc_gmm_alloc (2, 1); /* not prepared */
  x[3] = 0.4;
  ck_assert_int_eq (fc_path_eval (raw, FC_SCHEDULE_LINEAR, 0.5, FC_Q_LOGP, 2,
                                  x, out),
                    GSL_EINVAL);
  fc_gmm_free (raw);
  fc_gmm_free (g);
}
END_TEST

FC_TEST ("core", test_quantity_names_and_widths)
{
  fc_quantity q;
  for (int i = 0; i < FC_Q_COUNT; i++)
    {
      ck_assert_int_eq (fc_quantity_parse (fc_quantity_name ((fc_quantity) i),
                                           &q),
                        GSL_SUCCESS);
      ck_assert_int_eq (q, i);
    }
  ck_assert_str_eq (fc_quantity_name (FC_Q_X1HAT), "x1hat");
  ck_assert_int_eq (fc_quantity_parse ("velocities", &q), GSL_EINVAL);
  ck_assert_uint_eq (fc_quantity_width (FC_Q_LOGP, 7), 1);
  ck_assert_uint_eq (fc_quantity_width (FC_Q_DIV, 7), 1);
  ck_assert_uint_eq (fc_quantity_width (FC_Q_VELOCITY, 7), 7);
}
END_TEST

FC_CK_MAIN ("path")
