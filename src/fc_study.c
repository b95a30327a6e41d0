/* src/fc_study.c -- order studies of the continuity residual.
 *
 * The procedure of fc_study.h, first written for claims C1-C3 (module
 * `continuity`) and shared by every claim of the form "this pair solves
 * the continuity equation" (L "Background: continuity equation";
 * N "marginal vf induced by conditional vf").  */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>

#include "fc_fd.h"
#include "fc_rng.h"
#include "fc_study.h"

/* A residual that does not converge: fitted order below one quarter of the
   predicted 2 (a stalled residual has slope ~ 0, a converging one ~ 2).  */
#define FC_ORDER_STUDY_STALL (0.25 * FC_ORDER_STUDY_ORDER)

size_t
fc_study_ladder_above_floor (size_t n, const double *err, double floor)
{
  size_t k = 0;
  while (k < n && fabs (err[k]) > FC_STUDY_FLOOR_MARGIN * floor)
    k++;
  return k;
}

double
fc_study_sumsq (size_t n, const double *v)
{
  double s = 0.0;
  for (size_t i = 0; i < n; i++)
    s += v[i] * v[i];
  return s;
}

double
fc_study_norm (size_t n, const double *v)
{
  return sqrt (fc_study_sumsq (n, v));
}

void
fc_order_study_reset (fc_order_study *st)
{
  st->n_accumulated = 0;
  for (size_t k = 0; k < FC_STUDY_MAX_STEPS; k++)
    st->ssr[k] = st->ssp[k] = st->rel[k] = 0.0;
  st->order = st->order_stderr = NAN;
  st->local_lo = st->local_hi = NAN;
  st->band = st->trunc = NAN;
  st->kind = FC_VERDICT_NONE;
}

int
fc_order_study_init (fc_order_study *st, const char *name, size_t dim,
                     size_t n_times, const double *times, size_t n_steps,
                     double h_max, double order_floor)
{
  if (dim == 0 || n_times == 0 || n_times > FC_STUDY_MAX_TIMES
      || n_steps < 2 || n_steps > FC_STUDY_MAX_STEPS)
    GSL_ERROR ("order study: bad number of dimensions, times or steps",
               GSL_EINVAL);
  if (!(h_max > 0.0) || !(order_floor >= 0.0) || !isfinite (order_floor))
    GSL_ERROR ("order study: h_max must be positive, the floor non-negative",
               GSL_EINVAL);
  for (size_t j = 0; j < n_times; j++)
    if (!(times[j] - h_max >= 0.0 && times[j] + h_max <= 1.0))
      GSL_ERROR ("order study: t +- h_max leaves [0, 1]", GSL_EDOM);
  memset (st, 0, sizeof *st);
  st->name = name;
  st->dim = dim;
  st->n_times = n_times;
  memcpy (st->time, times, n_times * sizeof *times);
  st->n_steps = n_steps;
  for (size_t k = 0; k < n_steps; k++)
    st->h[k] = ldexp (h_max, -(int) k);
  st->order_floor = order_floor;
  st->scale = NAN;
  fc_order_study_reset (st);
  return GSL_SUCCESS;
}

int
fc_order_study_accumulate (fc_order_study *st, fc_density_field_fn f,
                           void *f_params, size_t j, size_t n,
                           const double *x)
{
  if (j >= st->n_times || n == 0)
    GSL_ERROR ("order study: no such time or no points", GSL_EINVAL);
  double *r = malloc (n * sizeof *r);   /* (n) residual */
  double *dp = malloc (n * sizeof *dp); /* (n) dp/dt */
  double ssr[FC_STUDY_MAX_STEPS], ssp[FC_STUDY_MAX_STEPS];
  if (r == NULL || dp == NULL)
    {
      free (r), free (dp);
      GSL_ERROR ("no memory for a residual study", GSL_ENOMEM);
    }
  int status = GSL_SUCCESS;
  for (size_t k = 0; k < st->n_steps && status == GSL_SUCCESS; k++)
    {
      status = fc_fd_continuity_residual (f, f_params, st->dim, st->time[j],
                                          st->h[k], n, x, r, dp);
      ssr[k] = fc_study_sumsq (n, r);
      ssp[k] = fc_study_sumsq (n, dp);
    }
  free (r), free (dp);
  if (status)
    return status;
  /* Pooled in the order of the calls: the same bits for the same order. */
  for (size_t k = 0; k < st->n_steps; k++)
    {
      st->ssr[k] += ssr[k];
      st->ssp[k] += ssp[k];
    }
  st->n_accumulated += n;
  return GSL_SUCCESS;
}

/* A central difference is off by (h^2/6) f''' and, for a Gaussian profile of
   width ell, rms f'''/f' = sqrt(6)/ell^2: each of the 1 + D differences
   errs by ~0.41 (h/ell)^2 relative.  The flux terms may each exceed dp/dt
   (they cancel in the sum), and so may the terms of the components of a
   mixture (p u = sum_k w_k p_k u_k is a sum of component fluxes, each of
   width >= sigma_t, whose dp_k/dt partly cancel): we allow a factor 5 on
   top, TRUNC = 2 (1 + D) (h_min/ell)^2, still four orders of magnitude
   below an O(1) violation at the steps the modules use.  */
static double
fc_order_study_trunc (const fc_order_study *st)
{
  double hmin = st->h[st->n_steps - 1];
  return 2.0 * (double) (1 + st->dim) * gsl_pow_2 (hmin / st->scale);
}

