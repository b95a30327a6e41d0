/* tests/check_interp_sample.c -- sampling the barycentric interpolant
 * (fc_interp.h): sample moments (Z_MAX standard errors), draws that
 * depend on neither n nor beta, the closed-form E||b||^2 of Gaussian
 * marginals against Monte Carlo and against a dense explicit-inverse
 * formula, and thread-count invariance.  */
#include <config.h>

#include <string.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_linalg.h>

#include "interp_fixtures.h"
#include "fc_stats.h"

/* ------------------------------------------------------------ sampling */

/* Sample moments of x(beta) and of each x_k against the exact moments
   (x(beta): mean sum_k beta_k E x_k, covariance sum_k beta_k^2 Cov x_k,
   from fc_gmm_moments of the marginals, not from the tuples), within
   Z_MAX standard errors (fc_stats_moment_z, fourth moment from the
   sample).  Fixed seed; n = 20000 (2000 under valgrind).  */
FC_TEST ("sampling", test_samples_have_the_exact_moments)
{
  fc_gmm **m = abc_m;
  fc_interp *ip = abc;
  const double beta[3] = { 1.3, -0.618034, 0.854102 };
  size_t n = fc_under_valgrind () ? 2000 : 20000;
  double *x = malloc (n * D * sizeof (double));
  double *xk = malloc (3 * n * D * sizeof (double));
  ck_assert_int_eq (fc_interp_sample (ip, beta, 31UL, 5UL, n, x, xk),
                    GSL_SUCCESS);
  double mean[D] = { 0 }, cov[D * D] = { 0 }, mk[D], ck[D * D], zm, zv;
  for (size_t k = 0; k < 3; k++)
    {
      fc_gmm_moments (m[k], mk, ck);
      for (size_t i = 0; i < D; i++)
        mean[i] += beta[k] * mk[i];
      for (size_t i = 0; i < D * D; i++)
        cov[i] += beta[k] * beta[k] * ck[i];
      fc_stats_moment_z (n, D, xk + k * n * D, mk, ck, NULL, &zm, &zv);
      ck_assert_msg (zm <= Z_MAX && zv <= Z_MAX,
                     "x_%zu: mean z %g, variance z %g", k, zm, zv);
    }
  fc_stats_moment_z (n, D, x, mean, cov, NULL, &zm, &zv);
  ck_assert_msg (zm <= Z_MAX && zv <= Z_MAX, "x(beta): mean z %g, var z %g",
                 zm, zv);
  /* x is the beta-weighted sum of the x_k drawn with it, in the same
     order of operations.  */
  for (size_t i = 0; i < n * D; i++)
    {
      double s = 0.0;
      for (size_t k = 0; k < 3; k++)
        s += beta[k] * xk[k * n * D + i];
      ck_assert_double_eq (x[i], s);
    }
  free (x);
  free (xk);
}
END_TEST

/* Draw i depends on neither n nor beta (common random numbers along a
   path): the x_k of 300 draws are the first 300 of 700, at two betas.  */
FC_TEST ("sampling", test_samples_do_not_depend_on_n_or_beta)
{
  fc_interp *ip = abc;
  const double b1[3] = { 0.2, 0.381966, 0.418034 }, b2[3] = { 1.0, 0.0, 0.0 };
  size_t n1 = 300, n2 = 700;
  double *a = malloc (3 * n1 * D * sizeof (double));
  double *b = malloc (3 * n2 * D * sizeof (double));
  double *xa = malloc (n1 * D * sizeof (double));
  ck_assert_int_eq (fc_interp_sample (ip, b1, 9UL, 3UL, n1, xa, a), GSL_SUCCESS);
  ck_assert_int_eq (fc_interp_sample (ip, b2, 9UL, 3UL, n2, NULL, b),
                    GSL_SUCCESS);
  for (size_t k = 0; k < 3; k++)
    ck_assert_int_eq (memcmp (a + k * n1 * D, b + k * n2 * D,
                              n1 * D * sizeof (double)), 0);
  /* Without XK the x(beta) draws are the same.  */
  double *xb = malloc (n1 * D * sizeof (double));
  ck_assert_int_eq (fc_interp_sample (ip, b1, 9UL, 3UL, n1, xb, NULL),
                    GSL_SUCCESS);
  ck_assert_int_eq (memcmp (xa, xb, n1 * D * sizeof (double)), 0);
  /* Another stream base gives other draws.  */
  ck_assert_int_eq (fc_interp_sample (ip, b1, 9UL, 4UL, n1, xb, NULL),
                    GSL_SUCCESS);
  ck_assert_int_ne (memcmp (xa, xb, n1 * D * sizeof (double)), 0);
  free (a);
  free (b);
  free (xa);
  free (xb);
}
END_TEST

