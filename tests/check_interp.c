/* tests/check_interp.c -- the barycentric interpolant (fc_interp.h) against
 * independent computations:
 *   - two marginals with beta = (1 - t, t), x0 ~ N(0, I): the exact path of
 *     fc_path.h at the linear schedule (log p_t, x1hat = g_1, x0hat = g_0,
 *     u_t = b with dbeta = (-1, 1)), t = 0 and t = 1 included;
 *   - the law of x(beta) against the affine image (fc_gmm_affine) of the
 *     joint mixture of (x_0 .. x_K) built here tuple by tuple;
 *   - g_k against a dense Gaussian conditioning of the joint mixture in
 *     R^{(K+1) D} on x = A (x_0 .. x_K) (GSL BLAS and LU);
 *   - B1 (sum_k beta_k g_k = x) on, off and at the vertices of the simplex;
 *   - sampling moments (Z_MAX standard errors) and the closed-form E||b||^2
 *     against Monte Carlo and against a dense explicit-inverse formula;
 *   - every error path, and thread-count invariance.
 *
 * Round-off bands.  Every covariance below has eigenvalues in
 * [EIG_MIN, EIG_MAX], so each tuple covariance C_c = sum beta_k^2 S_k is
 * conditioned by at most KAPPA = EIG_MAX / EIG_MIN.  A Cholesky solve in
 * dimension D loses about D kappa eps relative to the size of its inputs,
 * and the compared codes take different routes (eigenbases, square-root
 * forms, explicit inverses), so pointwise quantities are compared within
 * TOL_POINT = TOL_EPS(16) * D_MAX * KAPPA relative to their scale
 * (1 + |value|).  */
#include <config.h>

#include <string.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_math.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "fc_check.h"
#include "fc_gmm.h"
#include "fc_interp.h"
#include "fc_path.h"
#include "fc_rng.h"
#include "fc_stats.h"

/* ------------------------------------------------------------ fixtures */

#define D 2
/* Bounds of the eigenvalues of every covariance below (computed by hand
   from trace and determinant of each 2 x 2 matrix: 0.285 .. 1.324).  */
#define EIG_MIN 0.28
#define EIG_MAX 1.33
#define KAPPA (EIG_MAX / EIG_MIN)
#define D_MAX 6 /* the largest dimension any compared code works in */
#define TOL_POINT (TOL_EPS (16) * D_MAX * KAPPA)

/* Marginal A: two full-covariance components.  */
static const double WA[2] = { 0.7, 0.381966 };
static const double MUA[4] = { 0.2, -0.3, 1.7, 0.9 };
static const double SA[8] = { 0.8, 0.3, 0.3, 0.5, 0.4, -0.1, -0.1, 0.6 };
/* Marginal B: one Gaussian.  */
static const double WB[1] = { 1.0 };
static const double MUB[2] = { -0.6, 0.45 };
static const double SB[4] = { 0.9, -0.2, -0.2, 0.35 };
/* Marginal C: three components.  */
static const double WC[3] = { 0.5, 0.3, 1.1 };
static const double MUC[6] = { -1.1, 1.4, 0.3, -1.2, 1.05, 0.25 };
static const double SC[12] = { 1.0, 0.45, 0.45, 0.7, 0.3, 0.05, 0.05, 0.45,
                                0.6, -0.2, -0.2, 0.5 };
/* A second Gaussian, for the three-Gaussian speed test.  */
static const double MUE[2] = { 1.3, -0.7 };
static const double SE2[4] = { 0.55, 0.12, 0.12, 1.1 };
static const double MU0[2] = { 0.0, 0.0 };
static const double ID[4] = { 1.0, 0.0, 0.0, 1.0 };

static fc_gmm *
make_gmm (size_t nc, const double *w, const double *mu, const double *s)
{
  fc_gmm *g = fc_gmm_alloc (D, nc);
  ck_assert_ptr_nonnull (g);
  for (size_t k = 0; k < nc; k++)
    ck_assert_int_eq (fc_gmm_set_component (g, k, w[k], mu + k * D,
                                            s + k * D * D), GSL_SUCCESS);
  ck_assert_int_eq (fc_gmm_prepare (g), GSL_SUCCESS);
  return g;
}

