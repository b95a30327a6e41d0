/* tests/check_interp_joint.c -- the barycentric interpolant (fc_interp.h)
 * against the joint mixture of (x_0 .. x_K), built here tuple by tuple:
 *   - the law of x(beta) against the affine image (fc_gmm_affine) of the
 *     joint mixture;
 *   - g_k against a dense Gaussian conditioning of the joint mixture in
 *     R^{(K+1) D} on x = A (x_0 .. x_K) (GSL BLAS and LU).  */
#include <config.h>

#include <string.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_linalg.h>

#include "interp_fixtures.h"

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

/* The coefficients of both comparisons: on the simplex, off it (a
   negative entry) and at two vertices.  */
static const double betas[][3] = { { 0.381966, 0.236068, 0.381966 },
                                   { 1.3, -0.618034, 0.854102 },
                                   { 0.0, 0.0, 1.0 },
                                   { 0.0, 1.0, 0.0 } };
#define N_BETAS ((int) (sizeof betas / sizeof betas[0]))
#define NP 40 /* points per coefficient */

/* A comparison at the coefficients betas[R]: the joint mixture of A, B,
   C, the map A = [beta_0 I, beta_1 I, beta_2 I] and NP points of
   x(beta).  */
typedef struct
{
  const double *beta;
  double a[D * 3 * D];
  fc_gmm *joint;
  double *x;
} joint_case;

static joint_case
joint_case_of (int r)
{
  joint_case c = { betas[r], { 0 }, make_joint (abc_m),
                   make_points (abc, betas[r], NP) };
  make_sum_map (c.beta, c.a);
  return c;
}

static void
joint_case_free (joint_case *c)
{
  free (c->x);
  fc_gmm_free (c->joint);
}

FC_LOOP_TEST ("joint law", test_law_of_x_beta_is_the_affine_image_of_the_joint,
              N_BETAS)
{
  joint_case c = joint_case_of (_i);
  fc_gmm *img = fc_gmm_affine (c.joint, D, c.a, NULL, 0.0);
  fc_gmm *mix = fc_interp_mixture (abc, c.beta);
  ck_assert_ptr_nonnull (img);
  ck_assert_ptr_nonnull (mix);
  ck_assert_uint_eq (mix->n_comp, 6);
  double lr[NP], li[NP], lm[NP];
  ck_assert_int_eq (fc_interp_eval (abc, c.beta, NP, c.x, lr, NULL),
                    GSL_SUCCESS);
  ck_assert_int_eq (fc_gmm_log_density (img, NP, c.x, li), GSL_SUCCESS);
  ck_assert_int_eq (fc_gmm_log_density (mix, NP, c.x, lm), GSL_SUCCESS);
  for (size_t i = 0; i < NP; i++)
    {
      fc_ck_assert_abs (lr[i], li[i], TOL_POINT * (1.0 + fabs (li[i])),
                        "log rho vs affine image, beta row %d, point %zu",
                        _i, i);
      fc_ck_assert_abs (lm[i], li[i], TOL_POINT * (1.0 + fabs (li[i])),
                        "mixture density vs affine image, row %d, point %zu",
                        _i, i);
    }
  double me[D], ce[D * D], mm[D], cm[D * D];
  fc_gmm_moments (img, me, ce);
  fc_gmm_moments (mix, mm, cm);
  for (size_t i = 0; i < D; i++)
    fc_ck_assert_abs (mm[i], me[i], TOL_POINT, "mean %zu row %d", i, _i);
  for (size_t i = 0; i < D * D; i++)
    fc_ck_assert_abs (cm[i], ce[i], TOL_POINT, "cov %zu row %d", i, _i);
  fc_gmm_free (img);
  fc_gmm_free (mix);
  joint_case_free (&c);
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

FC_LOOP_TEST ("joint law", test_g_is_the_dense_conditional_mean_of_the_joint,
              N_BETAS)
{
  joint_case c = joint_case_of (_i);
  ck_assert_uint_le (c.joint->n_comp, 16);
  double g[3 * NP * D];
  ck_assert_int_eq (fc_interp_eval (abc, c.beta, NP, c.x, NULL, g),
                    GSL_SUCCESS);
  for (size_t i = 0; i < NP; i++)
    {
      double pm[3 * D];
      const double *xi = c.x + i * D;
      dense_conditional_mean (c.joint, c.a, xi, pm);
      for (size_t k = 0; k < 3; k++)
        for (size_t j = 0; j < D; j++)
          fc_ck_assert_abs (g[(k * NP + i) * D + j], pm[k * D + j],
                            TOL_POINT * (1.0 + row_norm (xi)),
                            "g_%zu vs dense conditioning, row %d, point %zu",
                            k, _i, i);
    }
  joint_case_free (&c);
}
END_TEST

FC_FIXTURE ("joint law", abc_setup, abc_teardown)

FC_CK_MAIN ("interp_joint")
