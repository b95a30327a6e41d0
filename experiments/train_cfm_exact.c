/* experiments/train_cfm_exact.c -- the closed-form marginal field of the
 * paths train-cfm trains on (the `exact` and `exact-fm` methods).
 *
 * The path is x_t = a x0 + b x1 + c eps with x0 ~ p0, x1 ~ p1, eps ~ N(0, I)
 * independent, and the conditional field every method regresses on is
 * a' x0 + b' x1 (c' = 0):
 *   icfm (Tong et al. §3.2.2, I-CFM): a = 1 - t, b = t, c = sigma,
 *        target x1 - x0;
 *   fm (Lipman et al. 2023, eq. 20-23 with sigma_min = sigma): a = 1 -
 *        (1 - sigma) t, b = t, c = 0, target x1 - (1 - sigma) x0, which is
 *        (x1 - (1 - sigma) x_t) / (1 - (1 - sigma) t) written with x0.
 * The marginal field is u_t(x) = E[a' x0 + b' x1 | x_t = x] (N "marginal vf
 * induced by conditional vf").  When p0 = sum_i v_i N(m0_i, S0_i) and
 * p1 = sum_j w_j N(m1_j, S1_j) (a point generator enters as an empirical
 * sample: one point mass per point, S = 0), x_t is a mixture over pairs
 * (i, j) with
 *   mean   m_ij = a m0_i + b m1_j,
 *   cov    C_ij = a^2 S0_i + b^2 S1_j + c^2 I,
 * and, given the pair, (x0, x1, x_t) is jointly Gaussian:
 *   E[a' x0 + b' x1 | x, ij] = a' m0_i + b' m1_j + K_ij C_ij^{-1} (x - m_ij),
 *   K_ij = a' a S0_i + b' b S1_j,
 * so u_t(x) = sum_ij r_ij(x) E[a' x0 + b' x1 | x, ij] with the pair
 * posterior r_ij from the mixture (log-sum-exp).
 *
 * Cost.  C and K depend on the pair only through the covariances; a law of
 * point masses has one covariance class (0), so an empirical sample of M
 * points against an 8-component mixture has 8 classes, not 8 M.  Each call
 * factors C once per class (GSL Cholesky) and spends about 4 D^2 flops and
 * one exp per pair and point.  The adaptive solver calls the field for one
 * point at a time, which is why nothing larger than the classes is
 * precomputed.  C_ij must be positive definite: with point masses on both
 * sides that needs c > 0 (sigma > 0), at t = 1 of the fm path a = sigma.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "train_cfm.h"

struct tc_exact
{
  const fc_gmm *p0, *p1; /* prepared, owned by the caller */
  int fm_path;
  double sigma;
  size_t dim;
  size_t nc0, nc1; /* covariance classes: 1 (all point masses) or n_comp */
};

/* 1 when every covariance of G is zero (a law of point masses).  */
static int
tc_all_point_masses (const fc_gmm *g)
{
  size_t dd = g->dim * g->dim;
  for (size_t k = 0; k < g->n_comp * dd; k++)
    if (g->cov[k] != 0.0)
      return 0;
  return 1;
}

tc_exact *
tc_exact_alloc (const fc_gmm *source, const fc_gmm *target, int fm_path,
                double sigma)
{
  if (source->dim != target->dim)
    GSL_ERROR_NULL ("dimensions differ", GSL_EBADLEN);
  tc_exact *e = malloc (sizeof *e);
  if (e == NULL)
    GSL_ERROR_NULL ("no memory", GSL_ENOMEM);
  e->p0 = source;
  e->p1 = target;
  e->fm_path = fm_path;
  e->sigma = sigma;
  e->dim = source->dim;
  e->nc0 = tc_all_point_masses (source) ? 1 : source->n_comp;
  e->nc1 = tc_all_point_masses (target) ? 1 : target->n_comp;
  return e;
}

void
tc_exact_free (tc_exact *e)
{
  free (e);
}

/* The path coefficients at T (file comment).  */
typedef struct
{
  double a, b, c, da, db;
} tc_coef;

static tc_coef
tc_exact_coef (const tc_exact *e, double t)
{
  tc_coef k;
  if (e->fm_path)
    k = (tc_coef) { 1.0 - (1.0 - e->sigma) * t, t, 0.0, -(1.0 - e->sigma),
                    1.0 };
  else
    k = (tc_coef) { 1.0 - t, t, e->sigma, -1.0, 1.0 };
  return k;
}

/* Per covariance class (ci, cj): P = C^{-1} (D, D), A = K C^{-1} (D, D),
   half the log-determinant of C.  */
typedef struct
{
  double *p, *a, *half_logdet;
} tc_classes;