/* The interpolant of marginals A, B, C (6 tuples).  */
static fc_interp *
make_abc (fc_gmm *m[3])
{
  m[0] = make_gmm (2, WA, MUA, SA);
  m[1] = make_gmm (1, WB, MUB, SB);
  m[2] = make_gmm (3, WC, MUC, SC);
  fc_interp *ip = fc_interp_alloc (3, (const fc_gmm *const *) m);
  ck_assert_ptr_nonnull (ip);
  return ip;
}

static void
free_all (fc_interp *ip, fc_gmm **m, size_t nm)
{
  fc_interp_free (ip);
  for (size_t k = 0; k < nm; k++)
    fc_gmm_free (m[k]);
}

/* N evaluation points: draws of x(BETA) (typical points) with the last
   few pushed 6 units out (the tails, where log-sum-exp matters).  */
static double *
make_points (const fc_interp *ip, const double *beta, size_t n)
{
  double *x = malloc (n * D * sizeof (double));
  ck_assert_int_eq (fc_interp_sample (ip, beta, 20240611UL, 0, n, x, NULL),
                    GSL_SUCCESS);
  for (size_t i = n - 4; i < n; i++)
    x[i * D + (i % D)] += (i % 2 ? 6.0 : -6.0);
  return x;
}

static double
row_norm (const double *v)
{
  double s = 0.0;
  for (size_t i = 0; i < D; i++)
    s += v[i] * v[i];
  return sqrt (s);
}

/* --------------------------------------------------------- construction */

START_TEST (test_alloc_refuses_invalid_marginals)
{
  fc_gmm *m[3];
  fc_interp *ip = make_abc (m);
  ck_assert_uint_eq (fc_interp_dim (ip), D);
  ck_assert_uint_eq (fc_interp_n_marginals (ip), 3);
  ck_assert_uint_eq (fc_interp_n_tuples (ip), 6);
  ck_assert_ptr_nonnull (fc_interp_marginal (ip, 2));
  ck_assert_uint_eq (fc_interp_marginal (ip, 2)->n_comp, 3);
  ck_assert_ptr_null (fc_interp_marginal (ip, 3));
  fc_interp_free (ip);
  fc_interp_free (NULL);

  /* Fewer than two marginals, a NULL array, a NULL marginal.  */
  ck_assert_ptr_null (fc_interp_alloc (1, (const fc_gmm *const *) m));
  ck_assert_ptr_null (fc_interp_alloc (2, NULL));
  const fc_gmm *with_null[2] = { m[0], NULL };
  ck_assert_ptr_null (fc_interp_alloc (2, with_null));

  /* Dimensions differ.  */
  double one = 1.0, zero = 0.0;
  fc_gmm *g1 = fc_gmm_alloc (1, 1);
  fc_gmm_set_component (g1, 0, 1.0, &zero, &one);
  fc_gmm_prepare (g1);
  const fc_gmm *mixed[2] = { m[0], g1 };
  ck_assert_ptr_null (fc_interp_alloc (2, mixed));

  /* A point mass (singular component).  */
  double pt[2] = { 0.381966, -1.0 };
  fc_gmm *dirac = fc_gmm_point_masses (D, 1, pt, NULL);
  const fc_gmm *with_dirac[2] = { m[0], dirac };
  ck_assert_ptr_null (fc_interp_alloc (2, with_dirac));

  /* 65 x 64 = 4160 > FC_INTERP_MAX_TUPLES tuples; 64 x 64 = 4096 pass.  */
  fc_gmm_random_params p = { 1.0, 2.0, 1.0, 0.5, 1.5 };
  fc_gmm *r65 = fc_gmm_random (1, 65, &p, 7UL, 0);
  fc_gmm *r64 = fc_gmm_random (1, 64, &p, 7UL, 1);
  const fc_gmm *big[2] = { r65, r64 };
  ck_assert_ptr_null (fc_interp_alloc (2, big));
  const fc_gmm *ok[2] = { r64, r64 };
  fc_interp *ip64 = fc_interp_alloc (2, ok);
  ck_assert_ptr_nonnull (ip64);
  ck_assert_uint_eq (fc_interp_n_tuples (ip64), FC_INTERP_MAX_TUPLES);

  /* An unprepared marginal is prepared on copy.  */
  fc_gmm *raw = fc_gmm_alloc (D, 1);
  fc_gmm_set_component (raw, 0, 0.381966, MUB, SB);
  const fc_gmm *with_raw[2] = { m[0], raw };
  fc_interp *ipr = fc_interp_alloc (2, with_raw);
  ck_assert_ptr_nonnull (ipr);
  ck_assert_double_eq (fc_interp_marginal (ipr, 1)->weight[0], 1.0);

  fc_interp_free (ip64);
  fc_interp_free (ipr);
  fc_gmm_free (raw);
  fc_gmm_free (r65);
  fc_gmm_free (r64);
  fc_gmm_free (dirac);
  fc_gmm_free (g1);
  free_all (NULL, m, 3);
}
END_TEST

