/* tests/check_gmm.c -- Gaussian mixtures (fc_gmm.h): preparation,
 * density, score, responsibilities, sampling, moments, affine images and
 * conditioning, each against an independent formula, and every error
 * path.  */
#include <config.h>

#include <string.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_deriv.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_permutation.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "fc_check.h"
#include "fc_gmm.h"
#include "fc_rng.h"

/* ------------------------------------------------------------ fixtures */

/* A 2-D mixture of three full-covariance components.  */
static const double W2[3] = { 0.7, 0.381966, 1.2 };
static const double MU2[6] = { 0.2, -0.3, 1.7, 0.9, -1.1, 1.4 };
static const double S2[12] = { 0.8, 0.3, 0.3, 0.5,
                               0.4, -0.1, -0.1, 0.6,
                               1.0, 0.45, 0.45, 0.7 };

/* A 3-D mixture of three full-covariance components.  */
static const double W3[3] = { 0.381966, 1.0, 0.618034 };
static const double MU3[9] = { 0.1, -0.7, 0.3, 1.3, 0.2, -0.4,
                               -0.9, 0.8, 1.1 };
static const double S3[27] = { 1.3, 0.4, -0.2, 0.4, 0.9, 0.1, -0.2, 0.1, 0.7,
                               0.6, -0.15, 0.05, -0.15, 0.45, 0.12,
                               0.05, 0.12, 0.8,
                               0.9, 0.3, 0.2, 0.3, 1.1, -0.25,
                               0.2, -0.25, 0.5 };

/* Round-off bands.  The fixtures have entries of size at most 4 and
   condition numbers below 10, so a quantity reached by a chain of c
   rounded operations is within about c * 4 eps of the truth; each band
   below is TOL_EPS of twice that count, rounded to a power of 2.  A
   normalised weight w_k / sum_j w_j takes K + 1 <= 4 roundings:  */
#define TOL_WEIGHT TOL_EPS (4)

/* Test points, 2-D and 3-D.  */
static const double X2[10] = { 0.381966, -0.2, 1.9, 1.1, -2.3, 0.7,
                               0.05, 3.1, -0.6, -1.7 };
static const double X3[12] = { 0.381966, -0.2, 0.9, 1.9, 1.1, -0.3,
                               -2.3, 0.7, 1.6, 0.05, -1.2, -0.8 };

static fc_gmm *
make_gmm (size_t d, size_t k, const double *w, const double *mu,
          const double *s)
{
  fc_gmm *g = fc_gmm_alloc (d, k);
  ck_assert_ptr_nonnull (g);
  for (size_t j = 0; j < k; j++)
    ck_assert_int_eq (fc_gmm_set_component (g, j, w[j], mu + j * d,
                                            s + j * d * d), GSL_SUCCESS);
  ck_assert_int_eq (fc_gmm_prepare (g), GSL_SUCCESS);
  return g;
}

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

/* Round-off band of a log density: the triangular solve and the quadratic
   form each accumulate O(D) roundings of relative size eps on terms of
   size |D/2 log 2 pi| + |log det / 2| + q / 2, the fixtures being well
   conditioned (condition numbers below 10): TOL_EPS(8 D) times a bound of
   that sum, (1 + |log p|) + D log 2 pi.  */
static double
tol_logp (size_t d, double logp)
{
  return TOL_EPS (8.0 * (double) d)
         * (1.0 + fabs (logp) + (double) d * log (2.0 * M_PI));
}

/* ------------------------------------------------------------- density */

START_TEST (test_log_density_of_one_component_matches_explicit_inverse)
{
  for (size_t d = 2; d <= 3; d++)
    {
      const double *mu = d == 2 ? MU2 : MU3, *s = d == 2 ? S2 : S3;
      const double *x = d == 2 ? X2 : X3;
      size_t n = d == 2 ? 5 : 4;
      double w = 0.381966, logp[5];
      fc_gmm *g = make_gmm (d, 1, &w, mu, s);
      ck_assert_int_eq (g->all_pd, 1);
      ck_assert_int_eq (fc_gmm_log_density (g, n, x, logp), GSL_SUCCESS);
      for (size_t i = 0; i < n; i++)
        {
          double e = direct_logn (d, x + i * d, mu, s);
          fc_ck_assert_abs (logp[i], e, tol_logp (d, e), "d=%zu point %zu",
                            d, i);
        }
      fc_gmm_free (g);
    }
}
END_TEST

