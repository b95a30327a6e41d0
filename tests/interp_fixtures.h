/* tests/interp_fixtures.h -- what the fc_interp suites share
 * (check_interp_exact, check_interp_joint, check_interp_sample): the
 * marginals A, B, C and their interpolant, evaluation points, and the
 * round-off band.
 *
 * Round-off bands.  Every covariance below has eigenvalues in
 * [EIG_MIN, EIG_MAX], so each tuple covariance C_c = sum beta_k^2 S_k is
 * conditioned by at most KAPPA = EIG_MAX / EIG_MIN.  A Cholesky solve in
 * dimension D loses about D kappa eps relative to the size of its inputs,
 * and the compared codes take different routes (eigenbases, square-root
 * forms, explicit inverses), so pointwise quantities are compared within
 * TOL_POINT = TOL_EPS(16) * D_MAX * KAPPA relative to their scale
 * (1 + |value|).  */
#ifndef INTERP_FIXTURES_H
#define INTERP_FIXTURES_H

#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_math.h>

#include "unit_fixtures.h"
#include "fc_interp.h"

#define D 2
/* Bounds of the eigenvalues of every covariance below (computed by hand
   from trace and determinant of each 2 x 2 matrix: 0.285 .. 1.324).  */
#define EIG_MIN 0.28
#define EIG_MAX 1.33
#define KAPPA (EIG_MAX / EIG_MIN)
#define D_MAX 6 /* the largest dimension any compared code works in */
#define TOL_POINT (TOL_EPS (16) * D_MAX * KAPPA)

/* Marginal A: two full-covariance components.  */
static const double WA[2] = { 0.7, 0.381966 };
static const double MUA[4] = { 0.2, -0.3, 1.7, 0.9 };
static const double SA[8] = { 0.8, 0.3, 0.3, 0.5, 0.4, -0.1, -0.1, 0.6 };
/* Marginal B: one Gaussian.  */
static const double WB[1] = { 1.0 };
static const double MUB[2] = { -0.6, 0.45 };
static const double SB[4] = { 0.9, -0.2, -0.2, 0.35 };
/* Marginal C: three components.  */
static const double WC[3] = { 0.5, 0.3, 1.1 };
static const double MUC[6] = { -1.1, 1.4, 0.3, -1.2, 1.05, 0.25 };
static const double SC[12] = { 1.0, 0.45, 0.45, 0.7, 0.3, 0.05, 0.05, 0.45,
                                0.6, -0.2, -0.2, 0.5 };
/* A second Gaussian, for the three-Gaussian speed test.  */
static const double MUE[2] = { 1.3, -0.7 };
static const double SE2[4] = { 0.55, 0.12, 0.12, 1.1 };
static const double MU0[2] = { 0.0, 0.0 };
static const double ID[4] = { 1.0, 0.0, 0.0, 1.0 };

/* The interpolant of marginals A, B, C (6 tuples).  */
static inline fc_interp *
make_abc (fc_gmm *m[3])
{
  m[0] = make_gmm (D, 2, WA, MUA, SA);
  m[1] = make_gmm (D, 1, WB, MUB, SB);
  m[2] = make_gmm (D, 3, WC, MUC, SC);
  fc_interp *ip = fc_interp_alloc (3, (const fc_gmm *const *) m);
  ck_assert_ptr_nonnull (ip);
  return ip;
}

static inline void
free_all (fc_interp *ip, fc_gmm **m, size_t nm)
{
  fc_interp_free (ip);
  for (size_t k = 0; k < nm; k++)
    fc_gmm_free (m[k]);
}

/* The marginals A, B, C and their interpolant, made before and freed after
   every test of a case with the checked fixture (abc_setup,
   abc_teardown).  */
static fc_gmm *abc_m[3];
static fc_interp *abc;

static inline void
abc_setup (void)
{
  abc = make_abc (abc_m);
}

static inline void
abc_teardown (void)
{
  free_all (abc, abc_m, 3);
}

/* N evaluation points: draws of x(BETA) (typical points) with the last
   few pushed 6 units out (the tails, where log-sum-exp matters).  */
static inline double *
make_points (const fc_interp *ip, const double *beta, size_t n)
{
  double *x = malloc (n * D * sizeof (double));
  ck_assert_int_eq (fc_interp_sample (ip, beta, 20240611UL, 0, n, x, NULL),
                    GSL_SUCCESS);
  for (size_t i = n - 4; i < n; i++)
    x[i * D + (i % D)] += (i % 2 ? 6.0 : -6.0);
  return x;
}

static inline double
row_norm (const double *v)
{
  double s = 0.0;
  for (size_t i = 0; i < D; i++)
    s += v[i] * v[i];
  return sqrt (s);
}

#endif /* INTERP_FIXTURES_H */
