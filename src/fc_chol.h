/* src/fc_chol.h -- the lower Cholesky factor of a small dense matrix, for
 * code that must treat "not positive definite" as an ordinary outcome,
 * and the solve with it that runs per point.  Internal, not installed.
 *
 * Hand-written because gsl_linalg_cholesky_decomp1 reports a failed pivot
 * through the GSL error handler, which aborts by default and is global
 * (not something a library call may switch off around one factorisation),
 * while here a singular mixture component (a point mass, fc_gmm.h) or a
 * non-admissible interpolation coefficient (fc_interp.h) must come back as
 * a plain status.  */
#ifndef FC_CHOL_H
#define FC_CHOL_H

#include <math.h>
#include <stddef.h>

/* Lower Cholesky factor of the D x D row-major matrix S into L (upper
   part zeroed); returns 1 on success, 0 when S is not numerically positive
   definite (a pivot that is not finite and > 0).  */
static inline int
fc_chol_lower (size_t d, const double *s, double *l)
{
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j < d; j++)
      {
        if (j > i)
          {
            l[i * d + j] = 0.0;
            continue;
          }
        double acc = s[i * d + j];
        for (size_t p = 0; p < j; p++)
          acc -= l[i * d + p] * l[j * d + p];
        if (i == j)
          {
            if (!(acc > 0.0) || !isfinite (acc))
              return 0;
            l[i * d + i] = sqrt (acc);
          }
        else
          l[i * d + j] = acc / l[j * d + j];
      }
  return 1;
}

/* X = (L L^T)^{-1} B for the lower Cholesky factor L (m, m) of a
   covariance; returns B^T X, computed as |L^{-1} B|^2 so that it is
   non-negative.  X may be B.  Written out because it runs per point and
   component with m as small as 1 or 2, where the call overhead of
   gsl_linalg_cholesky_solve would exceed the work; the same forward and
   back substitutions.  */
static inline double
fc_chol_solve (size_t m, const double *l, const double *b, double *x)
{
  double q = 0.0;
  for (size_t i = 0; i < m; i++)
    {
      double acc = b[i];
      for (size_t j = 0; j < i; j++)
        acc -= l[i * m + j] * x[j];
      x[i] = acc / l[i * m + i];
      q += x[i] * x[i];
    }
  for (size_t i = m; i-- > 0;)
    {
      double acc = x[i];
      for (size_t j = i + 1; j < m; j++)
        acc -= l[j * m + i] * x[j];
      x[i] = acc / l[i * m + i];
    }
  return q;
}

#endif /* FC_CHOL_H */
