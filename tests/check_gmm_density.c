/* tests/check_gmm_density.c -- the log density, score and
 * responsibilities of a Gaussian mixture (fc_gmm.h) against explicit
 * inverses and direct sums, finite differences and Bayes' rule, far in
 * the tail, and for any thread count.  */
#include <config.h>

#include <string.h>
#include <gsl/gsl_deriv.h>

#include "gmm_fixtures.h"
#include "fc_rng.h"

/* Test points, 2-D and 3-D.  */
static const double X2[10] = { 0.381966, -0.2, 1.9, 1.1, -2.3, 0.7,
                               0.05, 3.1, -0.6, -1.7 };
static const double X3[12] = { 0.381966, -0.2, 0.9, 1.9, 1.1, -0.3,
                               -2.3, 0.7, 1.6, 0.05, -1.2, -0.8 };

/* The fixture mixtures (3 components) of dimension D and their N test
   points: the cases of the loop tests below, 2-D then 3-D.  */
typedef struct
{
  size_t d;
  const double *w, *mu, *s, *x;
  size_t n;
} fixture;

static const fixture fixtures[] = { { 2, W2, MU2, S2, X2, 5 },
                                    { 3, W3, MU3, S3, X3, 4 } };
#define N_FIXTURES ((int) (sizeof fixtures / sizeof fixtures[0]))

/* -------------------------------------------- independent direct formulas */

/* log N(x; mu, S) in 2-D with the explicit inverse and determinant.  */
static double
direct_logn_2d (const double *x, const double *mu, const double *s)
{
  double a = s[0], b = s[1], c = s[3], det = a * c - b * b;
  double u = x[0] - mu[0], v = x[1] - mu[1];
  double q = (c * u * u - 2.0 * b * u * v + a * v * v) / det;
  return -log (2.0 * M_PI) - 0.5 * log (det) - 0.5 * q;
}

/* log N(x; mu, S) in 3-D with the adjugate inverse and the rule of
   Sarrus.  */
static double
direct_logn_3d (const double *x, const double *mu, const double *s)
{
  double adj[9], r[3], q = 0.0;
  adj[0] = s[4] * s[8] - s[5] * s[7];
  adj[1] = s[2] * s[7] - s[1] * s[8];
  adj[2] = s[1] * s[5] - s[2] * s[4];
  adj[3] = s[5] * s[6] - s[3] * s[8];
  adj[4] = s[0] * s[8] - s[2] * s[6];
  adj[5] = s[2] * s[3] - s[0] * s[5];
  adj[6] = s[3] * s[7] - s[4] * s[6];
  adj[7] = s[1] * s[6] - s[0] * s[7];
  adj[8] = s[0] * s[4] - s[1] * s[3];
  double det = s[0] * adj[0] + s[1] * adj[3] + s[2] * adj[6];
  for (int i = 0; i < 3; i++)
    r[i] = x[i] - mu[i];
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      q += r[i] * adj[3 * i + j] * r[j];
  return -1.5 * log (2.0 * M_PI) - 0.5 * log (det) - 0.5 * q / det;
}

static double
direct_logn (size_t d, const double *x, const double *mu, const double *s)
{
  return d == 2 ? direct_logn_2d (x, mu, s) : direct_logn_3d (x, mu, s);
}

/* log sum_k (w_k / sum w) N(x; mu_k, S_k), summed directly (the fixture
   densities are far from underflow).  */
static double
direct_log_mixture (size_t d, size_t k, const double *w, const double *mu,
                    const double *s, const double *x)
{
  double sw = 0.0, acc = 0.0;
  for (size_t j = 0; j < k; j++)
    sw += w[j];
  for (size_t j = 0; j < k; j++)
    acc += w[j] / sw * exp (direct_logn (d, x, mu + j * d, s + j * d * d));
  return log (acc);
}

/* ------------------------------------------------------------- density */

/* The log density of the first K components of a fixture, one Gaussian
   (its weight normalised away) or the whole mixture, against the direct
   sum of Gaussians with explicit inverses (direct_log_mixture).  */
typedef struct
{
  const fixture *f;
  size_t k;
} density_case;

static const density_case density_cases[]
    = { { &fixtures[0], 1 }, { &fixtures[1], 1 },
        { &fixtures[0], 3 }, { &fixtures[1], 3 } };

FC_LOOP_TEST ("density", test_log_density_matches_direct_sum_of_gaussians,
              (int) (sizeof density_cases / sizeof density_cases[0]))
{
  const fixture *f = density_cases[_i].f;
  size_t d = f->d, k = density_cases[_i].k;
  double logp[5];
  fc_gmm *g = make_gmm (d, k, f->w, f->mu, f->s);
  ck_assert_int_eq (g->all_pd, 1);
  ck_assert_int_eq (fc_gmm_log_density (g, f->n, f->x, logp), GSL_SUCCESS);
  for (size_t i = 0; i < f->n; i++)
    {
      double e = direct_log_mixture (d, k, f->w, f->mu, f->s, f->x + i * d);
      fc_ck_assert_abs (logp[i], e, tol_logp (d, e),
                        "d=%zu, %zu components, point %zu", d, k, i);
    }
  fc_gmm_free (g);
}
END_TEST

