/* tests/sde_fixtures.h -- what the fc_sde suites share (check_sde_law,
 * check_sde_path): the Ornstein-Uhlenbeck, double-well and Brownian-bridge
 * drifts, and N copies of a starting point.
 *
 * Ornstein-Uhlenbeck dX = -theta X dt + s dW, step h, a = 1 - theta h:
 *   X_k = a^k x0 + s sum_j a^(k-1-j) dW_j,
 *   E X_k = a^k x0,   Var X_k = s^2 h (1 - a^(2k)) / (1 - a^2),
 * against the exact E X_t = e^(-theta t) x0,
 *   Var X_t = s^2 (1 - e^(-2 theta t)) / (2 theta).  */
#ifndef SDE_FIXTURES_H
#define SDE_FIXTURES_H

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_math.h>

#include "unit_fixtures.h"
#include "fc_sde.h"

#define OU_THETA 1.381966
#define OU_S 0.7236068

static inline int
ou_drift (double t, size_t n, const double *x, double *f, void *params)
{
  (void) t;
  size_t dim = *(const size_t *) params;
  for (size_t q = 0; q < n * dim; q++)
    f[q] = -OU_THETA * x[q];
  return GSL_SUCCESS;
}

/* The double-well drift x - x^3 (claim H1 (c)), coordinatewise.  */
static inline int
well_drift (double t, size_t n, const double *x, double *f, void *params)
{
  (void) t;
  size_t dim = *(const size_t *) params;
  for (size_t q = 0; q < n * dim; q++)
    f[q] = x[q] - x[q] * x[q] * x[q];
  return GSL_SUCCESS;
}

/* Brownian bridge to XT at time T: drift (x_T - x) / (T - t), singular at
   T.  An evaluation at t >= T is reported as GSL_EDOM, so a test fails if
   the integrator ever evaluates the drift at the final time.  */
typedef struct
{
  size_t dim;
  double T;
  const double *xT;
} bridge_params;

static inline int
bridge_drift (double t, size_t n, const double *x, double *f, void *params)
{
  const bridge_params *b = params;
  if (!(t < b->T))
    return GSL_EDOM;
  for (size_t i = 0; i < n; i++)
    for (size_t d = 0; d < b->dim; d++)
      f[i * b->dim + d] = (b->xT[d] - x[i * b->dim + d]) / (b->T - t);
  return GSL_SUCCESS;
}

/* N copies of the point X0 (D).  */
static inline double *
replicate (size_t n, size_t dim, const double *x0)
{
  double *x = malloc (n * dim * sizeof (double));
  ck_assert_ptr_nonnull (x);
  for (size_t i = 0; i < n; i++)
    memcpy (x + i * dim, x0, dim * sizeof (double));
  return x;
}

#endif /* SDE_FIXTURES_H */