int
fc_order_study_verdict (fc_order_study *st)
{
  size_t nh = st->n_steps;
  double local[FC_STUDY_MAX_STEPS - 1], log_c;
  if (!(st->scale > 0.0) || !isfinite (st->scale))
    GSL_ERROR ("order study: scale of p not set", GSL_EINVAL);
  if (st->n_accumulated == 0)
    GSL_ERROR ("order study: no residuals accumulated", GSL_EINVAL);
  for (size_t k = 0; k < nh; k++)
    st->rel[k] = sqrt (st->ssr[k] / st->ssp[k]);
  int status = fc_fd_order_fit (nh, st->h, st->rel, &st->order, &log_c,
                                &st->order_stderr);
  if (status == GSL_SUCCESS)
    status = fc_fd_local_orders (nh, st->h, st->rel, local);
  if (status)
    return status;
  double lo = local[0], hi = local[0];
  for (size_t k = 1; k < nh - 1; k++)
    {
      lo = GSL_MIN (lo, local[k]);
      hi = GSL_MAX (hi, local[k]);
    }
  double rmin = st->rel[nh - 1];
  st->local_lo = lo;
  st->local_hi = hi;
  /* The spread of the local orders is added to the floor, so that a
     sequence not yet in its asymptotic range widens its own band.  */
  st->band = st->order_floor + (hi - lo);
  st->trunc = fc_order_study_trunc (st);
  /* CONFIRMED: slope 2 within the band, the finest local order within the
     floor of 2, and the residual at the truncation scale.  The finest pair
     is the one closest to the asymptotic range (its O((h/ell)^2) deviation
     is 4^-(n_steps-2) of the coarsest one's), so a solving pair meets the
     floor there; a residual that stalls at a small constant has its local
     orders falling towards 0 as h shrinks, which widens the band until the
     slope test alone cannot fail (rel = 30 h^2 + trunc/2 has local orders
     1.96 .. 0.89 and would pass it).  REFUTED: no convergence (slope
     < 0.5) and a residual above the truncation scale (hence far above
     round-off, eps/h_min ~ 1e-13).  */
  st->local_finest = local[nh - 2];
  if (fc_order_study_order_passes (st) && fc_order_study_residual_passes (st))
    st->kind = FC_VERDICT_CONFIRMED;
  else if (st->order < FC_ORDER_STUDY_STALL && rmin > st->trunc)
    st->kind = FC_VERDICT_REFUTED;
  else
    st->kind = FC_VERDICT_APPROXIMATE;
  return GSL_SUCCESS;
}

int
fc_order_study_run (fc_order_study *st, fc_density_field_fn f,
                    void *f_params, fc_study_points_fn points,
                    void *points_params, size_t n, unsigned long seed)
{
  if (n == 0)
    GSL_ERROR ("order study: no points", GSL_EINVAL);
  double *x = malloc (n * st->dim * sizeof *x); /* (n, D) points from p_t */
  if (x == NULL)
    GSL_ERROR ("no memory for a residual study", GSL_ENOMEM);
  fc_order_study_reset (st);
  int status = GSL_SUCCESS;
  for (size_t j = 0; j < st->n_times && status == GSL_SUCCESS; j++)
    {
      status = points (st->time[j], fc_rng_stream_seed (seed, j), n, x,
                       points_params);
      if (status == GSL_SUCCESS)
        status = fc_order_study_accumulate (st, f, f_params, j, n, x);
    }
  free (x);
  if (status == GSL_SUCCESS)
    status = fc_order_study_verdict (st);
  return status;
}

int
fc_order_study_order_passes (const fc_order_study *st)
{
  return fabs (st->order - FC_ORDER_STUDY_ORDER) <= st->band
         && fabs (st->local_finest - FC_ORDER_STUDY_ORDER) <= st->order_floor;
}

int
fc_order_study_residual_passes (const fc_order_study *st)
{
  return st->rel[st->n_steps - 1] <= st->trunc;
}

void
fc_order_study_record (fc_verdict *v, const fc_order_study *st)
{
  fc_order_study_record_as (v, st, FC_TEST_HOLDS);
}

void
fc_order_study_record_as (fc_verdict *v, const fc_order_study *st,
                          fc_metric_test test)
{
  char name[FC_VERDICT_NAME_LEN];
  snprintf (name, sizeof name, "order_%s", st->name);
  fc_verdict_decide (v, test, name, st->order, st->band,
                     fc_order_study_order_passes (st));
  snprintf (name, sizeof name, "rel_hmin_%s", st->name);
  fc_verdict_decide (v, test, name, st->rel[st->n_steps - 1], st->trunc,
                     fc_order_study_residual_passes (st));
}

int
fc_order_study_describe (const fc_order_study *st, char *buf, size_t size)
{
  if (buf == NULL || size == 0)
    return -1;
  size_t used = 0;
  int len = snprintf (buf, size, "%-9s rel(h)", st->name);
  for (size_t k = 0; len >= 0 && k < st->n_steps; k++)
    {
      used = GSL_MIN ((size_t) len, size - 1);
      int more = snprintf (buf + used, size - used, " %.3g", st->rel[k]);
      len = more < 0 ? more : len + more;
    }
  if (len >= 0)
    {
      used = GSL_MIN ((size_t) len, size - 1);
      int more = snprintf (buf + used, size - used,
                           "  order %.4f (%g +- %.3f)  %s", st->order,
                           FC_ORDER_STUDY_ORDER, st->band,
                           fc_verdict_name (st->kind));
      len = more < 0 ? more : len + more;
    }
  return len;
}