static int
tc_class_fill (const tc_exact *e, const tc_coef *k, size_t ci, size_t cj,
               double *p, double *a, double *half_logdet)
{
  size_t d = e->dim, dd = d * d;
  const double *s0 = e->p0->cov + ci * dd, *s1 = e->p1->cov + cj * dd;
  double kk[TC_DIM_MAX * TC_DIM_MAX];
  for (size_t r = 0; r < dd; r++)
    {
      p[r] = k->a * k->a * s0[r] + k->b * k->b * s1[r];
      kk[r] = k->da * k->a * s0[r] + k->db * k->b * s1[r];
    }
  for (size_t r = 0; r < d; r++)
    p[r * d + r] += k->c * k->c;
  gsl_matrix_view pm = gsl_matrix_view_array (p, d, d);
  int status = gsl_linalg_cholesky_decomp1 (&pm.matrix);
  if (status != GSL_SUCCESS)
    return GSL_EDOM;
  double h = 0.0;
  for (size_t r = 0; r < d; r++)
    h += log (p[r * d + r]);
  *half_logdet = h;
  status = gsl_linalg_cholesky_invert (&pm.matrix);
  /* A = K P, D x D (both symmetric; A is not).  */
  for (size_t r = 0; r < d; r++)
    for (size_t s = 0; s < d; s++)
      {
        double acc = 0.0;
        for (size_t q = 0; q < d; q++)
          acc += kk[r * d + q] * p[q * d + s];
        a[r * d + s] = acc;
      }
  return status;
}

static int
tc_classes_fill (const tc_exact *e, const tc_coef *k, tc_classes *cl)
{
  size_t dd = e->dim * e->dim, n = e->nc0 * e->nc1;
  double *block = malloc (n * (2 * dd + 1) * sizeof (double));
  if (block == NULL)
    GSL_ERROR ("no memory", GSL_ENOMEM);
  cl->p = block;
  cl->a = block + n * dd;
  cl->half_logdet = block + 2 * n * dd;
  int status = GSL_SUCCESS;
  for (size_t ci = 0; ci < e->nc0 && status == GSL_SUCCESS; ci++)
    for (size_t cj = 0; cj < e->nc1 && status == GSL_SUCCESS; cj++)
      {
        size_t c = ci * e->nc1 + cj;
        status = tc_class_fill (e, k, ci, cj, cl->p + c * dd, cl->a + c * dd,
                                cl->half_logdet + c);
      }
  if (status != GSL_SUCCESS)
    {
      free (block);
      GSL_ERROR ("a pair covariance of the path is not positive definite "
                 "(point masses with sigma = 0?)", GSL_EDOM);
    }
  return GSL_SUCCESS;
}

/* The field at one point X (D) into U (D): the online log-sum-exp over
   pairs (a running maximum, the sums rescaled when it grows).  */
static void
tc_exact_point (const tc_exact *e, const tc_coef *k, const tc_classes *cl,
                const double *x, double *u)
{
  size_t d = e->dim, dd = d * d;
  double best = -INFINITY, sum = 0.0, acc[TC_DIM_MAX], dx[TC_DIM_MAX],
         v[TC_DIM_MAX];
  memset (acc, 0, d * sizeof (double));
  for (size_t i = 0; i < e->p0->n_comp; i++)
    {
      const double *m0 = e->p0->mean + i * d;
      size_t ci = e->nc0 == 1 ? 0 : i;
      for (size_t j = 0; j < e->p1->n_comp; j++)
        {
          const double *m1 = e->p1->mean + j * d;
          size_t c = ci * e->nc1 + (e->nc1 == 1 ? 0 : j);
          const double *p = cl->p + c * dd, *a = cl->a + c * dd;
          for (size_t r = 0; r < d; r++)
            dx[r] = x[r] - k->a * m0[r] - k->b * m1[r];
          double q = 0.0;
          for (size_t r = 0; r < d; r++)
            {
              double pr = 0.0, ar = 0.0;
              for (size_t s = 0; s < d; s++)
                {
                  pr += p[r * d + s] * dx[s];
                  ar += a[r * d + s] * dx[s];
                }
              q += dx[r] * pr;
              v[r] = k->da * m0[r] + k->db * m1[r] + ar;
            }
          double l = e->p0->log_weight[i] + e->p1->log_weight[j]
                     - cl->half_logdet[c] - 0.5 * q;
          double w = 1.0;
          if (l > best)
            {
              double scale = exp (best - l);
              sum *= scale;
              for (size_t r = 0; r < d; r++)
                acc[r] *= scale;
              best = l;
            }
          else
            w = exp (l - best);
          sum += w;
          for (size_t r = 0; r < d; r++)
            acc[r] += w * v[r];
        }
    }
  for (size_t r = 0; r < d; r++)
    u[r] = acc[r] / sum;
}

int
tc_exact_velocity (double t, size_t n, const double *x, double *u,
                   double *div, void *params)
{
  const tc_exact *e = params;
  if (div != NULL)
    GSL_ERROR ("the exact field of train-cfm gives no divergence",
               GSL_EINVAL);
  if (!(t >= 0.0 && t <= 1.0))
    GSL_ERROR ("t outside [0, 1]", GSL_EDOM);
  tc_coef k = tc_exact_coef (e, t);
  tc_classes cl;
  int status = tc_classes_fill (e, &k, &cl);
  if (status != GSL_SUCCESS)
    return status;
  size_t d = e->dim;
  /* Points are independent: the result of each does not depend on the
     thread count.  */
#pragma omp parallel for schedule(static) if (n >= 64)
  for (size_t i = 0; i < n; i++)
    tc_exact_point (e, &k, &cl, x + i * d, u + i * d);
  free (cl.p);
  for (size_t i = 0; i < n * d; i++)
    if (!isfinite (u[i]))
      GSL_ERROR ("the exact field is not finite", GSL_EBADFUNC);
  return GSL_SUCCESS;
}