/* ------------------------------------------------- against the exact path */

/* K + 1 = 2, x0 ~ N(0, I), x1 ~ A, beta = (1 - t, t): x(beta) is x_t of
   the linear schedule (alpha = t, sigma = 1 - t), so log rho = log p_t,
   g_1 = E[x1 | x_t] = x1hat, g_0 = x0hat and b(dbeta = (-1, 1)) = u_t.
   fc_path.c works in the eigenbasis of each S_k; this file by Cholesky
   factors of C_c, so the agreement is not shared code.  */
static void
check_against_path (const fc_interp *ip, const fc_gmm *a, double t)
{
  const size_t n = 40;
  const double beta[2] = { 1.0 - t, t }, dbeta[2] = { -1.0, 1.0 };
  double *x = make_points (ip, beta, n);
  double *lr = malloc (n * sizeof (double)), *g = malloc (2 * n * D * sizeof (double));
  double *b = malloc (n * D * sizeof (double));
  double *lp = malloc (n * sizeof (double));
  double *x1 = malloc (n * D * sizeof (double)), *x0 = malloc (n * D * sizeof (double));
  double *u = malloc (n * D * sizeof (double));
  ck_assert_int_eq (fc_interp_eval (ip, beta, n, x, lr, g), GSL_SUCCESS);
  ck_assert_int_eq (fc_interp_velocity (ip, beta, dbeta, n, x, b), GSL_SUCCESS);
  fc_path_out out = { lp, NULL, u, x1, x0, NULL };
  ck_assert_int_eq (fc_path_eval_many (a, FC_SCHEDULE_LINEAR, t, n, x, &out),
                    GSL_SUCCESS);
  for (size_t i = 0; i < n; i++)
    {
      fc_ck_assert_abs (lr[i], lp[i], TOL_POINT * (1.0 + fabs (lp[i])),
                        "log rho, t = %g, point %zu", t, i);
      for (size_t j = 0; j < D; j++)
        {
          double e1 = x1[i * D + j], e0 = x0[i * D + j], eu = u[i * D + j];
          fc_ck_assert_abs (g[(n + i) * D + j], e1,
                            TOL_POINT * (1.0 + row_norm (x + i * D)),
                            "g_1 vs x1hat, t = %g, point %zu", t, i);
          fc_ck_assert_abs (g[i * D + j], e0,
                            TOL_POINT * (1.0 + row_norm (x + i * D)),
                            "g_0 vs x0hat, t = %g, point %zu", t, i);
          fc_ck_assert_abs (b[i * D + j], eu,
                            TOL_POINT * (1.0 + row_norm (x + i * D)),
                            "b vs u_t, t = %g, point %zu", t, i);
        }
    }
  free (x);
  free (lr);
  free (g);
  free (b);
  free (lp);
  free (x1);
  free (x0);
  free (u);
}

START_TEST (test_two_marginals_reproduce_the_exact_linear_path)
{
  fc_gmm *m[2];
  m[0] = make_gmm (1, WB, MU0, ID);
  m[1] = make_gmm (2, WA, MUA, SA);
  fc_interp *ip = fc_interp_alloc (2, (const fc_gmm *const *) m);
  ck_assert_ptr_nonnull (ip);
  const double ts[] = { 0.0, 0.381966, 0.7236068, 1.0 };
  for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++)
    check_against_path (ip, m[1], ts[i]);
  free_all (ip, m, 2);
}
END_TEST

/* ------------------------------------------------- against the joint law */

/* The joint mixture of (x_0, x_1, x_2) in R^{3D}: one component per tuple,
   product weight, stacked means, block-diagonal covariance, enumerated
   here in its own order.  */
