/* src/fc_flow.c -- the normalizing flow of fc_flow.h (L "Warmup:
 * normalizing flow"; claim T1).
 *
 * The coupling conditioner is written out (one hidden tanh layer of
 * FC_FLOW_HIDDEN units on one input): it is a handful of flops per point,
 * where a BLAS call would cost more than it computes.  The linear layer
 * uses GSL's LU factorisation for its inverse and log-determinant.  */
#include <config.h>

#include <math.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "fc_flow.h"
#include "fc_rng.h"

/* s(x_a) and m(x_a) of a coupling layer.  */
static void
fc_flow_conditioner (const fc_flow_layer *l, double xa, double *s, double *m)
{
  double acc_s = 0.0, acc_m = 0.0;
  for (int k = 0; k < FC_FLOW_HIDDEN; k++)
    {
      double h = tanh (l->w[k] * xa + l->b[k]);
      acc_s += l->cs[k] * h;
      acc_m += l->cm[k] * h;
    }
  *s = l->s_max * tanh (acc_s);
  *m = acc_m;
}

static int
fc_flow_check (const fc_flow *flow, size_t j, size_t n, const void *in,
               const void *out)
{
  if (flow == NULL || j >= flow->n_layers || (n > 0 && (in == NULL || out == NULL)))
    GSL_ERROR ("fc_flow: no flow, layer index out of range, or no data",
               GSL_EINVAL);
  return GSL_SUCCESS;
}

int
fc_flow_layer_forward (const fc_flow *flow, size_t j, size_t n,
                       const double *x, double *y, double *logdet)
{
  int status = fc_flow_check (flow, j, n, x, y);
  if (status)
    return status;
  const fc_flow_layer *l = &flow->layer[j];
  for (size_t i = 0; i < n; i++)
    {
      const double *xi = x + 2 * i;
      double *yi = y + 2 * i;
      if (l->kind == FC_FLOW_COUPLING)
        {
          int a = l->cond, b = 1 - a;
          double s, m;
          fc_flow_conditioner (l, xi[a], &s, &m);
          yi[b] = xi[b] * exp (s) + m;
          yi[a] = xi[a];
          if (logdet != NULL)
            logdet[i] += s;
        }
      else
        {
          double y0 = l->W[0] * xi[0] + l->W[1] * xi[1] + l->shift[0];
          double y1 = l->W[2] * xi[0] + l->W[3] * xi[1] + l->shift[1];
          yi[0] = y0;
          yi[1] = y1;
          if (logdet != NULL)
            logdet[i] += l->log_abs_det;
        }
    }
  return GSL_SUCCESS;
}

int
fc_flow_layer_inverse (const fc_flow *flow, size_t j, size_t n,
                       const double *y, double *x, double *logdet)
{
  int status = fc_flow_check (flow, j, n, y, x);
  if (status)
    return status;
  const fc_flow_layer *l = &flow->layer[j];
  /* The 2 x 2 LU factors and permutation of a linear layer.  */
  gsl_matrix_const_view lu = gsl_matrix_const_view_array (l->lu, 2, 2);
  gsl_permutation p = { 2, (size_t *) l->perm };
  for (size_t i = 0; i < n && !status; i++)
    {
      const double *yi = y + 2 * i;
      double *xi = x + 2 * i;
      if (l->kind == FC_FLOW_COUPLING)
        {
          int a = l->cond, b = 1 - a;
          double s, m;
          fc_flow_conditioner (l, yi[a], &s, &m);
          xi[b] = (yi[b] - m) * exp (-s);
          xi[a] = yi[a];
          if (logdet != NULL)
            logdet[i] -= s;
        }
      else
        {
          double rhs[2] = { yi[0] - l->shift[0], yi[1] - l->shift[1] };
          gsl_vector_view bv = gsl_vector_view_array (rhs, 2);
          gsl_vector_view xv = gsl_vector_view_array (xi, 2);
          status = gsl_linalg_LU_solve (&lu.matrix, &p, &bv.vector,
                                        &xv.vector);
          if (logdet != NULL)
            logdet[i] -= l->log_abs_det;
        }
    }
  return status;
}

int
fc_flow_forward (const fc_flow *flow, size_t n, const double *z, double *x,
                 double *logdet)
{
  if (flow == NULL || flow->n_layers == 0)
    GSL_ERROR ("fc_flow_forward: no flow", GSL_EINVAL);
  for (size_t i = 0; i < n && logdet != NULL; i++)
    logdet[i] = 0.0;
  int status = fc_flow_layer_forward (flow, 0, n, z, x, logdet);
  for (size_t j = 1; j < flow->n_layers && !status; j++)
    status = fc_flow_layer_forward (flow, j, n, x, x, logdet);
  return status;
}

int
fc_flow_inverse (const fc_flow *flow, size_t n, const double *x, double *z,
                 double *logdet)
{
  if (flow == NULL || flow->n_layers == 0)
    GSL_ERROR ("fc_flow_inverse: no flow", GSL_EINVAL);
  for (size_t i = 0; i < n && logdet != NULL; i++)
    logdet[i] = 0.0;
  size_t last = flow->n_layers - 1;
  int status = fc_flow_layer_inverse (flow, last, n, x, z, logdet);
  for (size_t j = last; j-- > 0 && !status;)
    status = fc_flow_layer_inverse (flow, j, n, z, z, logdet);
  return status;
}

