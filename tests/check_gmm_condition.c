/* tests/check_gmm_condition.c -- affine images and conditioning of a
 * Gaussian mixture on a linear-Gaussian observation (fc_gmm.h): exact
 * moments of the image, the textbook posterior of one Gaussian, Bayes'
 * rule pointwise for a mixture, and posteriors that stay positive
 * semi-definite and accurate for small noise and few observations.  */
#include <config.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_permutation.h>

#include "gmm_fixtures.h"

/* ---------------------------------------------------- affine, condition */

/* Moments of A x + b + e against A m + b and A C A^T + noise I, computed
   from fc_gmm_moments of x: exact up to round-off of the products.  Bands:
   3-term sums for the mean (TOL_EPS(32)), 9-term double sums through two
   sets of moments for the covariance (TOL_EPS(64)).  */
FC_TEST ("affine", test_affine_image_moments_are_exact)
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
FC_TEST ("affine", test_condition_single_gaussian_matches_textbook)
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
FC_TEST ("affine", test_condition_keeps_posterior_psd_for_small_noise)
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
FC_TEST ("affine", test_condition_stays_accurate_with_fewer_rows_and_small_noise)
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
FC_TEST ("affine", test_condition_mixture_satisfies_bayes_rule_pointwise)
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

FC_CK_MAIN ("gmm_condition")