static fc_gmm *
make_joint (fc_gmm *const m[3])
{
  size_t nj = m[0]->n_comp * m[1]->n_comp * m[2]->n_comp, dj = 3 * D;
  fc_gmm *j = fc_gmm_alloc (dj, nj);
  double mu[3 * D], s[9 * D * D];
  size_t c = 0;
  for (size_t a = 0; a < m[0]->n_comp; a++)
    for (size_t b = 0; b < m[1]->n_comp; b++)
      for (size_t e = 0; e < m[2]->n_comp; e++, c++)
        {
          size_t idx[3] = { a, b, e };
          double w = 1.0;
          memset (s, 0, sizeof s);
          for (size_t k = 0; k < 3; k++)
            {
              w *= m[k]->weight[idx[k]];
              for (size_t p = 0; p < D; p++)
                {
                  mu[k * D + p] = m[k]->mean[idx[k] * D + p];
                  for (size_t q = 0; q < D; q++)
                    s[(k * D + p) * dj + k * D + q]
                      = m[k]->cov[(idx[k] * D + p) * D + q];
                }
            }
          ck_assert_int_eq (fc_gmm_set_component (j, c, w, mu, s), GSL_SUCCESS);
        }
  ck_assert_int_eq (fc_gmm_prepare (j), GSL_SUCCESS);
  return j;
}

/* A = [beta_0 I, beta_1 I, beta_2 I] (D, 3D).  */
static void
make_sum_map (const double *beta, double *a)
{
  memset (a, 0, D * 3 * D * sizeof (double));
  for (size_t k = 0; k < 3; k++)
    for (size_t p = 0; p < D; p++)
      a[p * 3 * D + k * D + p] = beta[k];
}

START_TEST (test_law_of_x_beta_is_the_affine_image_of_the_joint)
{
  fc_gmm *m[3];
  fc_interp *ip = make_abc (m);
  fc_gmm *joint = make_joint (m);
  /* On the simplex, off it (a negative entry) and at a vertex.  */
  const double betas[3][3] = { { 0.381966, 0.236068, 0.381966 },
                               { 1.3, -0.618034, 0.854102 },
                               { 0.0, 0.0, 1.0 } };
  const size_t n = 40;
  for (size_t r = 0; r < 3; r++)
    {
      const double *beta = betas[r];
      double a[D * 3 * D];
      make_sum_map (beta, a);
      fc_gmm *img = fc_gmm_affine (joint, D, a, NULL, 0.0);
      fc_gmm *mix = fc_interp_mixture (ip, beta);
      ck_assert_ptr_nonnull (img);
      ck_assert_ptr_nonnull (mix);
      ck_assert_uint_eq (mix->n_comp, 6);
      double *x = make_points (ip, beta, n);
      double lr[40], li[40], lm[40];
      ck_assert_int_eq (fc_interp_eval (ip, beta, n, x, lr, NULL), GSL_SUCCESS);
      ck_assert_int_eq (fc_gmm_log_density (img, n, x, li), GSL_SUCCESS);
      ck_assert_int_eq (fc_gmm_log_density (mix, n, x, lm), GSL_SUCCESS);
      for (size_t i = 0; i < n; i++)
        {
          fc_ck_assert_abs (lr[i], li[i], TOL_POINT * (1.0 + fabs (li[i])),
                            "log rho vs affine image, beta row %zu, point %zu",
                            r, i);
          fc_ck_assert_abs (lm[i], li[i], TOL_POINT * (1.0 + fabs (li[i])),
                            "mixture density vs affine image, row %zu, point %zu",
                            r, i);
        }
      double me[D], ce[D * D], mm[D], cm[D * D];
      fc_gmm_moments (img, me, ce);
      fc_gmm_moments (mix, mm, cm);
      for (size_t i = 0; i < D; i++)
        fc_ck_assert_abs (mm[i], me[i], TOL_POINT, "mean %zu row %zu", i, r);
      for (size_t i = 0; i < D * D; i++)
        fc_ck_assert_abs (cm[i], ce[i], TOL_POINT, "cov %zu row %zu", i, r);
      free (x);
      fc_gmm_free (img);
      fc_gmm_free (mix);
    }
  fc_gmm_free (joint);
  free_all (ip, m, 3);
}
END_TEST

/* Dense conditioning of the joint: for each of its components (a tuple),
   (X, y = A X) is jointly Gaussian, so with G = A S A^T and r = y - A mu
     E[X | y, c] = mu + S A^T G^{-1} r,
     log P(c | y) = log w_c + log N(r; 0, G) - log-sum-exp,
   evaluated with explicit 6 x 6 matrices, GSL BLAS and an LU solve: the
   textbook formula in R^{3D}, sharing nothing with fc_interp.c but the
   mathematics.  Writes the stacked posterior mean (3D).  */