/* -------------------------------------------------------- Gaussian speed */

/* E||b||^2 by the dense textbook formula with an explicit inverse (LU):
   |sum dbeta_k mu_k|^2 + tr(M C M^T), M = sum_k dbeta_k beta_k S_k C^{-1}. */
static double
dense_speed2 (size_t nm, const double *const *mu, const double *const *s,
              const double *beta, const double *dbeta)
{
  gsl_matrix *c = gsl_matrix_calloc (D, D), *ci = gsl_matrix_alloc (D, D);
  gsl_matrix *p = gsl_matrix_calloc (D, D), *mm = gsl_matrix_alloc (D, D);
  gsl_matrix *t1 = gsl_matrix_alloc (D, D), *t2 = gsl_matrix_alloc (D, D);
  gsl_permutation *perm = gsl_permutation_alloc (D);
  double mb[D] = { 0 };
  for (size_t k = 0; k < nm; k++)
    for (size_t i = 0; i < D; i++)
      {
        mb[i] += dbeta[k] * mu[k][i];
        for (size_t j = 0; j < D; j++)
          {
            *gsl_matrix_ptr (c, i, j) += beta[k] * beta[k] * s[k][i * D + j];
            *gsl_matrix_ptr (p, i, j) += dbeta[k] * beta[k] * s[k][i * D + j];
          }
      }
  gsl_matrix_memcpy (t1, c);
  int sign;
  gsl_linalg_LU_decomp (t1, perm, &sign);
  gsl_linalg_LU_invert (t1, perm, ci);
  gsl_blas_dgemm (CblasNoTrans, CblasNoTrans, 1.0, p, ci, 0.0, mm);
  gsl_blas_dgemm (CblasNoTrans, CblasNoTrans, 1.0, mm, c, 0.0, t1);
  gsl_blas_dgemm (CblasNoTrans, CblasTrans, 1.0, t1, mm, 0.0, t2);
  double s2 = 0.0;
  for (size_t i = 0; i < D; i++)
    s2 += mb[i] * mb[i] + gsl_matrix_get (t2, i, i);
  gsl_matrix_free (c);
  gsl_matrix_free (ci);
  gsl_matrix_free (p);
  gsl_matrix_free (mm);
  gsl_matrix_free (t1);
  gsl_matrix_free (t2);
  gsl_permutation_free (perm);
  return s2;
}

/* Three Gaussians: the closed form against the dense formula (round-off,
   the explicit inverse and two products costing KAPPA^2), and against a
   Monte Carlo mean of ||b(x)||^2 over x ~ rho(beta) within Z_MAX standard
   errors (SE = sample sd / sqrt(n), n = 20000, 2000 under valgrind), at
   an interior beta, an off-simplex beta and the vertices e_0 (t = 0 of the
   straight path from 0 to 2) and e_2 (t = 1).  */
