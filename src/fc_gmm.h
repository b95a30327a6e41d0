/* src/fc_gmm.h -- Gaussian mixtures with full covariances.
 *
 *   q(x) = sum_k w_k N(x; mu_k, S_k),   k = 0 .. n_comp-1,  x in R^dim.
 *
 * Components may be singular (S_k positive semi-definite), which is how
 * point masses (empirical data, quadrature nodes) are represented: a
 * mixture of Dirac masses is a mixture with S_k = 0.  Quantities of q itself
 * (density, score) need every S_k positive definite and return GSL_EDOM
 * otherwise; the path quantities of fc_path.h only need alpha^2 S_k +
 * sigma^2 I to be positive definite, which holds for every t < 1.
 *
 * fc_gmm_prepare computes, once, everything later calls need:
 *   - normalised weights and their logs;
 *   - the lower Cholesky factor L_k of S_k and log det S_k (PD components),
 *     used for the density and the score of q;
 *   - the symmetric eigendecomposition S_k = V_k diag(lambda_k) V_k^T.
 *     C_k(t) = alpha_t^2 S_k + sigma_t^2 I has the same eigenvectors for
 *     every t, so one decomposition serves all times: in that basis every
 *     path quantity is diagonal (see fc_path.c).
 *
 * Storage is flat and row-major; shapes are given beside each field
 * (K = n_comp, D = dim).  */
#ifndef FC_GMM_H
#define FC_GMM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct
{
  size_t dim;          /* D */
  size_t n_comp;       /* K */
  double *weight;      /* (K) normalised by fc_gmm_prepare */
  double *log_weight;  /* (K) */
  double *mean;        /* (K, D) */
  double *cov;         /* (K, D, D) row-major, symmetric */
  double *chol;        /* (K, D, D) lower Cholesky factor of cov (PD components) */
  double *log_det;     /* (K) log det cov; -INFINITY for a singular component */
  double *eigval;      /* (K, D) eigenvalues of cov, >= 0 (clamped at 0) */
  double *eigvec;      /* (K, D, D) V_k row-major: cov = V diag(eigval) V^T */
  double *eigvec_t;    /* (K, D, D) V_k^T row-major (contiguous rows for the kernels) */
  double *mean_eig;    /* (K, D) V_k^T mu_k */
  int all_pd;          /* 1 when every component is positive definite */
  int prepared;        /* set by fc_gmm_prepare, cleared by fc_gmm_set_component */
} fc_gmm;

/* Allocate a mixture with DIM dimensions and N_COMP components, all fields
   zeroed.  NULL (through GSL_ERROR_NULL) on DIM or N_COMP == 0 or no memory. */
fc_gmm *
fc_gmm_alloc (size_t dim, size_t n_comp);

void
fc_gmm_free (fc_gmm *g);  /* NULL is a no-op */

/* Deep copy of a prepared or unprepared mixture. */
fc_gmm *
fc_gmm_clone (const fc_gmm *g);

/* Set component K: unnormalised WEIGHT > 0, MEAN (D), COV (D, D) row-major.
   GSL_EDOM for a weight that is not finite and > 0, for a non-finite entry,
   or for an asymmetric COV (relative asymmetry above 64 epsilon).  */
int
fc_gmm_set_component (fc_gmm *g, size_t k, double weight,
                      const double *mean, const double *cov);

/* The checks fc_gmm_set_component and fc_gmm_prepare apply to a D x D
   covariance COV, exposed so that parsers report them with a file and line
   before building a mixture.  Neither calls the GSL error handler.
   1 when COV is symmetric to 64 epsilon relative to its largest entry
   (fc_gmm_set_component then stores its exactly symmetric part).  */
int
fc_gmm_cov_is_symmetric (size_t dim, const double *cov);

/* 1 when the symmetric COV is positive definite in the sense of
   fc_gmm_prepare (its Cholesky factorisation succeeds).  */
int
fc_gmm_cov_is_pd (size_t dim, const double *cov);

/* Normalise weights; factor and decompose every component.  GSL_EDOM when a
   covariance has an eigenvalue below -64 eps * (largest eigenvalue) (not
   positive semi-definite).  Components whose Cholesky fails are recorded as
   singular (all_pd = 0), not an error.  */
int
fc_gmm_prepare (fc_gmm *g);

/* The end of building G component by component: G prepared when STATUS,
   the status of setting its components, is GSL_SUCCESS; otherwise, or when
   preparing fails, G freed and NULL (also for G NULL).  */
fc_gmm *
fc_gmm_finish (fc_gmm *g, int status);

/* A mixture of point masses at POINTS (n, D) with WEIGHTS (n), or equal
   weights when WEIGHTS is NULL.  Returned prepared.  */
fc_gmm *
fc_gmm_point_masses (size_t dim, size_t n, const double *points,
                     const double *weights);