START_TEST (test_log_density_of_mixture_matches_direct_sum)
{
  for (size_t d = 2; d <= 3; d++)
    {
      const double *w = d == 2 ? W2 : W3, *mu = d == 2 ? MU2 : MU3;
      const double *s = d == 2 ? S2 : S3, *x = d == 2 ? X2 : X3;
      size_t n = d == 2 ? 5 : 4;
      double logp[5];
      fc_gmm *g = make_gmm (d, 3, w, mu, s);
      ck_assert_int_eq (fc_gmm_log_density (g, n, x, logp), GSL_SUCCESS);
      for (size_t i = 0; i < n; i++)
        {
          double e = direct_log_mixture (d, 3, w, mu, s, x + i * d);
          fc_ck_assert_abs (logp[i], e, tol_logp (d, e), "d=%zu point %zu",
                            d, i);
        }
      fc_gmm_free (g);
    }
}
END_TEST

/* dim 1, one component: log N(x; m, v) in closed form.  */
START_TEST (test_one_dimensional_single_component_density)
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
START_TEST (test_log_density_far_in_the_tail_is_finite)
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
START_TEST (test_score_matches_central_difference_of_log_density)
{
  for (size_t d = 2; d <= 3; d++)
    {
      const double *w = d == 2 ? W2 : W3, *mu = d == 2 ? MU2 : MU3;
      const double *s = d == 2 ? S2 : S3, *x = d == 2 ? X2 : X3;
      size_t n = d == 2 ? 5 : 4;
      double score[15];
      fc_gmm *g = make_gmm (d, 3, w, mu, s);
      ck_assert_int_eq (fc_gmm_score (g, n, x, score), GSL_SUCCESS);
      for (size_t p = 0; p < n; p++)
        for (size_t i = 0; i < d; i++)
          {
            line_params lp = { g, x + p * d, i };
            gsl_function f = { logp_along, &lp };
            double fd, abserr;
            gsl_deriv_central (&f, 0.0, 1e-3, &fd, &abserr);
            double band = abserr
                          + TOL_EPS (8.0 * (double) d) * (1.0 + fabs (fd));
            fc_ck_assert_abs (score[p * d + i], fd, band,
                              "d=%zu point %zu coordinate %zu", d, p, i);
          }
      fc_gmm_free (g);
    }
}
END_TEST

/* -------------------------------------------------------- responsibilities */

/* r_k(x) = w_k N_k(x) / q(x) by the direct formulas; the r_k sum to 1
   within K epsilons (K rounded terms).  */
START_TEST (test_responsibilities_are_bayes_and_sum_to_one)
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
START_TEST (test_density_and_score_are_independent_of_thread_count)
{
  size_t n = 1000;
  fc_gmm *g = make_gmm (2, 3, W2, MU2, S2);
  double *x = malloc (2 * n * sizeof (double));
  double *a = malloc (2 * n * sizeof (double)), *b = malloc (2 * n * sizeof (double));
  ck_assert_int_eq (fc_rng_gaussian_fill (5UL, 0, 2 * n, x), GSL_SUCCESS);
#ifdef _OPENMP
  int saved = omp_get_max_threads ();
  omp_set_num_threads (1);
#endif
  fc_gmm_score (g, n, x, a);
#ifdef _OPENMP
  omp_set_num_threads (2);
#endif
  fc_gmm_score (g, n, x, b);
#ifdef _OPENMP
  omp_set_num_threads (saved);
#endif
  ck_assert_int_eq (memcmp (a, b, 2 * n * sizeof (double)), 0);
  free (x);
  free (a);
  free (b);
  fc_gmm_free (g);
}
END_TEST

/* ------------------------------------------------------------- prepare */

/* V diag(lambda) V^T = S and V^T V = I to round-off (TOL_EPS(8 D) of the
   largest eigenvalue: the QR iterations of gsl_eigen_symmv are backward
   stable with an O(D) eps error), eigenvalues ascending, eigvec_t the
   exact transpose, mean_eig = V^T mu (a 3-term dot product with |mu| <=
   1.3: TOL_EPS(8)).  */
START_TEST (test_eigendecomposition_reconstructs_covariance)
{
  fc_gmm *g = make_gmm (3, 3, W3, MU3, S3);
  for (size_t k = 0; k < 3; k++)
    {
      const double *v = g->eigvec + 9 * k, *lam = g->eigval + 3 * k;
      double tol = TOL_EPS (24) * lam[2];
      ck_assert (lam[0] <= lam[1] && lam[1] <= lam[2] && lam[0] > 0.0);
      for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < 3; j++)
          {
            double c = 0.0, o = 0.0, m = 0.0;
            for (size_t l = 0; l < 3; l++)
              {
                c += v[3 * i + l] * lam[l] * v[3 * j + l];
                o += v[3 * l + i] * v[3 * l + j];
                m += g->eigvec_t[9 * k + 3 * i + l] * MU3[3 * k + l];
              }
            fc_ck_assert_abs (c, S3[9 * k + 3 * i + j], tol, "S k=%zu", k);
            fc_ck_assert_abs (o, i == j, TOL_EPS (24), "V^T V k=%zu", k);
            ck_assert (g->eigvec_t[9 * k + 3 * j + i] == v[3 * i + j]);
            if (j == 0)
              fc_ck_assert_abs (g->mean_eig[3 * k + i], m, TOL_EPS (8),
                                "mean_eig k=%zu", k);
          }
    }
  fc_gmm_free (g);
}
END_TEST