static void
dense_conditional_mean (const fc_gmm *joint, const double *a, const double *y,
                        double *out)
{
  const size_t dj = 3 * D, nc = joint->n_comp;
  gsl_matrix_const_view av = gsl_matrix_const_view_array (a, D, dj);
  gsl_matrix *sat = gsl_matrix_alloc (dj, D), *g = gsl_matrix_alloc (D, D);
  gsl_permutation *perm = gsl_permutation_alloc (D);
  gsl_vector *r = gsl_vector_alloc (D), *sol = gsl_vector_alloc (D);
  double lw[16], mean[16][3 * D], lmax = -INFINITY;
  for (size_t c = 0; c < nc; c++)
    {
      gsl_matrix_const_view sv
        = gsl_matrix_const_view_array (joint->cov + c * dj * dj, dj, dj);
      gsl_vector_const_view mv
        = gsl_vector_const_view_array (joint->mean + c * dj, dj);
      gsl_blas_dgemm (CblasNoTrans, CblasTrans, 1.0, &sv.matrix, &av.matrix,
                      0.0, sat);
      gsl_blas_dgemm (CblasNoTrans, CblasNoTrans, 1.0, &av.matrix, sat, 0.0,
                      g);
      for (size_t i = 0; i < D; i++)
        gsl_vector_set (r, i, y[i]);
      gsl_blas_dgemv (CblasNoTrans, -1.0, &av.matrix, &mv.vector, 1.0, r);
      int sign;
      gsl_linalg_LU_decomp (g, perm, &sign);
      gsl_linalg_LU_solve (g, perm, r, sol);
      double quad;
      gsl_blas_ddot (r, sol, &quad);
      lw[c] = joint->log_weight[c]
              - 0.5 * (gsl_linalg_LU_lndet (g) + quad + D * log (2 * M_PI));
      lmax = GSL_MAX (lmax, lw[c]);
      gsl_vector_view outv = gsl_vector_view_array (mean[c], dj);
      gsl_vector_memcpy (&outv.vector, &mv.vector);
      gsl_blas_dgemv (CblasNoTrans, 1.0, sat, sol, 1.0, &outv.vector);
    }
  double z = 0.0;
  for (size_t c = 0; c < nc; c++)
    z += exp (lw[c] - lmax);
  for (size_t i = 0; i < dj; i++)
    {
      out[i] = 0.0;
      for (size_t c = 0; c < nc; c++)
        out[i] += exp (lw[c] - lmax) / z * mean[c][i];
    }
  gsl_matrix_free (sat);
  gsl_matrix_free (g);
  gsl_permutation_free (perm);
  gsl_vector_free (r);
  gsl_vector_free (sol);
}

START_TEST (test_g_is_the_dense_conditional_mean_of_the_joint)
{
  fc_gmm *m[3];
  fc_interp *ip = make_abc (m);
  fc_gmm *joint = make_joint (m);
  ck_assert_uint_le (joint->n_comp, 16);
  const double betas[3][3] = { { 0.381966, 0.236068, 0.381966 },
                               { 1.3, -0.618034, 0.854102 },
                               { 0.0, 1.0, 0.0 } };
  const size_t n = 40;
  for (size_t r = 0; r < 3; r++)
    {
      const double *beta = betas[r];
      double a[D * 3 * D];
      make_sum_map (beta, a);
      double *x = make_points (ip, beta, n);
      double g[3 * 40 * D];
      ck_assert_int_eq (fc_interp_eval (ip, beta, n, x, NULL, g), GSL_SUCCESS);
      for (size_t i = 0; i < n; i++)
        {
          double pm[3 * D];
          dense_conditional_mean (joint, a, x + i * D, pm);
          for (size_t k = 0; k < 3; k++)
            for (size_t j = 0; j < D; j++)
              fc_ck_assert_abs (g[(k * n + i) * D + j], pm[k * D + j],
                                TOL_POINT * (1.0 + row_norm (x + i * D)),
                                "g_%zu vs dense conditioning, row %zu, "
                                "point %zu", k, r, i);
        }
      free (x);
    }
  fc_gmm_free (joint);
  free_all (ip, m, 3);
}
END_TEST

/* ------------------------------------------------------ identities (B1) */