/* The inputs of a batched evaluation: GSL_EINVAL unless G is prepared and
   X (n, D) is given (it may be NULL when N is 0), GSL_EBADFUNC for a
   coordinate that is not finite.  Through the GSL error handler.  */
int
fc_gmm_check_points (const fc_gmm *g, size_t n, const double *x);

/* log q(x) for X (n, D) into LOGP (n).  GSL_EDOM if some S_k is singular.
   Log-sum-exp over components; Cholesky solves, no inverse.  */
int
fc_gmm_log_density (const fc_gmm *g, size_t n, const double *x, double *logp);

/* grad log q(x) for X (n, D) into SCORE (n, D).  GSL_EDOM if singular. */
int
fc_gmm_score (const fc_gmm *g, size_t n, const double *x, double *score);

/* Posterior component probabilities r_k(x) = P(k | x) into RESP (n, K).  */
int
fc_gmm_responsibilities (const fc_gmm *g, size_t n, const double *x,
                         double *resp);

/* N samples into X (n, D): chunk c of FC_RNG_CHUNK samples draws from
   stream (SEED, c) (fc_rng.h), so the result is independent of threads. */
int
fc_gmm_sample (const fc_gmm *g, unsigned long seed, size_t n, double *x);

/* Mean (D) and covariance (D, D) of the mixture as a whole. */
int
fc_gmm_moments (const fc_gmm *g, double *mean, double *cov);

/* E[(x_i - mean_i)^4] of every coordinate into M4 (D), about MEAN (D),
   the mixture's mean (fc_gmm_moments): for each component
   sum_k w_k (d^4 + 6 d^2 v + 3 v^2), d = mu_ki - mean_i, v = S_k,ii (the
   fourth central moment of a Gaussian about a shifted centre).  It gives
   the exact standard error of a sample variance (fc_stats_moment_z).  */
int
fc_gmm_fourth_moments (const fc_gmm *g, const double *mean, double *m4);

/* The law of y = A x + b + e, e ~ N(0, NOISE_VAR I), x ~ g, with A (m, D),
   B (m) or NULL for zero: the mixture sum_k w_k N(A mu_k + b,
   A S_k A^T + NOISE_VAR I) in R^m.  Returned prepared.  */
fc_gmm *
fc_gmm_affine (const fc_gmm *g, size_t m, const double *a, const double *b,
               double noise_var);

/* The exact posterior of x ~ G given y = A x + N(0, SIGMA_Y^2 I), A (m, D),
   Y (m): a mixture with weights w_k N(y; A mu_k, A S_k A^T + sigma_y^2 I)
   (normalised) and, per component, the Gaussian conditional
     mu'_k = mu_k + S_k A^T G_k^{-1} (y - A mu_k),
     S'_k  = S_k - S_k A^T G_k^{-1} A S_k,  G_k = A S_k A^T + sigma_y^2 I,
   both computed in the equivalent square-root forms, with S_k = F F^T and
   M = sigma_y^2 I + F^T A^T A F:
     mu'_k = mu_k + F M^{-1} F^T A^T (y - A mu_k),
     S'_k  = sigma_y^2 F M^{-1} F^T,
   with M never formed: its factor comes from the QR factorisation of
   [A F; sigma_y I].  They stay accurate to round-off (and S'_k positive
   semi-definite) however small sigma_y, also with fewer observations
   than dimensions; the weights use Cholesky solves of G_k
   (fc_gmm_condition.c).  Returned prepared.  NULL with GSL_EDOM through
   GSL_ERROR_NULL when SIGMA_Y <= 0 or not finite.  */
fc_gmm *
fc_gmm_condition (const fc_gmm *g, size_t m, const double *a, const double *y,
                  double sigma_y);

/* Parameters of a random mixture (fc_gmm_random). */
typedef struct
{
  double weight_min, weight_max; /* unnormalised weights uniform in [min, max) */
  double mean_std;               /* means ~ N(0, mean_std^2 I) */
  double eig_min, eig_max;       /* covariance eigenvalues uniform in [min, max] */
} fc_gmm_random_params;

/* A random mixture of N_COMP components in DIM dimensions with full
   covariances S = Q diag(lambda) Q^T, Q Haar-distributed (QR of a Gaussian
   matrix with the signs of R's diagonal moved into Q), drawn from stream
   (SEED, STREAM).  The condition number of every S_k is at most
   eig_max / eig_min.  Returned prepared; NULL (GSL_ERROR_NULL) when the
   parameters are not 0 < weight_min <= weight_max, mean_std >= 0,
   0 <= eig_min <= eig_max, or on allocation failure.  */
fc_gmm *
fc_gmm_random (size_t dim, size_t n_comp, const fc_gmm_random_params *p,
               unsigned long seed, unsigned long stream);

#ifdef __cplusplus
}
#endif
#endif /* FC_GMM_H */