/* dim 1, one component: log N(x; m, v) in closed form.  */
FC_TEST ("density", test_one_dimensional_single_component_density)
{
  double w = 2.0, m = 0.381966, v = 2.5, x[3] = { -1.3, 0.381966, 4.2 };
  double logp[3];
  fc_gmm *g = make_gmm (1, 1, &w, &m, &v);
  ck_assert_int_eq (fc_gmm_log_density (g, 3, x, logp), GSL_SUCCESS);
  for (int i = 0; i < 3; i++)
    {
      double e = -0.5 * log (2.0 * M_PI * v) - 0.5 * gsl_pow_2 (x[i] - m) / v;
      fc_ck_assert_abs (logp[i], e, tol_logp (1, e), "point %d", i);
    }
  ck_assert (g->weight[0] == 1.0 && g->log_weight[0] == 0.0);
  fc_gmm_free (g);
}
END_TEST

/* Far from every component the terms underflow in exp; the log-sum-exp
   must still give the finite log density.  */
FC_TEST ("density", test_log_density_far_in_the_tail_is_finite)
{
  double x[2] = { 60.0, -45.0 }, logp;
  fc_gmm *g = make_gmm (2, 3, W2, MU2, S2);
  ck_assert_int_eq (fc_gmm_log_density (g, 1, x, &logp), GSL_SUCCESS);
  ck_assert (isfinite (logp) && logp < -700.0);
  fc_gmm_free (g);
}
END_TEST

/* -------------------------------------------------------------- score */

typedef struct
{
  const fc_gmm *g;
  const double *x;
  size_t i;
} line_params;

/* log q along coordinate i through x.  */
static double
logp_along (double h, void *params)
{
  line_params *p = params;
  double y[3], lp;
  memcpy (y, p->x, p->g->dim * sizeof (double));
  y[p->i] += h;
  fc_gmm_log_density (p->g, 1, y, &lp);
  return lp;
}

/* Band: gsl_deriv_central's own error estimate (truncation + round-off)
   plus the round-off of the analytic score, TOL_EPS(8 D) relative.  */
FC_LOOP_TEST ("density", test_score_matches_central_difference_of_log_density,
              N_FIXTURES)
{
  const fixture *f = &fixtures[_i];
  size_t d = f->d;
  double score[15];
  fc_gmm *g = make_gmm (d, 3, f->w, f->mu, f->s);
  ck_assert_int_eq (fc_gmm_score (g, f->n, f->x, score), GSL_SUCCESS);
  for (size_t p = 0; p < f->n; p++)
    for (size_t i = 0; i < d; i++)
      {
        line_params lp = { g, f->x + p * d, i };
        gsl_function fn = { logp_along, &lp };
        double fd, abserr;
        gsl_deriv_central (&fn, 0.0, 1e-3, &fd, &abserr);
        double band = abserr
                      + TOL_EPS (8.0 * (double) d) * (1.0 + fabs (fd));
        fc_ck_assert_abs (score[p * d + i], fd, band,
                          "d=%zu point %zu coordinate %zu", d, p, i);
      }
  fc_gmm_free (g);
}
END_TEST

/* -------------------------------------------------------- responsibilities */

/* r_k(x) = w_k N_k(x) / q(x) by the direct formulas; the r_k sum to 1
   within K epsilons (K rounded terms).  */
FC_TEST ("density", test_responsibilities_are_bayes_and_sum_to_one)
{
  double resp[15], sw = 0.0;
  fc_gmm *g = make_gmm (3, 3, W3, MU3, S3);
  ck_assert_int_eq (fc_gmm_responsibilities (g, 4, X3, resp), GSL_SUCCESS);
  for (int k = 0; k < 3; k++)
    sw += W3[k];
  for (size_t p = 0; p < 4; p++)
    {
      double sum = 0.0;
      double lq = direct_log_mixture (3, 3, W3, MU3, S3, X3 + 3 * p);
      for (size_t k = 0; k < 3; k++)
        {
          double lr = log (W3[k] / sw)
                      + direct_logn_3d (X3 + 3 * p, MU3 + 3 * k, S3 + 9 * k)
                      - lq;
          fc_ck_assert_rel (resp[3 * p + k], exp (lr),
                            tol_logp (3, lr) + TOL_EPS (4),
                            "point %zu component %zu", p, k);
          sum += resp[3 * p + k];
        }
      fc_ck_assert_abs (sum, 1.0, TOL_EPS (3), "sum at point %zu", p);
    }
  fc_gmm_free (g);
}
END_TEST

/* The batched kernels compute each point alone: bitwise the same results
   for 1 and 2 threads.  */
FC_TEST ("density", test_density_and_score_are_independent_of_thread_count)
{
  size_t n = 1000;
  fc_gmm *g = make_gmm (2, 3, W2, MU2, S2);
  double *x = malloc (2 * n * sizeof (double));
  double *a = malloc (2 * n * sizeof (double)), *b = malloc (2 * n * sizeof (double));
  ck_assert_int_eq (fc_rng_gaussian_fill (5UL, 0, 2 * n, x), GSL_SUCCESS);
  int saved = set_threads (1);
  fc_gmm_score (g, n, x, a);
  set_threads (2);
  fc_gmm_score (g, n, x, b);
  set_threads (saved);
  ck_assert_int_eq (memcmp (a, b, 2 * n * sizeof (double)), 0);
  free (x);
  free (a);
  free (b);
  fc_gmm_free (g);
}
END_TEST

FC_CK_MAIN ("gmm_density")