/* B1: sum_k beta_k g_k = sum_c r_c (m_c + C_c C_c^{-1} (x - m_c)) = x,
   to round-off relative to sum_k |beta_k| |g_k| + |x|.  */
START_TEST (test_weighted_sum_of_g_is_x_on_and_off_the_simplex)
{
  fc_gmm *m[3];
  fc_interp *ip = make_abc (m);
  const double betas[6][3] = { { 0.381966, 0.236068, 0.381966 },
                               { 1.3, -0.618034, 0.854102 },
                               { -0.4, 2.1, 0.03 },
                               { 1.0, 0.0, 0.0 },
                               { 0.0, 1.0, 0.0 },
                               { 0.0, 0.0, 1.0 } };
  const size_t n = 40;
  for (size_t r = 0; r < 6; r++)
    {
      const double *beta = betas[r];
      double *x = make_points (ip, beta, n);
      double g[3 * 40 * D];
      ck_assert_int_eq (fc_interp_eval (ip, beta, n, x, NULL, g), GSL_SUCCESS);
      for (size_t i = 0; i < n; i++)
        {
          double scale = row_norm (x + i * D);
          for (size_t k = 0; k < 3; k++)
            scale += fabs (beta[k]) * row_norm (g + (k * n + i) * D);
          for (size_t j = 0; j < D; j++)
            {
              double s = 0.0;
              for (size_t k = 0; k < 3; k++)
                s += beta[k] * g[(k * n + i) * D + j];
              fc_ck_assert_abs (s, x[i * D + j], TOL_POINT * scale,
                                "B1, beta row %zu, point %zu", r, i);
            }
        }
      free (x);
    }
  free_all (ip, m, 3);
}
END_TEST

/* At the vertex e_1, x(beta) = x_1: g_1 = x, and x_0, x_2 are independent
   of x, so g_0, g_2 are the marginal means (the tuple posterior of the
   other marginals is their prior).  */
START_TEST (test_vertex_gives_x_and_the_other_marginal_means)
{
  fc_gmm *m[3];
  fc_interp *ip = make_abc (m);
  const double beta[3] = { 0.0, 1.0, 0.0 };
  const size_t n = 40;
  double *x = make_points (ip, beta, n);
  double g[3 * 40 * D], mean[3][D], cov[D * D];
  for (size_t k = 0; k < 3; k++)
    fc_gmm_moments (m[k], mean[k], cov);
  ck_assert_int_eq (fc_interp_eval (ip, beta, n, x, NULL, g), GSL_SUCCESS);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < D; j++)
      {
        double tol = TOL_POINT * (1.0 + row_norm (x + i * D));
        fc_ck_assert_abs (g[(n + i) * D + j], x[i * D + j], tol, "g_1 = x");
        fc_ck_assert_abs (g[i * D + j], mean[0][j], tol, "g_0 = E x_0");
        fc_ck_assert_abs (g[(2 * n + i) * D + j], mean[2][j], tol,
                          "g_2 = E x_2");
      }
  free (x);
  free_all (ip, m, 3);
}
END_TEST

/* b = sum_k dbeta_k g_k (the velocity kernel sums per tuple).  */
START_TEST (test_velocity_is_the_dbeta_weighted_sum_of_g)
{
  fc_gmm *m[3];
  fc_interp *ip = make_abc (m);
  const double beta[3] = { 0.2, 0.381966, 0.418034 };
  const double dbeta[3] = { -1.7, 0.6180339, 1.0819661 };
  const size_t n = 40;
  double *x = make_points (ip, beta, n);
  double g[3 * 40 * D], b[40 * D];
  ck_assert_int_eq (fc_interp_eval (ip, beta, n, x, NULL, g), GSL_SUCCESS);
  ck_assert_int_eq (fc_interp_velocity (ip, beta, dbeta, n, x, b), GSL_SUCCESS);
  for (size_t i = 0; i < n; i++)
    {
      double scale = 0.0;
      for (size_t k = 0; k < 3; k++)
        scale += fabs (dbeta[k]) * row_norm (g + (k * n + i) * D);
      for (size_t j = 0; j < D; j++)
        {
          double s = 0.0;
          for (size_t k = 0; k < 3; k++)
            s += dbeta[k] * g[(k * n + i) * D + j];
          fc_ck_assert_abs (b[i * D + j], s, TOL_POINT * scale,
                            "b vs sum dbeta_k g_k, point %zu", i);
        }
    }
  free (x);
  free_all (ip, m, 3);
}
END_TEST

