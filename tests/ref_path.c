/* tests/ref_path.c -- reference path quantities, point by point, with
 * Cholesky solves of C_k = alpha^2 S_k + sigma^2 I in the original basis
 * (see ref_path.h for why it is written this way).  Formulas: fc_path.h and
 * CATALOG.md "Conventions".  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_math.h>

#include "ref_path.h"

typedef struct
{
  const fc_gmm *g;
  fc_schedule_value sv;
  size_t d, nk;
  double *block;       /* the one allocation all arrays below lie in */
  gsl_matrix_view c;   /* (D, D) C_k, then its Cholesky factor */
  gsl_vector_view r;   /* (D) x - alpha mu_k */
  gsl_vector_view col; /* (D) a column of C_k^{-1} */
  gsl_vector_view tmp; /* (D) */
  double *l;           /* (K) log w_k N_k(x) */
  double *y;           /* (K, D) C_k^{-1} (x - alpha mu_k) */
  double *u;           /* (K, D) the velocity of component k */
  double *x1;          /* (K, D) E[x1 | x_t = x, k] */
  double *trb;         /* (K) tr B_k */
} ref_ws;

/* The next N doubles of the block at *NEXT, which moves past them.  */
static double *
take (double **next, size_t n)
{
  double *p = *next;
  *next += n;
  return p;
}

/* The workspace of G, in one block; GSL_ENOMEM when there is no room.  */
static int
ref_ws_alloc (ref_ws *w, const fc_gmm *g)
{
  size_t d = g->dim, nk = g->n_comp;
  w->g = g;
  w->d = d;
  w->nk = nk;
  w->block = malloc ((d * d + 3 * d + nk * (2 + 3 * d)) * sizeof (double));
  if (w->block == NULL)
    return GSL_ENOMEM;
  double *next = w->block;
  w->c = gsl_matrix_view_array (take (&next, d * d), d, d);
  w->r = gsl_vector_view_array (take (&next, d), d);
  w->col = gsl_vector_view_array (take (&next, d), d);
  w->tmp = gsl_vector_view_array (take (&next, d), d);
  w->l = take (&next, nk);
  w->trb = take (&next, nk);
  w->y = take (&next, nk * d);
  w->u = take (&next, nk * d);
  w->x1 = take (&next, nk * d);
  return GSL_SUCCESS;
}

/* C = alpha^2 S_k + sigma^2 I, factored in place.  GSL_EDOM if not PD. */
static int
ref_factor (ref_ws *w, size_t k)
{
  size_t d = w->d;
  const double *s = w->g->cov + k * d * d;
  double a2 = w->sv.alpha * w->sv.alpha;
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j < d; j++)
      gsl_matrix_set (&w->c.matrix, i, j,
                      a2 * s[i * d + j] + (i == j ? w->sv.sigma2 : 0.0));
  gsl_error_handler_t *h = gsl_set_error_handler_off ();
  int status = gsl_linalg_cholesky_decomp1 (&w->c.matrix);
  gsl_set_error_handler (h);
  return status ? GSL_EDOM : GSL_SUCCESS;
}

/* tr B_k = tr((alpha alpha' S_k + sigma sigma' I) C_k^{-1}), column by
   column: the j-th diagonal entry of M C^{-1} is row j of M times column j
   of C^{-1}, which is a Cholesky solve against e_j.  */
static double
ref_trace_b (ref_ws *w, size_t k)
{
  size_t d = w->d;
  const double *s = w->g->cov + k * d * d;
  double aa = w->sv.alpha * w->sv.dalpha, tr = 0.0;
  for (size_t j = 0; j < d; j++)
    {
      gsl_vector_set_basis (&w->tmp.vector, j);
      gsl_linalg_cholesky_solve (&w->c.matrix, &w->tmp.vector,
                                 &w->col.vector);
      double mj = 0.0;
      for (size_t i = 0; i < d; i++)
        mj += (aa * s[j * d + i] + (i == j ? w->sv.sigma_dsigma : 0.0))
              * gsl_vector_get (&w->col.vector, i);
      tr += mj;
    }
  return tr;
}

