/* src/fc_fd.c -- continuity residual by central differences, order fits.
 *
 * The residual of d/dt p + div (p u) = 0 (L "Background: continuity
 * equation") by second-order central differences, one batched field call
 * per stencil point: two in t (at x, times t +- h) and two per coordinate
 * (at x +- h e_j, time t), 2 + 2 D calls in all.  Truncation error of each
 * quotient is h^2/6 times a third derivative, so a field that solves the
 * equation leaves R_h = O(h^2) and one that does not leaves R_h -> R_0 != 0.
 * Claims are judged by the order fitted over several h (fc_fd_order_fit).  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_fit.h>

#include "fc_fd.h"

/* Scratch of one residual evaluation, one allocation.  */
typedef struct
{
  double *block;
  double *xs; /* (n, D) shifted copy of the points */
  double *p;  /* (n) density at the stencil point */
  double *u;  /* (n, D) field at the stencil point */
  double *pu; /* (n) (p u_j) at x + h e_j, held while x - h e_j runs */
} fc_fd_scratch;

static int
fc_fd_scratch_alloc (fc_fd_scratch *s, size_t n, size_t dim)
{
  s->block = malloc ((2 * n * dim + 2 * n) * sizeof (double));
  if (s->block == NULL)
    return GSL_ENOMEM;
  s->xs = s->block;
  s->u = s->xs + n * dim;
  s->p = s->u + n * dim;
  s->pu = s->p + n;
  return GSL_SUCCESS;
}

/* RESIDUAL (n) = [p(t+h, x) - p(t-h, x)] / (2h).  */
static int
fc_fd_time_term (fc_density_field_fn f, void *params, double t, double h,
                 size_t n, const double *x, fc_fd_scratch *s,
                 double *residual)
{
  int status = f (t + h, n, x, residual, s->u, params);
  if (status)
    return status;
  status = f (t - h, n, x, s->p, s->u, params);
  if (status)
    return status;
  for (size_t i = 0; i < n; i++)
    residual[i] = (residual[i] - s->p[i]) / (2.0 * h);
  return GSL_SUCCESS;
}

/* OUT (n) = (p u_j)(t, x + shift e_j), through the shifted copy xs.  */
static int
fc_fd_flux_at (fc_density_field_fn f, void *params, size_t dim, double t,
               size_t n, const double *x, size_t j, double shift,
               fc_fd_scratch *s, double *out)
{
  memcpy (s->xs, x, n * dim * sizeof (double));
  for (size_t i = 0; i < n; i++)
    s->xs[i * dim + j] += shift;
  int status = f (t, n, s->xs, s->p, s->u, params);
  if (status)
    return status;
  for (size_t i = 0; i < n; i++)
    out[i] = s->p[i] * s->u[i * dim + j];
  return GSL_SUCCESS;
}

/* RESIDUAL (n) += sum_j [(p u_j)(x + h e_j) - (p u_j)(x - h e_j)] / (2h),
   all at time t.  */
static int
fc_fd_space_term (fc_density_field_fn f, void *params, size_t dim, double t,
                  double h, size_t n, const double *x, fc_fd_scratch *s,
                  double *residual)
{
  for (size_t j = 0; j < dim; j++)
    {
      int status = fc_fd_flux_at (f, params, dim, t, n, x, j, h, s, s->pu);
      if (status)
        return status;
      /* s->p is free again once the plus side is in s->pu.  */
      status = fc_fd_flux_at (f, params, dim, t, n, x, j, -h, s, s->p);
      if (status)
        return status;
      for (size_t i = 0; i < n; i++)
        residual[i] += (s->pu[i] - s->p[i]) / (2.0 * h);
    }
  return GSL_SUCCESS;
}

