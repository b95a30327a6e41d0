/* tests/gmm_fixtures.h -- what the fc_gmm suites share (check_gmm_density,
 * check_gmm_prepare, check_gmm_sample, check_gmm_condition): two fixed
 * full-covariance mixtures and the round-off bands of a weight and of a
 * log density.  */
#ifndef GMM_FIXTURES_H
#define GMM_FIXTURES_H

#include <math.h>
#include <gsl/gsl_math.h>

#include "unit_fixtures.h"

/* ------------------------------------------------------------ fixtures */

/* A 2-D mixture of three full-covariance components.  */
static const double W2[3] = { 0.7, 0.381966, 1.2 };
static const double MU2[6] = { 0.2, -0.3, 1.7, 0.9, -1.1, 1.4 };
static const double S2[12] = { 0.8, 0.3, 0.3, 0.5,
                               0.4, -0.1, -0.1, 0.6,
                               1.0, 0.45, 0.45, 0.7 };

/* A 3-D mixture of three full-covariance components.  */
static const double W3[3] = { 0.381966, 1.0, 0.618034 };
static const double MU3[9] = { 0.1, -0.7, 0.3, 1.3, 0.2, -0.4,
                               -0.9, 0.8, 1.1 };
static const double S3[27] = { 1.3, 0.4, -0.2, 0.4, 0.9, 0.1, -0.2, 0.1, 0.7,
                               0.6, -0.15, 0.05, -0.15, 0.45, 0.12,
                               0.05, 0.12, 0.8,
                               0.9, 0.3, 0.2, 0.3, 1.1, -0.25,
                               0.2, -0.25, 0.5 };

/* Round-off bands.  The fixtures have entries of size at most 4 and
   condition numbers below 10, so a quantity reached by a chain of c
   rounded operations is within about c * 4 eps of the truth; each band
   below is TOL_EPS of twice that count, rounded to a power of 2.  A
   normalised weight w_k / sum_j w_j takes K + 1 <= 4 roundings:  */
#define TOL_WEIGHT TOL_EPS (4)

/* Round-off band of a log density: the triangular solve and the quadratic
   form each accumulate O(D) roundings of relative size eps on terms of
   size |D/2 log 2 pi| + |log det / 2| + q / 2, the fixtures being well
   conditioned (condition numbers below 10): TOL_EPS(8 D) times a bound of
   that sum, (1 + |log p|) + D log 2 pi.  */
static inline double
tol_logp (size_t d, double logp)
{
  return TOL_EPS (8.0 * (double) d)
         * (1.0 + fabs (logp) + (double) d * log (2.0 * M_PI));
}

#endif /* GMM_FIXTURES_H */
