/* tests/ref_path.h -- an independent, deliberately plain implementation of
 * the path quantities of fc_path.h, for testing the kernel.
 *
 * Where fc_path.c works in the eigenbasis of each S_k, chunk by chunk, with
 * an online log-sum-exp, this reference works point by point in the
 * original basis: it forms C_k = alpha^2 S_k + sigma^2 I from the stored
 * covariance, factors it (gsl_linalg_cholesky_decomp1) and solves with it,
 * and computes the divergence from matrices (tr B_k by solves against the
 * columns of I).  Slow on purpose: it shares no code path with the kernel
 * beyond fc_schedule_eval.  */
#ifndef REF_PATH_H
#define REF_PATH_H

#include <stddef.h>
#include "fc_gmm.h"
#include "fc_path.h"
#include "fc_schedule.h"

/* Quantity Q of the path of G under S at T for the N points X (n, D) into
   OUT (n * width).  GSL_EDOM when T is outside [0, 1] or some C_k is not
   positive definite; GSL_EBADFUNC for a non-finite coordinate.  */
int
ref_path_eval (const fc_gmm *g, fc_schedule s, double t, fc_quantity q,
               size_t n, const double *x, double *out);

#endif /* REF_PATH_H */