START_TEST (test_weights_are_normalised_and_renormalising_is_exact)
{
  double w[3] = { 1.0, 3.0, 4.0 }, mu[3] = { 0.0, 1.0, 2.0 };
  double v[3] = { 1.0, 0.5, 0.25 }, keep[3], keep_log[3];
  fc_gmm *g = make_gmm (1, 3, w, mu, v);
  fc_ck_assert_rel (g->weight[0], 0.125, TOL_WEIGHT, "w0");
  fc_ck_assert_rel (g->weight[1], 0.375, TOL_WEIGHT, "w1");
  fc_ck_assert_rel (g->weight[2], 0.5, TOL_WEIGHT, "w2");
  memcpy (keep, g->weight, sizeof keep);
  memcpy (keep_log, g->log_weight, sizeof keep_log);
  ck_assert_int_eq (fc_gmm_prepare (g), GSL_SUCCESS);
  ck_assert_int_eq (memcmp (keep, g->weight, sizeof keep), 0);
  ck_assert_int_eq (memcmp (keep_log, g->log_weight, sizeof keep), 0);
  fc_gmm_free (g);

  /* Weights whose sum overflows a double are normalised all the same. */
  double big[3] = { 1e308, 1e308, 1e308 };
  g = make_gmm (1, 3, big, mu, v);
  for (int k = 0; k < 3; k++)
    {
      fc_ck_assert_rel (g->weight[k], 1.0 / 3.0, TOL_WEIGHT, "big w%d", k);
      fc_ck_assert_rel (g->log_weight[k], -log (3.0), TOL_WEIGHT, "log w%d",
                        k);
    }
  fc_gmm_free (g);
}
END_TEST

START_TEST (test_clone_is_a_deep_equal_copy)
{
  fc_gmm *g = make_gmm (3, 3, W3, MU3, S3), *c = fc_gmm_clone (g);
  ck_assert_ptr_nonnull (c);
  ck_assert (c->mean != g->mean && c->cov != g->cov);
  ck_assert_int_eq (memcmp (c->cov, g->cov, 27 * sizeof (double)), 0);
  ck_assert_int_eq (memcmp (c->chol, g->chol, 27 * sizeof (double)), 0);
  ck_assert_int_eq (memcmp (c->eigvec_t, g->eigvec_t, 27 * sizeof (double)),
                    0);
  ck_assert_int_eq (memcmp (c->log_weight, g->log_weight,
                            3 * sizeof (double)), 0);
  ck_assert_int_eq (c->prepared, 1);
  ck_assert_int_eq (c->all_pd, 1);
  fc_gmm_free (c);
  fc_gmm_free (g);
}
END_TEST

/* A rank-1 covariance is positive semi-definite: prepared, singular, its
   zero eigenvalue clamped to exactly 0.  */
START_TEST (test_singular_component_is_recorded_not_rejected)
{
  double w = 1.0, mu[2] = { 0.3, -0.1 }, s[4] = { 1.0, 1.0, 1.0, 1.0 };
  double x[2] = { 0.0, 0.0 }, out[2];
  fc_gmm *g = make_gmm (2, 1, &w, mu, s);
  ck_assert_int_eq (g->all_pd, 0);
  ck_assert (g->log_det[0] == -INFINITY);
  ck_assert (g->eigval[0] == 0.0);
  fc_ck_assert_rel (g->eigval[1], 2.0, TOL_EPS (8), "nonzero eigenvalue");
  ck_assert_int_eq (fc_gmm_log_density (g, 1, x, out), GSL_EDOM);
  ck_assert_int_eq (fc_gmm_score (g, 1, x, out), GSL_EDOM);
  ck_assert_int_eq (fc_gmm_responsibilities (g, 1, x, out), GSL_EDOM);
  fc_gmm_free (g);
}
END_TEST

START_TEST (test_point_masses_are_prepared_singular_components)
{
  double pts[6] = { 0.381966, -1.0, 2.0, 0.5, -0.7, 1.1 };
  double wts[3] = { 1.0, 2.0, 1.0 };
  fc_gmm *g = fc_gmm_point_masses (2, 3, pts, NULL);
  ck_assert_ptr_nonnull (g);
  ck_assert_int_eq (g->prepared, 1);
  ck_assert_int_eq (g->all_pd, 0);
  for (int k = 0; k < 3; k++)
    {
      fc_ck_assert_rel (g->weight[k], 1.0 / 3.0, TOL_WEIGHT, "w%d", k);
      ck_assert (g->eigval[2 * k] == 0.0 && g->eigval[2 * k + 1] == 0.0);
    }
  fc_gmm_free (g);
  g = fc_gmm_point_masses (2, 3, pts, wts);
  fc_ck_assert_rel (g->weight[1], 0.5, TOL_WEIGHT, "weighted w1");
  fc_gmm_free (g);
}
END_TEST