/* --------------------------------------------------------- error paths */

START_TEST (test_non_admissible_or_invalid_arguments_are_refused)
{
  fc_gmm *m[3];
  fc_interp *ip = make_abc (m);
  const double zero[3] = { 0.0, 0.0, 0.0 };
  const double nan3[3] = { 0.2, NAN, 0.8 };
  const double inf3[3] = { 0.2, 0.3, INFINITY };
  const double beta[3] = { 0.2, 0.381966, 0.418034 };
  const double dbeta[3] = { -1.0, 0.0, 1.0 };
  double x[D] = { 0.1, -0.2 }, lr[1], g[3 * D], b[D], s2;
  /* beta = 0: every C_c = 0, no density.  */
  ck_assert_int_eq (fc_interp_eval (ip, zero, 1, x, lr, g), GSL_EDOM);
  ck_assert_int_eq (fc_interp_velocity (ip, zero, dbeta, 1, x, b), GSL_EDOM);
  ck_assert_ptr_null (fc_interp_mixture (ip, zero));
  ck_assert_int_eq (fc_interp_eval (ip, nan3, 1, x, lr, g), GSL_EDOM);
  ck_assert_int_eq (fc_interp_eval (ip, inf3, 1, x, lr, g), GSL_EDOM);
  ck_assert_ptr_null (fc_interp_mixture (ip, nan3));
  ck_assert_int_eq (fc_interp_velocity (ip, beta, nan3, 1, x, b), GSL_EDOM);
  ck_assert_int_eq (fc_interp_sample (ip, nan3, 1UL, 0, 1, x, NULL), GSL_EDOM);
  /* NULL inputs.  */
  ck_assert_int_eq (fc_interp_eval (NULL, beta, 1, x, lr, g), GSL_EINVAL);
  ck_assert_int_eq (fc_interp_eval (ip, NULL, 1, x, lr, g), GSL_EINVAL);
  ck_assert_int_eq (fc_interp_eval (ip, beta, 1, NULL, lr, g), GSL_EINVAL);
  ck_assert_int_eq (fc_interp_velocity (ip, beta, NULL, 1, x, b), GSL_EINVAL);
  ck_assert_int_eq (fc_interp_velocity (ip, beta, dbeta, 1, x, NULL),
                    GSL_EINVAL);
  ck_assert_int_eq (fc_interp_velocity (NULL, beta, dbeta, 1, x, b),
                    GSL_EINVAL);
  ck_assert_ptr_null (fc_interp_mixture (NULL, beta));
  ck_assert_ptr_null (fc_interp_mixture (ip, NULL));
  ck_assert_int_eq (fc_interp_sample (NULL, beta, 1UL, 0, 1, x, NULL),
                    GSL_EINVAL);
  ck_assert_int_eq (fc_interp_sample (ip, NULL, 1UL, 0, 1, x, NULL),
                    GSL_EINVAL);
  /* No points is not an error; both outputs may be NULL.  */
  ck_assert_int_eq (fc_interp_eval (ip, beta, 0, NULL, NULL, NULL),
                    GSL_SUCCESS);
  ck_assert_int_eq (fc_interp_eval (ip, beta, 1, x, NULL, NULL), GSL_SUCCESS);
  /* Closed-form speed: mixtures refused, then beta = 0, NaN dbeta, NULL.  */
  ck_assert_int_eq (fc_interp_gaussian_speed2 (ip, beta, dbeta, &s2),
                    GSL_EINVAL);
  fc_gmm *gs[2] = { make_gmm (1, WB, MUB, SB), make_gmm (1, WB, MUE, SE2) };
  fc_interp *ig = fc_interp_alloc (2, (const fc_gmm *const *) gs);
  const double z2[2] = { 0.0, 0.0 }, b2[2] = { 0.4, 0.6 }, d2[2] = { -1, 1 };
  const double n2[2] = { NAN, 1.0 };
  ck_assert_int_eq (fc_interp_gaussian_speed2 (ig, z2, d2, &s2), GSL_EDOM);
  ck_assert_int_eq (fc_interp_gaussian_speed2 (ig, b2, n2, &s2), GSL_EDOM);
  ck_assert_int_eq (fc_interp_gaussian_speed2 (ig, n2, d2, &s2), GSL_EDOM);
  ck_assert_int_eq (fc_interp_gaussian_speed2 (ig, b2, d2, NULL), GSL_EINVAL);
  ck_assert_int_eq (fc_interp_gaussian_speed2 (NULL, b2, d2, &s2),
                    GSL_EINVAL);
  fc_interp_free (ig);
  free_all (ip, m, 3);
  fc_gmm_free (gs[0]);
  fc_gmm_free (gs[1]);
}
END_TEST