int
fc_flow_log_density (const fc_flow *flow, size_t n, const double *x,
                     double *logp)
{
  for (size_t i = 0; i < n; i++)
    {
      double z[2];
      int status = fc_flow_inverse (flow, 1, x + 2 * i, z, logp + i);
      if (status)
        return status;
      logp[i] += -0.5 * (z[0] * z[0] + z[1] * z[1]) - M_LN2 - M_LNPI;
    }
  return GSL_SUCCESS;
}

int
fc_flow_sample (const fc_flow *flow, unsigned long seed, size_t n, double *x)
{
  if (flow == NULL || (n > 0 && x == NULL))
    GSL_ERROR ("fc_flow_sample: no flow or no output", GSL_EINVAL);
  int status = fc_rng_gaussian_fill (seed, 0, 2 * n, x);
  if (!status)
    status = fc_flow_forward (flow, n, x, x, NULL);
  return status;
}

/* The condition number of the 2 x 2 matrix W (gsl_linalg_SV_decomp).  */
static double
fc_flow_cond2 (const double W[4])
{
  double a[4] = { W[0], W[1], W[2], W[3] }, v[4], s[2], work[2];
  gsl_matrix_view A = gsl_matrix_view_array (a, 2, 2);
  gsl_matrix_view V = gsl_matrix_view_array (v, 2, 2);
  gsl_vector_view S = gsl_vector_view_array (s, 2);
  gsl_vector_view wk = gsl_vector_view_array (work, 2);
  if (gsl_linalg_SV_decomp (&A.matrix, &V.matrix, &S.vector, &wk.vector))
    return GSL_POSINF;
  return s[1] > 0.0 ? s[0] / s[1] : GSL_POSINF;
}

/* A linear layer W = I + N(0, 0.3^2), cond(W) < FC_FLOW_COND_MAX, and its LU.  */
static int
fc_flow_linear_random (fc_flow_layer *l, gsl_rng *r)
{
  l->kind = FC_FLOW_LINEAR;
  do
    for (int k = 0; k < 4; k++)
      l->W[k] = (k == 0 || k == 3 ? 1.0 : 0.0) + gsl_ran_gaussian (r, 0.3);
  while (!(fc_flow_cond2 (l->W) < FC_FLOW_COND_MAX));
  for (int k = 0; k < 4; k++)
    l->lu[k] = l->W[k];
  l->shift[0] = gsl_ran_gaussian (r, 0.3);
  l->shift[1] = gsl_ran_gaussian (r, 0.3);
  gsl_matrix_view lu = gsl_matrix_view_array (l->lu, 2, 2);
  gsl_permutation p = { 2, l->perm };
  int status = gsl_linalg_LU_decomp (&lu.matrix, &p, &l->signum);
  l->log_abs_det = gsl_linalg_LU_lndet (&lu.matrix);
  return status;
}

static void
fc_flow_coupling_random (fc_flow_layer *l, int cond, double scale, gsl_rng *r)
{
  l->kind = FC_FLOW_COUPLING;
  l->cond = cond;
  l->s_max = 1.0;
  double head = scale / sqrt ((double) FC_FLOW_HIDDEN);
  for (int k = 0; k < FC_FLOW_HIDDEN; k++)
    {
      l->w[k] = gsl_ran_gaussian (r, 1.0);
      l->b[k] = gsl_ran_gaussian (r, 1.0);
      l->cs[k] = gsl_ran_gaussian (r, head);
      l->cm[k] = gsl_ran_gaussian (r, head);
    }
}

int
fc_flow_random (fc_flow *flow, size_t n_coupling, double scale,
                unsigned long seed)
{
  if (flow == NULL || n_coupling == 0 || 2 * n_coupling > FC_FLOW_MAX_LAYERS
      || !(scale >= 0.0) || !isfinite (scale))
    GSL_ERROR ("fc_flow_random: bad flow, layer count or scale", GSL_EINVAL);
  gsl_rng *r = fc_rng_alloc (seed, 0);
  if (r == NULL)
    GSL_ERROR ("no memory", GSL_ENOMEM);
  int status = GSL_SUCCESS;
  flow->n_layers = 2 * n_coupling;
  for (size_t c = 0; c < n_coupling && !status; c++)
    {
      fc_flow_coupling_random (&flow->layer[2 * c], (int) (c % 2), scale, r);
      status = fc_flow_linear_random (&flow->layer[2 * c + 1], r);
    }
  gsl_rng_free (r);
  return status;
}

double
fc_flow_condition (const fc_flow *flow)
{
  double kappa = 1.0;
  for (size_t j = 0; j < flow->n_layers; j++)
    {
      const fc_flow_layer *l = &flow->layer[j];
      kappa *= l->kind == FC_FLOW_LINEAR ? fc_flow_cond2 (l->W)
                                         : exp (2.0 * l->s_max);
    }
  return kappa;
}