/* ------------------------------------------------------------ sampling */

/* Sample mean and covariance against fc_gmm_moments, each within Z_MAX
   standard errors: sqrt(C_ii / n) for a mean, and for a covariance entry
   the standard deviation of the products (x_i - m_i)(x_j - m_j) over
   sqrt(n), estimated from the sample (the true mean m is known, so the
   products are i.i.d. with mean C_ij).  */
START_TEST (test_sample_moments_match_mixture_moments)
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
START_TEST (test_moments_match_law_of_total_covariance)
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

START_TEST (test_sampling_is_reproducible_and_independent_of_threads)
{
  size_t n = 3 * FC_RNG_CHUNK + 5;
  fc_gmm *g = make_gmm (2, 3, W2, MU2, S2);
  double *a = malloc (2 * n * sizeof (double)), *b = malloc (2 * n * sizeof (double));
#ifdef _OPENMP
  int saved = omp_get_max_threads ();
  omp_set_num_threads (1);
#endif
  ck_assert_int_eq (fc_gmm_sample (g, 42UL, n, a), GSL_SUCCESS);
#ifdef _OPENMP
  omp_set_num_threads (2);
#endif
  ck_assert_int_eq (fc_gmm_sample (g, 42UL, n, b), GSL_SUCCESS);
  ck_assert_int_eq (memcmp (a, b, 2 * n * sizeof (double)), 0);
  ck_assert_int_eq (fc_gmm_sample (g, 42UL, n, b), GSL_SUCCESS);
  ck_assert_int_eq (memcmp (a, b, 2 * n * sizeof (double)), 0);
#ifdef _OPENMP
  omp_set_num_threads (saved);
#endif
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
START_TEST (test_singular_components_sample_on_their_support)
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

/* ---------------------------------------------------- affine, condition */

/* Moments of A x + b + e against A m + b and A C A^T + noise I, computed
   from fc_gmm_moments of x: exact up to round-off of the products.  Bands:
   3-term sums for the mean (TOL_EPS(32)), 9-term double sums through two
   sets of moments for the covariance (TOL_EPS(64)).  */
START_TEST (test_affine_image_moments_are_exact)
{
  double a[6] = { 0.7, -0.381966, 1.2, 0.25, 0.9, -0.6 }, b[2] = { 0.5, -2.0 };
  double noise = 0.0123, m[3], c[9], mo[2], co[4];
  fc_gmm *g = make_gmm (3, 3, W3, MU3, S3);
  fc_gmm *h = fc_gmm_affine (g, 2, a, b, noise);
  ck_assert_ptr_nonnull (h);
  ck_assert_int_eq (h->dim, 2);
  ck_assert_int_eq (h->n_comp, 3);
  fc_gmm_moments (g, m, c);
  fc_gmm_moments (h, mo, co);
  for (int i = 0; i < 2; i++)
    {
      double e = b[i];
      for (int p = 0; p < 3; p++)
        e += a[3 * i + p] * m[p];
      fc_ck_assert_abs (mo[i], e, TOL_EPS (32), "mean %d", i);
      for (int j = 0; j < 2; j++)
        {
          double ec = i == j ? noise : 0.0;
          for (int p = 0; p < 3; p++)
            for (int q = 0; q < 3; q++)
              ec += a[3 * i + p] * c[3 * p + q] * a[3 * j + q];
          fc_ck_assert_abs (co[2 * i + j], ec, TOL_EPS (64), "cov (%d,%d)",
                            i, j);
        }
    }
  ck_assert_ptr_null (fc_gmm_affine (g, 2, a, b, -1.0));
  ck_assert_ptr_null (fc_gmm_affine (g, 0, a, b, 0.0));
  fc_gmm_free (h);
  fc_gmm_free (g);
}
END_TEST

/* Posterior of one Gaussian against the textbook formula with an explicit
   LU inverse of G = A S A^T + s^2 I.  Both routes take about a dozen
   rounded products of size <= 2 on a G of condition number < 10:
   TOL_EPS(64).  */
START_TEST (test_condition_single_gaussian_matches_textbook)
{
  double w = 1.0, a[6] = { 0.7, -0.381966, 1.2, 0.25, 0.9, -0.6 };
  double y[2] = { 0.8, -0.3 }, sy = 0.45;
  fc_gmm *g = make_gmm (3, 1, &w, MU3, S3), *post;
  post = fc_gmm_condition (g, 2, a, y, sy);
  ck_assert_ptr_nonnull (post);

  gsl_matrix_const_view av = gsl_matrix_const_view_array (a, 2, 3);
  gsl_matrix_const_view sv = gsl_matrix_const_view_array (S3, 3, 3);
  gsl_matrix *as = gsl_matrix_alloc (2, 3), *gm = gsl_matrix_alloc (2, 2);
  gsl_matrix *gi = gsl_matrix_alloc (2, 2), *k = gsl_matrix_alloc (3, 2);
  gsl_matrix *sp = gsl_matrix_alloc (3, 3);
  gsl_permutation *perm = gsl_permutation_alloc (2);
  int sgn;
  gsl_blas_dgemm (CblasNoTrans, CblasNoTrans, 1.0, &av.matrix, &sv.matrix,
                  0.0, as);
  gsl_blas_dgemm (CblasNoTrans, CblasTrans, 1.0, as, &av.matrix, 0.0, gm);
  for (int i = 0; i < 2; i++)
    *gsl_matrix_ptr (gm, i, i) += sy * sy;
  gsl_linalg_LU_decomp (gm, perm, &sgn);
  gsl_linalg_LU_invert (gm, perm, gi);
  /* K = S A^T G^{-1}, mu' = mu + K (y - A mu), S' = S - K A S.  */
  gsl_blas_dgemm (CblasTrans, CblasNoTrans, 1.0, as, gi, 0.0, k);
  gsl_matrix_memcpy (sp, &sv.matrix);
  gsl_blas_dgemm (CblasNoTrans, CblasNoTrans, -1.0, k, as, 1.0, sp);
  for (int i = 0; i < 3; i++)
    {
      double r[2], e = MU3[i];
      for (int j = 0; j < 2; j++)
        r[j] = y[j] - (a[3 * j] * MU3[0] + a[3 * j + 1] * MU3[1]
                       + a[3 * j + 2] * MU3[2]);
      for (int j = 0; j < 2; j++)
        e += gsl_matrix_get (k, i, j) * r[j];
      fc_ck_assert_abs (post->mean[i], e, TOL_EPS (64), "mean %d", i);
      for (int j = 0; j < 3; j++)
        fc_ck_assert_abs (post->cov[3 * i + j], gsl_matrix_get (sp, i, j),
                          TOL_EPS (64), "cov (%d,%d)", i, j);
    }
  ck_assert (post->weight[0] == 1.0);
  gsl_permutation_free (perm);
  gsl_matrix_free (sp);
  gsl_matrix_free (k);
  gsl_matrix_free (gi);
  gsl_matrix_free (gm);
  gsl_matrix_free (as);
  fc_gmm_free (post);
  fc_gmm_free (g);
}
END_TEST

/* Small noise and a singular prior: the posterior covariance stays
   positive semi-definite and exactly singular where the prior is.  For
   S = lambda v v^T and A = I, S' = lambda s^2 / (lambda + s^2) v v^T; the
   square-root form reaches it in about 16 roundings of quantities of its
   own size (TOL_EPS(32) relative), free of the cancellation in
   S - S G^{-1} S that would lose digits as s shrinks.  The mean
   mu' = mu + lambda / (lambda + s^2) v v^T (y - mu) takes as many roundings
   of O(1) quantities (TOL_EPS(32) absolute); a solve with G, of condition
   number lambda / s^2 = 7e13 at s = 1e-7, would miss it by ~ 1e-5.  */
START_TEST (test_condition_keeps_posterior_psd_for_small_noise)
{
  const double sig[4] = { 0.381966, 1e-2, 1e-4, 1e-7 }, lam = 0.7;
  const double c = cos (0.9), s = sin (0.9), eye2[4] = { 1, 0, 0, 1 };
  const double eye3[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
  double w = 1.0, mu[2] = { 0.1, 0.2 }, y[3] = { 0.5, 0.7, -0.2 };
  double cov[4] = { lam * c * c, lam * c * s, lam * c * s, lam * s * s };
  fc_gmm *g = make_gmm (2, 1, &w, mu, cov), *g3 = make_gmm (3, 3, W3, MU3, S3);
  for (int i = 0; i < 4; i++)
    {
      double s2 = sig[i] * sig[i];
      fc_gmm *post = fc_gmm_condition (g, 2, eye2, y, sig[i]);
      ck_assert_msg (post != NULL, "sigma %g", sig[i]);
      ck_assert (post->eigval[0] == 0.0);
      fc_ck_assert_rel (post->eigval[1], lam * s2 / (lam + s2), TOL_EPS (32),
                        "posterior variance, sigma %g", sig[i]);
      double proj = c * (y[0] - mu[0]) + s * (y[1] - mu[1]);
      fc_ck_assert_abs (post->mean[0], mu[0] + lam / (lam + s2) * c * proj,
                        TOL_EPS (32), "posterior mean 0, sigma %g", sig[i]);
      fc_ck_assert_abs (post->mean[1], mu[1] + lam / (lam + s2) * s * proj,
                        TOL_EPS (32), "posterior mean 1, sigma %g", sig[i]);
      fc_gmm_free (post);
      post = fc_gmm_condition (g3, 3, eye3, y, sig[i]);
      ck_assert_msg (post != NULL && post->all_pd, "3-D, sigma %g", sig[i]);
      fc_gmm_free (post);
    }
  fc_gmm_free (g3);
  fc_gmm_free (g);
}
END_TEST

/* Fewer observations than dimensions (m = 1 < D = 3) and small noise: the
   directions A does not see keep their prior spread while the observed one
   shrinks to s^2, so sigma_y^2 I + F^T A^T A F has condition number
   |A S A^T| / s^2 (about 1e16 at s = 1e-8).  Formed and factorised it
   would give errors of order eps / s^2 (0.3 at s = 1e-8); the reference
   here needs no such solve: G = a S a^T + s^2 is a scalar of size ~1, so
   K = S a^T / G, mu' = mu + K r and S' = S - K a S take a dozen rounded
   products of O(1) quantities each (TOL_EPS(64) absolute, as in the
   textbook test above).  */
START_TEST (test_condition_stays_accurate_with_fewer_rows_and_small_noise)
{
  const double sig[4] = { 1e-2, 1e-5, 1e-8, 1e-10 };
  const double a[3] = { 0.7, -0.381966, 1.2 }, y = 0.8;
  double w = 1.0;
  fc_gmm *g = make_gmm (3, 1, &w, MU3, S3);
  double sa[3], asa = 0.0, r = y;
  for (int i = 0; i < 3; i++)
    {
      sa[i] = 0.0;
      for (int j = 0; j < 3; j++)
        sa[i] += S3[3 * i + j] * a[j];
      asa += a[i] * sa[i];
      r -= a[i] * MU3[i];
    }
  for (int t = 0; t < 4; t++)
    {
      double gs = asa + sig[t] * sig[t];
      fc_gmm *post = fc_gmm_condition (g, 1, a, &y, sig[t]);
      ck_assert_msg (post != NULL, "sigma %g", sig[t]);
      for (int i = 0; i < 3; i++)
        {
          fc_ck_assert_abs (post->mean[i], MU3[i] + sa[i] / gs * r,
                            TOL_EPS (64), "mean %d, sigma %g", i, sig[t]);
          for (int j = 0; j < 3; j++)
            fc_ck_assert_abs (post->cov[3 * i + j],
                              S3[3 * i + j] - sa[i] * sa[j] / gs,
                              TOL_EPS (64), "cov (%d,%d), sigma %g", i, j,
                              sig[t]);
        }
      fc_gmm_free (post);
    }
  fc_gmm_free (g);
}
END_TEST

/* Bayes' rule pointwise: log post(x) = log prior(x) + log N(y; A x, s^2 I)
   - log evidence, with the evidence the density at y of the affine image
   A x + N(0, s^2 I) (fc_gmm_affine): three independent routes to one
   number, at random x.  Band: the round-off of four log densities.  */
START_TEST (test_condition_mixture_satisfies_bayes_rule_pointwise)
{
  double a[6] = { 0.7, -0.381966, 1.2, 0.25, 0.9, -0.6 };
  double y[2] = { 0.8, -0.3 }, sy = 0.45, log_ev, x[3 * 20];
  fc_gmm *g = make_gmm (3, 3, W3, MU3, S3);
  fc_gmm *post = fc_gmm_condition (g, 2, a, y, sy);
  fc_gmm *ev = fc_gmm_affine (g, 2, a, NULL, sy * sy);
  ck_assert_ptr_nonnull (post);
  ck_assert_ptr_nonnull (ev);
  ck_assert_int_eq (fc_gmm_log_density (ev, 1, y, &log_ev), GSL_SUCCESS);
  ck_assert_int_eq (fc_gmm_sample (post, 31UL, 20, x), GSL_SUCCESS);
  for (size_t p = 0; p < 20; p++)
    {
      double lpost, lprior, r2 = 0.0;
      fc_gmm_log_density (post, 1, x + 3 * p, &lpost);
      fc_gmm_log_density (g, 1, x + 3 * p, &lprior);
      for (int i = 0; i < 2; i++)
        r2 += gsl_pow_2 (y[i] - (a[3 * i] * x[3 * p] + a[3 * i + 1] * x[3 * p + 1]
                                 + a[3 * i + 2] * x[3 * p + 2]));
      double llik = -log (2.0 * M_PI * sy * sy) - 0.5 * r2 / (sy * sy);
      double e = lprior + llik - log_ev;
      double band = tol_logp (3, lpost) + tol_logp (3, lprior)
                    + tol_logp (2, llik) + tol_logp (2, log_ev);
      fc_ck_assert_abs (lpost, e, band, "point %zu", p);
    }
  fc_gmm_free (ev);
  fc_gmm_free (post);
  fc_gmm_free (g);
}
END_TEST

/* ---------------------------------------------------------- error paths */

START_TEST (test_bad_arguments_are_rejected)
{
  double mu[2] = { 0.0, 0.0 }, s[4] = { 1.0, 0.2, 0.2, 1.0 };
  double asym[4] = { 1.0, 0.2, 0.3, 1.0 }, notpsd[4] = { 1.0, 2.0, 2.0, 1.0 };
  double nanmu[2] = { NAN, 0.0 }, x[2] = { 0.1, 0.2 }, out[2];
  ck_assert_ptr_null (fc_gmm_alloc (0, 1));
  ck_assert_ptr_null (fc_gmm_alloc (2, 0));
  fc_gmm *g = fc_gmm_alloc (2, 1);
  ck_assert_int_eq (fc_gmm_set_component (g, 0, 0.0, mu, s), GSL_EDOM);
  ck_assert_int_eq (fc_gmm_set_component (g, 0, -1.0, mu, s), GSL_EDOM);
  ck_assert_int_eq (fc_gmm_set_component (g, 0, NAN, mu, s), GSL_EDOM);
  ck_assert_int_eq (fc_gmm_set_component (g, 0, INFINITY, mu, s), GSL_EDOM);
  ck_assert_int_eq (fc_gmm_set_component (g, 0, 1.0, nanmu, s), GSL_EDOM);
  ck_assert_int_eq (fc_gmm_set_component (g, 0, 1.0, mu, asym), GSL_EDOM);
  /* The symmetry band is 64 eps of the largest entry: 1e-12 is outside,
     one ulp of 0.2 inside (and the stored matrix is made symmetric).  */
  asym[2] = 0.2 + 1e-12;
  ck_assert_int_eq (fc_gmm_set_component (g, 0, 1.0, mu, asym), GSL_EDOM);
  ck_assert_int_eq (fc_gmm_set_component (g, 1, 1.0, mu, s), GSL_EINVAL);
  /* Never set: the zero weight is refused by prepare.  */
  ck_assert_int_eq (fc_gmm_prepare (g), GSL_EDOM);
  asym[2] = nextafter (0.2, 1.0);
  ck_assert_int_eq (fc_gmm_set_component (g, 0, 1.0, mu, asym), GSL_SUCCESS);
  ck_assert (g->cov[1] == g->cov[2]);
  /* Not prepared: no density, no samples.  */
  ck_assert_int_eq (fc_gmm_set_component (g, 0, 1.0, mu, s), GSL_SUCCESS);
  ck_assert_int_eq (fc_gmm_log_density (g, 1, x, out), GSL_EINVAL);
  ck_assert_int_eq (fc_gmm_sample (g, 1UL, 1, out), GSL_EINVAL);
  ck_assert_ptr_null (fc_gmm_condition (g, 2, s, x, 1.0));
  ck_assert_int_eq (fc_gmm_set_component (g, 0, 1.0, mu, notpsd),
                    GSL_SUCCESS);
  ck_assert_int_eq (fc_gmm_prepare (g), GSL_EDOM);
  ck_assert_int_eq (g->prepared, 0);
  ck_assert_int_eq (fc_gmm_set_component (g, 0, 1.0, mu, s), GSL_SUCCESS);
  ck_assert_int_eq (fc_gmm_prepare (g), GSL_SUCCESS);
  ck_assert_ptr_null (fc_gmm_condition (g, 2, s, x, 0.0));
  ck_assert_ptr_null (fc_gmm_condition (g, 2, s, x, -1.0));
  ck_assert_ptr_null (fc_gmm_condition (g, 2, s, x, NAN));
  ck_assert_ptr_null (fc_gmm_condition (g, 2, s, x, INFINITY));
  ck_assert_ptr_null (fc_gmm_condition (g, 0, s, x, 1.0));
  fc_gmm_free (g);
  fc_gmm_free (NULL);
}
END_TEST

/* A covariance within round-off of singular, its small eigenvalue
   negative by less than 64 eps of the largest, is accepted and clamped.  */
START_TEST (test_round_off_negative_eigenvalue_is_clamped)
{
  double w = 1.0, mu[2] = { 0.0, 0.0 };
  double s[4] = { 1.0, 1.0 + 4.0 * GSL_DBL_EPSILON,
                  1.0 + 4.0 * GSL_DBL_EPSILON, 1.0 };
  fc_gmm *g = make_gmm (2, 1, &w, mu, s);
  ck_assert (g->eigval[0] == 0.0);
  ck_assert_int_eq (g->all_pd, 0);
  fc_gmm_free (g);
}
END_TEST

/* fc_gmm_random: every covariance has its eigenvalues inside the requested
   band (so cond(S_k) <= eig_max / eig_min, the bound the path tests derive
   their tolerance from), weights and means are finite, the same (seed,
   stream) gives the same mixture bit for bit and another stream another. */
START_TEST (test_random_mixture_respects_eigenvalue_band_and_is_seeded)
{
  const fc_gmm_random_params p = { 0.5, 1.5, 1.5, 0.3, 2.0 };
  const size_t d = 6, nk = 5;
  fc_gmm *a = fc_gmm_random (d, nk, &p, 977, 3);
  fc_gmm *b = fc_gmm_random (d, nk, &p, 977, 3);
  fc_gmm *c = fc_gmm_random (d, nk, &p, 977, 4);
  ck_assert_ptr_nonnull (a);
  ck_assert_ptr_nonnull (b);
  ck_assert_ptr_nonnull (c);
  ck_assert (a->all_pd);
  ck_assert_mem_eq (a->cov, b->cov, nk * d * d * sizeof (double));
  ck_assert_mem_eq (a->mean, b->mean, nk * d * sizeof (double));
  ck_assert (memcmp (a->cov, c->cov, nk * d * d * sizeof (double)) != 0);
  /* The eigenvalues come back from gsl_eigen_symmv of Q diag Q^T: exact up
     to the round-off of forming the product and of the solver, a few
     hundred eps times the largest eigenvalue.  */
  const double slack = TOL_EPS (64.0 * d) * p.eig_max;
  for (size_t k = 0; k < nk; k++)
    for (size_t i = 0; i < d; i++)
      {
        double lam = a->eigval[k * d + i];
        ck_assert_msg (lam >= p.eig_min - slack && lam <= p.eig_max + slack,
                       "eigenvalue %zu of component %zu is %.17g, outside "
                       "[%.17g, %.17g]", i, k, lam, p.eig_min, p.eig_max);
      }
  fc_gmm_free (a);
  fc_gmm_free (b);
  fc_gmm_free (c);
}
END_TEST

START_TEST (test_random_mixture_rejects_bad_parameters)
{
  const fc_gmm_random_params bad[] = {
    { 0.0, 1.0, 1.0, 0.1, 1.0 },      /* weight_min not > 0 */
    { 2.0, 1.0, 1.0, 0.1, 1.0 },      /* weight_min > weight_max */
    { 0.5, 1.0, -1.0, 0.1, 1.0 },     /* negative mean_std */
    { 0.5, 1.0, 1.0, 2.0, 1.0 },      /* eig_min > eig_max */
    { 0.5, 1.0, 1.0, -0.1, 1.0 },     /* negative eigenvalue */
    { 0.5, 1.0, 1.0, 0.1, INFINITY }, /* not finite */
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    ck_assert_msg (fc_gmm_random (2, 3, &bad[i], 1, 0) == NULL,
                   "bad parameter set %zu accepted", i);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("gmm");
  FC_CK_CASE (s, "density",
              test_log_density_of_one_component_matches_explicit_inverse,
              test_log_density_of_mixture_matches_direct_sum,
              test_one_dimensional_single_component_density,
              test_log_density_far_in_the_tail_is_finite,
              test_score_matches_central_difference_of_log_density,
              test_responsibilities_are_bayes_and_sum_to_one,
              test_density_and_score_are_independent_of_thread_count);
  FC_CK_CASE (s, "prepare", test_eigendecomposition_reconstructs_covariance,
              test_weights_are_normalised_and_renormalising_is_exact,
              test_clone_is_a_deep_equal_copy,
              test_singular_component_is_recorded_not_rejected,
              test_point_masses_are_prepared_singular_components,
              test_round_off_negative_eigenvalue_is_clamped,
              test_bad_arguments_are_rejected,
              test_random_mixture_respects_eigenvalue_band_and_is_seeded,
              test_random_mixture_rejects_bad_parameters);
  FC_CK_CASE (s, "sampling", test_sample_moments_match_mixture_moments,
              test_moments_match_law_of_total_covariance,
              test_sampling_is_reproducible_and_independent_of_threads,
              test_singular_components_sample_on_their_support);
  FC_CK_CASE (s, "affine", test_affine_image_moments_are_exact,
              test_condition_single_gaussian_matches_textbook,
              test_condition_mixture_satisfies_bayes_rule_pointwise,
              test_condition_keeps_posterior_psd_for_small_noise,
              test_condition_stays_accurate_with_fewer_rows_and_small_noise);
  return fc_run_suite (s);
}