/* ------------------------------------------------------------ sampling */

/* Sample moments of x(beta) and of each x_k against the exact moments
   (x(beta): mean sum_k beta_k E x_k, covariance sum_k beta_k^2 Cov x_k,
   from fc_gmm_moments of the marginals, not from the tuples), within
   Z_MAX standard errors (fc_stats_moment_z, fourth moment from the
   sample).  Fixed seed; n = 20000 (2000 under valgrind).  */
START_TEST (test_samples_have_the_exact_moments)
{
  fc_gmm *m[3];
  fc_interp *ip = make_abc (m);
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
  free_all (ip, m, 3);
}
END_TEST

/* Draw i depends on neither n nor beta (common random numbers along a
   path): the x_k of 300 draws are the first 300 of 700, at two betas.  */
START_TEST (test_samples_do_not_depend_on_n_or_beta)
{
  fc_gmm *m[3];
  fc_interp *ip = make_abc (m);
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
  free_all (ip, m, 3);
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
START_TEST (test_gaussian_speed2_matches_dense_formula_and_monte_carlo)
{
  fc_gmm *gs[3] = { make_gmm (1, WB, MU0, ID), make_gmm (1, WB, MUB, SB),
                    make_gmm (1, WB, MUE, SE2) };
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

START_TEST (test_results_do_not_depend_on_thread_count)
{
  fc_gmm *m[3];
  fc_interp *ip = make_abc (m);
  const double beta[3] = { 0.2, 0.381966, 0.418034 };
  const double dbeta[3] = { -1.7, 0.6180339, 1.0819661 };
  const size_t n = 1000; /* four chunks */
  double *out[2][4];
  for (int r = 0; r < 2; r++)
    {
#ifdef _OPENMP
      int saved = omp_get_max_threads ();
      omp_set_num_threads (r + 1);
#endif
      out[r][0] = malloc (n * D * sizeof (double));
      out[r][1] = malloc (n * sizeof (double));
      out[r][2] = malloc (3 * n * D * sizeof (double));
      out[r][3] = malloc (n * D * sizeof (double));
      fc_interp_sample (ip, beta, 12UL, 0, n, out[r][0], NULL);
      fc_interp_eval (ip, beta, n, out[r][0], out[r][1], out[r][2]);
      fc_interp_velocity (ip, beta, dbeta, n, out[r][0], out[r][3]);
#ifdef _OPENMP
      omp_set_num_threads (saved);
#endif
    }
  ck_assert_int_eq (memcmp (out[0][0], out[1][0], n * D * sizeof (double)), 0);
  ck_assert_int_eq (memcmp (out[0][1], out[1][1], n * sizeof (double)), 0);
  ck_assert_int_eq (memcmp (out[0][2], out[1][2], 3 * n * D * sizeof (double)),
                    0);
  ck_assert_int_eq (memcmp (out[0][3], out[1][3], n * D * sizeof (double)), 0);
  for (int r = 0; r < 2; r++)
    for (int q = 0; q < 4; q++)
      free (out[r][q]);
  free_all (ip, m, 3);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("interp");
  FC_CK_CASE (s, "exact", test_alloc_refuses_invalid_marginals,
              test_two_marginals_reproduce_the_exact_linear_path,
              test_law_of_x_beta_is_the_affine_image_of_the_joint,
              test_g_is_the_dense_conditional_mean_of_the_joint,
              test_weighted_sum_of_g_is_x_on_and_off_the_simplex,
              test_vertex_gives_x_and_the_other_marginal_means,
              test_velocity_is_the_dbeta_weighted_sum_of_g,
              test_non_admissible_or_invalid_arguments_are_refused);
  FC_CK_CASE (s, "sampling", test_samples_have_the_exact_moments,
              test_samples_do_not_depend_on_n_or_beta,
              test_gaussian_speed2_matches_dense_formula_and_monte_carlo,
              test_results_do_not_depend_on_thread_count);
  return fc_run_suite (s);
}
