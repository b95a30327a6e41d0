/* derivations/barycentric_claims.h -- variants of the checks of B3 and B4
 * (derivations/barycentric.c) that the tests run to show that the checks
 * can fail: the same measurement with the claimed field deliberately
 * broken must come out REFUTED.  The claim table calls the same functions
 * with the field intact (SHIFT = 0, DROP = BC_DROP_NONE).  */
#ifndef FC_BARYCENTRIC_CLAIMS_H
#define FC_BARYCENTRIC_CLAIMS_H

#include "fc_module.h"

#ifdef __cplusplus
extern "C" {
#endif

/* No coordinate of alpha' dropped (fc_barycentric_b4_residual). */
#define FC_BARYCENTRIC_DROP_NONE (-1)

/* B3's order studies of d rho/d alpha_k + div(u rho) = 0, one per problem
   and k, with u = g_{(k + SHIFT) mod (K + 1)}: SHIFT = 0 is the claim,
   any other SHIFT (< K + 1) pairs the derivative in alpha_k with another
   marginal's field.  Metrics, note and verdict into V.  GSL_EINVAL when
   SHIFT >= K + 1 = 3.  */
int
fc_barycentric_b3_studies (const fc_run_options *opt, unsigned shift,
                           fc_verdict *v);

/* B4's continuity residual studies along the straight and the curved path
   with b = sum_k alpha_k' g_k, where alpha_DROP' is replaced by 0 when
   DROP >= 0 (FC_BARYCENTRIC_DROP_NONE: the claim).  Metrics, note and the
   verdict of the residual part into V (no pushed samples).  GSL_EINVAL
   when DROP is neither FC_BARYCENTRIC_DROP_NONE nor a coordinate 0 .. 2. */
int
fc_barycentric_b4_residual (const fc_run_options *opt, int drop,
                            fc_verdict *v);

#ifdef __cplusplus
}
#endif
#endif /* FC_BARYCENTRIC_CLAIMS_H */
