/* src/fc_wasserstein.h -- closed-form Wasserstein-2 distances.
 *
 * Between Gaussians (Dowson and Landau 1982; Givens and Shortt 1984):
 *   W2^2(N(m1, S1), N(m2, S2)) = |m1 - m2|^2
 *       + tr(S1 + S2 - 2 (S1^{1/2} S2 S1^{1/2})^{1/2}),
 * and the Gelbrich bound (Gelbrich 1990): for any two laws with these
 * means and covariances W2^2 is at least that value, so for mixtures the
 * W2^2 between the moment-matched Gaussians is a lower bound (claim B6,
 * the Benamou-Brenier lower bound on the path cost).
 *
 * Matrix square roots by symmetric eigendecomposition (gsl_eigen_symmv),
 * negative round-off eigenvalues clamped at 0 (covariances are PSD).  */
#ifndef FC_WASSERSTEIN_H
#define FC_WASSERSTEIN_H

#include <stddef.h>
#include "fc_gmm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* W2^2 between N(MEAN1, COV1) and N(MEAN2, COV2) in dimension DIM into
   *W2SQ.  GSL_EDOM for non-finite input or a covariance that is not
   symmetric positive semi-definite (up to round-off); GSL_ENOMEM.  */
int
fc_w2sq_gaussian (size_t dim, const double *mean1, const double *cov1,
                  const double *mean2, const double *cov2, double *w2sq);

/* The Gelbrich bound between two mixtures: fc_w2sq_gaussian of their
   moment-matched Gaussians (fc_gmm_moments).  Equals W2^2 when both have
   one component.  */
int
fc_w2sq_gelbrich (const fc_gmm *a, const fc_gmm *b, double *w2sq);

#ifdef __cplusplus
}
#endif
#endif /* FC_WASSERSTEIN_H */
