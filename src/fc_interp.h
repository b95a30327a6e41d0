/* src/fc_interp.h -- the barycentric (multimarginal) interpolant with
 * Gaussian-mixture marginals: exact density, conditional expectations and
 * velocity (N §Albergo et al. 2023, §Non-linear multimarginal interpolant).
 *
 * K + 1 >= 2 marginals rho_0 .. rho_K on R^D, each a Gaussian mixture
 * (one component is a Gaussian), and independent draws x_k ~ rho_k.  For a
 * coefficient vector beta in R^{K+1}
 *
 *     x(beta) = sum_k beta_k x_k.
 *
 * On the simplex (beta_k >= 0, sum beta_k = 1) this is Albergo et al.'s
 * barycentric interpolant; every formula below holds for any beta, which is
 * how claim B3 differentiates in one alpha_k off the simplex and how a
 * non-linear interpolant I(alpha, xbar) = sum_k phi_k(alpha) x_k (claim B9)
 * reduces to this one with beta = phi(alpha).
 *
 * The law of x(beta) is a mixture over component tuples c = (c_0 .. c_K),
 * c_k a component of rho_k: weight prod_k w_{k c_k}, mean
 * m_c = sum_k beta_k mu_{k c_k} and covariance C_c = sum_k beta_k^2
 * S_{k c_k}.  Given x(beta) = x and the tuple c, x_k is Gaussian with mean
 *
 *     E[x_k | x, c] = mu_{k c_k} + beta_k S_{k c_k} C_c^{-1} (x - m_c),
 *
 * so g_k(beta, x) = E[x_k | x(beta) = x] = sum_c P(c | x) E[x_k | x, c]
 * with the tuple posterior P(c | x) from the mixture.  The velocity along a
 * path beta(t) is b = sum_k beta_k'(t) g_k(beta(t), x).
 *
 * Conditions.  beta is admissible when every C_c is positive definite
 * (for instance on the simplex when the marginals' components are, or at a
 * vertex e_k when rho_k's components are).  Quantities are computed by a
 * Cholesky factorisation of each C_c at the given beta (no inverse), the
 * tuple posterior by log-sum-exp.  The number of tuples is the product of
 * the component counts: the constructor refuses more than
 * FC_INTERP_MAX_TUPLES.
 *
 * Batches and threads: points are (n, D) row-major; outputs indexed
 * (k, i, d) are (K+1, n, D).  The functions are thread-safe on a const
 * fc_interp and allocate scratch once per call (or per thread per call);
 * results do not depend on the thread count.  */
#ifndef FC_INTERP_H
#define FC_INTERP_H

#include <stddef.h>
#include "fc_gmm.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FC_INTERP_MAX_TUPLES 4096

typedef struct fc_interp fc_interp;

/* An interpolant of the N_MARGINALS (K + 1 >= 2) mixtures MARGINALS, all of
   the same dimension; they are copied (and prepared).  NULL (through
   GSL_ERROR_NULL) when n_marginals < 2, a marginal is NULL, dimensions
   differ, a component's covariance is not positive definite, the tuple
   count exceeds FC_INTERP_MAX_TUPLES, or no memory.  */
fc_interp *
fc_interp_alloc (size_t n_marginals, const fc_gmm *const *marginals);

void
fc_interp_free (fc_interp *ip); /* NULL is a no-op */

size_t
fc_interp_dim (const fc_interp *ip);
size_t
fc_interp_n_marginals (const fc_interp *ip); /* K + 1 */
size_t
fc_interp_n_tuples (const fc_interp *ip);

/* Marginal K (a prepared mixture owned by IP).  */
const fc_gmm *
fc_interp_marginal (const fc_interp *ip, size_t k);

/* The exact law of x(BETA) (BETA has K + 1 entries) as a new prepared
   mixture over the tuples, to be freed by the caller; NULL (through
   GSL_ERROR_NULL) when BETA is not admissible.  */
fc_gmm *
fc_interp_mixture (const fc_interp *ip, const double *beta);

/* At coefficients BETA, for the N points X (n, D): LOG_RHO (n) =
   log rho(beta, x) and G (K+1, n, D) = g_k(beta, x).  Either output may be
   NULL.  GSL_EDOM when BETA is not admissible or has a non-finite entry;
   GSL_EINVAL for NULL inputs with n > 0.  */
int
fc_interp_eval (const fc_interp *ip, const double *beta, size_t n,
                const double *x, double *log_rho, double *g);

/* The velocity B (n, D) = sum_k DBETA_k g_k(BETA, x) at the N points X.
   Errors as fc_interp_eval.  */
int
fc_interp_velocity (const fc_interp *ip, const double *beta,
                    const double *dbeta, size_t n, const double *x,
                    double *b);

/* N independent draws of (x_0 .. x_K) into XK (K+1, n, D) (may be NULL) and
   of x(BETA) into X (n, D) (may be NULL).  Draw i comes from the chunk
   stream (SEED, STREAM_BASE + i / FC_RNG_CHUNK) (fc_rng.h), so it depends
   on neither n nor the thread count; BETA only enters the sum, so the same
   seed gives the same x_k for every BETA.  */
int
fc_interp_sample (const fc_interp *ip, const double *beta, unsigned long seed,
                  unsigned long stream_base, size_t n, double *x, double *xk);

/* Every marginal Gaussian (one component each): b is affine in x, and
   E ||b(x(beta))||^2 over x ~ rho(beta) is closed form,
     || sum_k dbeta_k mu_k ||^2 + tr(M C M^T),
     M = sum_k dbeta_k beta_k S_k C^{-1},  C = sum_k beta_k^2 S_k,
   written to *SPEED2.  GSL_EINVAL when some marginal has more than one
   component; GSL_EDOM when BETA is not admissible.  */
int
fc_interp_gaussian_speed2 (const fc_interp *ip, const double *beta,
                           const double *dbeta, double *speed2);

#ifdef __cplusplus
}
#endif
#endif /* FC_INTERP_H */
