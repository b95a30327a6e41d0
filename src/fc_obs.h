/* src/fc_obs.h -- a linear-Gaussian observation of the data.
 *
 *   y = A x1 + e,   e ~ N(0, sigma_y^2 I),   A (m, D),  y in R^m,
 *
 * the likelihood p(y | x1) = N(y; A x1, sigma_y^2 I) of the guidance claims
 * (N §Guidance term; CATALOG.md S5, S6, G1-G6), x1 the data end of the
 * path in the canonical convention.
 *
 * Observation file (issue 3, `flowcheck sample --obs`), one statement a
 * line, '#' starting a comment anywhere:
 *
 *   sigma S            the noise standard deviation, finite and > 0
 *   y y1 ... ym        the observed values (m >= 1)
 *   row a1 ... aD      exactly m rows of A, in order, after 'y'
 *
 * in that order.  D, the data dimension, is given by the caller (it is the
 * dimension of the mixture the observation refers to).  Parsing is strict:
 * every error is reported as "FILE:LINE: message" (unknown keyword, wrong
 * count of numbers, bad or non-finite number, sigma <= 0, a statement out
 * of order or repeated, too few or too many rows).  */
#ifndef FC_OBS_H
#define FC_OBS_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct
{
  size_t m;       /* number of observed values */
  size_t dim;     /* D, the data dimension */
  double *a;      /* (m, D) row-major */
  double *y;      /* (m) */
  double sigma_y; /* noise standard deviation, > 0 */
} fc_obs;

/* An observation of M values of DIM-dimensional data, A and y zeroed,
   sigma_y = 1.  NULL (GSL_ERROR_NULL) when M or DIM is 0 or no memory.  */
fc_obs *
fc_obs_alloc (size_t m, size_t dim);

void
fc_obs_free (fc_obs *o); /* NULL is a no-op */

/* GSL_SUCCESS when sigma_y is finite and > 0 and every entry of A and y is
   finite; GSL_EDOM (through GSL_ERROR) otherwise; GSL_EBADLEN when DIM is
   not 0 and differs from o->dim.  */
int
fc_obs_check (const fc_obs *o, size_t dim);

/* Parse the observation file IN, named NAME in messages, for data of
   dimension DIM.  On error: NULL, and ERR (size ERRLEN) holds
   "NAME:LINE: message".  */
fc_obs *
fc_obs_read_stream (FILE *in, const char *name, size_t dim, char *err,
                    size_t errlen);

/* Same, from the file PATH ("PATH: cannot open: reason" when unreadable). */
fc_obs *
fc_obs_read_file (const char *path, size_t dim, char *err, size_t errlen);

/* Write O as an observation file (%.17g) that fc_obs_read_stream reads back
   bit for bit.  GSL_EFAILED on a write error.  */
int
fc_obs_write (FILE *out, const fc_obs *o);

#ifdef __cplusplus
}
#endif
#endif /* FC_OBS_H */