/* Everything about component K at point X. */
static int
ref_component (ref_ws *w, size_t k, const double *x)
{
  size_t d = w->d;
  const double *mu = w->g->mean + k * d;
  const double *s = w->g->cov + k * d * d;
  const fc_schedule_value *v = &w->sv;
  if (ref_factor (w, k))
    return GSL_EDOM;
  for (size_t i = 0; i < d; i++)
    gsl_vector_set (&w->r.vector, i, x[i] - v->alpha * mu[i]);
  gsl_vector_view y = gsl_vector_view_array (w->y + k * d, d);
  gsl_linalg_cholesky_solve (&w->c.matrix, &w->r.vector, &y.vector);
  double quad, logdet = 0.0;
  gsl_blas_ddot (&w->r.vector, &y.vector, &quad);
  for (size_t i = 0; i < d; i++)
    logdet += 2.0 * log (gsl_matrix_get (&w->c.matrix, i, i));
  w->l[k] = log (w->g->weight[k]) - 0.5 * quad - 0.5 * logdet
            - 0.5 * d * log (2.0 * M_PI);
  for (size_t i = 0; i < d; i++)
    {
      double sy = 0.0, yi = w->y[k * d + i];
      for (size_t j = 0; j < d; j++)
        sy += s[i * d + j] * w->y[k * d + j];
      double x1 = mu[i] + v->alpha * sy;
      /* sigma' E[x0|x,k] = sigma' sigma y, written with the finite product
         at sigma = 0 where sigma' may be infinite (vp at t = 1).  */
      double d0 = v->sigma > 0.0 ? v->dsigma * (v->sigma * yi)
                                 : v->sigma_dsigma * yi;
      w->x1[k * d + i] = x1;
      w->u[k * d + i] = v->dalpha * x1 + d0;
    }
  w->trb[k] = ref_trace_b (w, k);
  return GSL_SUCCESS;
}

/* Quantity Q at the point X into OUT (width 1 or D). */
static int
ref_point (ref_ws *w, fc_quantity q, const double *x, double *out)
{
  size_t d = w->d, nk = w->nk;
  double lmax = -INFINITY, sum = 0.0;
  for (size_t k = 0; k < nk; k++)
    {
      if (ref_component (w, k, x))
        return GSL_EDOM;
      lmax = GSL_MAX (lmax, w->l[k]);
    }
  for (size_t k = 0; k < nk; k++)
    sum += exp (w->l[k] - lmax);
  if (q == FC_Q_LOGP)
    {
      out[0] = lmax + log (sum);
      return GSL_SUCCESS;
    }
  double sc[d], u[d], acc = 0.0;
  memset (sc, 0, sizeof sc);
  memset (u, 0, sizeof u);
  if (q != FC_Q_DIV)
    memset (out, 0, d * sizeof (double));
  for (size_t k = 0; k < nk; k++)
    {
      double r = exp (w->l[k] - lmax) / sum, su = 0.0;
      const double *yk = w->y + k * d, *uk = w->u + k * d;
      for (size_t i = 0; i < d; i++)
        {
          sc[i] -= r * yk[i];
          u[i] += r * uk[i];
          su -= yk[i] * uk[i];
          if (q == FC_Q_SCORE)
            out[i] -= r * yk[i];
          else if (q == FC_Q_VELOCITY)
            out[i] += r * uk[i];
          else if (q == FC_Q_X1HAT)
            out[i] += r * w->x1[k * d + i];
          else if (q == FC_Q_X0HAT)
            out[i] += r * w->sv.sigma * yk[i];
        }
      acc += r * (w->trb[k] + su);
    }
  if (q == FC_Q_DIV)
    {
      double su = 0.0;
      for (size_t i = 0; i < d; i++)
        su += sc[i] * u[i];
      out[0] = acc - su;
    }
  return GSL_SUCCESS;
}

int
ref_path_eval (const fc_gmm *g, fc_schedule s, double t, fc_quantity q,
               size_t n, const double *x, double *out)
{
  ref_ws w;
  int status = fc_schedule_eval (s, t, &w.sv);
  if (status)
    return status;
  if ((int) q < 0 || q >= FC_Q_COUNT)
    GSL_ERROR ("unknown quantity", GSL_EINVAL);
  for (size_t j = 0; j < n * g->dim; j++)
    if (!isfinite (x[j]))
      GSL_ERROR ("input is not finite", GSL_EBADFUNC);
  size_t width = (q == FC_Q_LOGP || q == FC_Q_DIV) ? 1 : g->dim;
  if (ref_ws_alloc (&w, g))
    GSL_ERROR ("reference: no room for the workspace", GSL_ENOMEM);
  for (size_t p = 0; p < n && status == GSL_SUCCESS; p++)
    status = ref_point (&w, q, x + p * g->dim, out + p * width);
  free (w.block);
  if (status)
    GSL_ERROR ("reference: C_k not positive definite", status);
  return GSL_SUCCESS;
}