int
fc_fd_continuity_residual (fc_density_field_fn f, void *params, size_t dim,
                           double t, double h, size_t n, const double *x,
                           double *residual, double *dpdt)
{
  if (!(h > 0.0) || !isfinite (h) || dim == 0)
    GSL_ERROR ("step h must be finite and positive, dim positive", GSL_EDOM);
  if (!(t - h >= 0.0) || !(t + h <= 1.0))
    GSL_ERROR ("stencil t +- h leaves [0, 1]", GSL_EDOM);
  if (n == 0)
    return GSL_SUCCESS;
  fc_fd_scratch s;
  if (fc_fd_scratch_alloc (&s, n, dim) != GSL_SUCCESS)
    GSL_ERROR ("cannot allocate finite-difference scratch", GSL_ENOMEM);
  int status = fc_fd_time_term (f, params, t, h, n, x, &s, residual);
  if (status == GSL_SUCCESS && dpdt != NULL)
    memcpy (dpdt, residual, n * sizeof (double));
  if (status == GSL_SUCCESS)
    status = fc_fd_space_term (f, params, dim, t, h, n, x, &s, residual);
  free (s.block);
  return status;
}

/* GSL_EDOM unless every H and ERR is finite and positive (they are
   logged).  */
static int
fc_fd_check_positive (size_t n, const double *h, const double *err)
{
  for (size_t i = 0; i < n; i++)
    if (!(h[i] > 0.0) || !(err[i] > 0.0) || !isfinite (h[i])
        || !isfinite (err[i]))
      return GSL_EDOM;
  return GSL_SUCCESS;
}

int
fc_fd_order_fit (size_t n, const double *h, const double *err, double *order,
                 double *log_c, double *order_stderr)
{
  if (n < 2)
    GSL_ERROR ("an order fit needs at least two points", GSL_EDOM);
  if (fc_fd_check_positive (n, h, err) != GSL_SUCCESS)
    GSL_ERROR ("step sizes and errors must be finite and positive", GSL_EDOM);
  double *lx = malloc (2 * n * sizeof (double));
  if (lx == NULL)
    GSL_ERROR ("cannot allocate the log arrays", GSL_ENOMEM);
  double *ly = lx + n;
  for (size_t i = 0; i < n; i++)
    {
      lx[i] = log (h[i]);
      ly[i] = log (err[i]);
    }
  double c0, c1, cov00, cov01, cov11, sumsq;
  int status = gsl_fit_linear (lx, 1, ly, 1, n, &c0, &c1, &cov00, &cov01,
                               &cov11, &sumsq);
  free (lx);
  if (status)
    return status;
  if (order)
    *order = c1;
  if (log_c)
    *log_c = c0;
  /* gsl_fit_linear scales the covariance by sumsq / (n - 2): with two
     points the line interpolates and there is no scatter to estimate.  */
  if (order_stderr)
    *order_stderr = n > 2 ? sqrt (cov11) : 0.0;
  return GSL_SUCCESS;
}

int
fc_fd_local_orders (size_t n, const double *h, const double *err,
                    double *local)
{
  if (n < 2)
    GSL_ERROR ("local orders need at least two points", GSL_EDOM);
  if (fc_fd_check_positive (n, h, err) != GSL_SUCCESS)
    GSL_ERROR ("step sizes and errors must be finite and positive", GSL_EDOM);
  for (size_t i = 0; i + 1 < n; i++)
    if (h[i + 1] == h[i])
      GSL_ERROR ("consecutive step sizes must differ", GSL_EDOM);
  for (size_t i = 0; i + 1 < n; i++)
    local[i] = log (err[i + 1] / err[i]) / log (h[i + 1] / h[i]);
  return GSL_SUCCESS;
}

double
fc_fd_rms (size_t n, const double *v)
{
  if (n == 0)
    return NAN;
  /* The scaled sum of squares of the reference dnrm2 (scale = the largest
     |v_i| so far, ssq the sum of (v_i/scale)^2), so squares of large
     residuals cannot overflow, written out rather than called through the
     CBLAS: the optimised BLAS's dnrm2 (OpenBLAS's x87 kernel) differs in
     its last bits from the reference one and overflows under valgrind,
     which emulates 80-bit arithmetic in 64 bits; this loop gives the same
     bits with either BLAS and under valgrind.  */
  double scale = 0.0, ssq = 1.0;
  for (size_t i = 0; i < n; i++)
    {
      double a = fabs (v[i]);
      if (a == 0.0)
        continue;
      if (scale < a)
        {
          ssq = 1.0 + ssq * (scale / a) * (scale / a);
          scale = a;
        }
      else
        ssq += (a / scale) * (a / scale);
    }
  return scale * sqrt (ssq) / sqrt ((double) n);
}