FC_TEST ("sampling", test_gaussian_speed2_matches_dense_formula_and_monte_carlo)
{
  fc_gmm *gs[3] = { make_gmm (D, 1, WB, MU0, ID),
                    make_gmm (D, 1, WB, MUB, SB),
                    make_gmm (D, 1, WB, MUE, SE2) };
  fc_interp *ip = fc_interp_alloc (3, (const fc_gmm *const *) gs);
  const double *mus[3] = { MU0, MUB, MUE }, *ss[3] = { ID, SB, SE2 };
  const double betas[4][3] = { { 0.381966, 0.236068, 0.381966 },
                               { 1.3, -0.618034, 0.854102 },
                               { 1.0, 0.0, 0.0 },
                               { 0.0, 0.0, 1.0 } };
  const double dbeta[3] = { -1.2, 0.381966, 0.818034 };
  size_t n = fc_under_valgrind () ? 2000 : 20000;
  double *x = malloc (n * D * sizeof (double));
  double *b = malloc (n * D * sizeof (double));
  for (size_t r = 0; r < 4; r++)
    {
      double s2;
      ck_assert_int_eq (fc_interp_gaussian_speed2 (ip, betas[r], dbeta, &s2),
                        GSL_SUCCESS);
      double dense = dense_speed2 (3, mus, ss, betas[r], dbeta);
      fc_ck_assert_rel (s2, dense, TOL_POINT * KAPPA, "dense, row %zu", r);
      fc_interp_sample (ip, betas[r], 77UL, 0, n, x, NULL);
      fc_interp_velocity (ip, betas[r], dbeta, n, x, b);
      double sum = 0.0, sum2 = 0.0;
      for (size_t i = 0; i < n; i++)
        {
          double e = row_norm (b + i * D);
          e *= e;
          sum += e;
          sum2 += e * e;
        }
      double mean = sum / (double) n;
      double se = sqrt ((sum2 / (double) n - mean * mean) / (double) (n - 1));
      ck_assert_msg (fabs (mean - s2) <= Z_MAX * se,
                     "row %zu: MC %g vs closed form %g, SE %g", r, mean, s2,
                     se);
    }
  free (x);
  free (b);
  fc_interp_free (ip);
  for (size_t k = 0; k < 3; k++)
    fc_gmm_free (gs[k]);
}
END_TEST

/* ------------------------------------------------------------- threads */

FC_TEST ("sampling", test_results_do_not_depend_on_thread_count)
{
  fc_interp *ip = abc;
  const double beta[3] = { 0.2, 0.381966, 0.418034 };
  const double dbeta[3] = { -1.7, 0.6180339, 1.0819661 };
  const size_t n = 1000; /* four chunks */
  double *out[2][4];
  for (int r = 0; r < 2; r++)
    {
      int saved = set_threads (r + 1);
      out[r][0] = malloc (n * D * sizeof (double));
      out[r][1] = malloc (n * sizeof (double));
      out[r][2] = malloc (3 * n * D * sizeof (double));
      out[r][3] = malloc (n * D * sizeof (double));
      fc_interp_sample (ip, beta, 12UL, 0, n, out[r][0], NULL);
      fc_interp_eval (ip, beta, n, out[r][0], out[r][1], out[r][2]);
      fc_interp_velocity (ip, beta, dbeta, n, out[r][0], out[r][3]);
      set_threads (saved);
    }
  ck_assert_int_eq (memcmp (out[0][0], out[1][0], n * D * sizeof (double)), 0);
  ck_assert_int_eq (memcmp (out[0][1], out[1][1], n * sizeof (double)), 0);
  ck_assert_int_eq (memcmp (out[0][2], out[1][2], 3 * n * D * sizeof (double)),
                    0);
  ck_assert_int_eq (memcmp (out[0][3], out[1][3], n * D * sizeof (double)), 0);
  for (int r = 0; r < 2; r++)
    for (int q = 0; q < 4; q++)
      free (out[r][q]);
}
END_TEST

FC_FIXTURE ("sampling", abc_setup, abc_teardown)

FC_CK_MAIN ("interp_sample")
