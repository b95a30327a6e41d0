/* derivations/doob_gauss.h -- test hooks of the Gaussian part of module
 * `doob` (doob_gauss.c): the H1 (a, b) comparison run with a deliberately
 * wrong drift, which the marginal comparison must refute.  */
#ifndef FC_DOOB_GAUSS_H
#define FC_DOOB_GAUSS_H

#include "doob.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum
{
  FC_DOOB_DRIFT_EXACT = 0, /* f + sigma^2 grad log h (the claim) */
  FC_DOOB_DRIFT_WRONG_T,   /* h of the end time 1.25 T instead of T */
  FC_DOOB_DRIFT_HALF_H     /* f + sigma^2 grad log h / 2: for Brownian
                              motion (x_T - x) / (2 (T - t)) */
} fc_doob_drift_variant;

/* fc_doob_h1_gaussian with the bridges simulated under drift VARIANT and
   compared with the exact bridge marginals all the same.  */
int
fc_doob_h1_gaussian_drift (const fc_run_options *opt,
                           fc_doob_drift_variant variant, fc_verdict *v,
                           fc_verdict_kind *kind, char *note);

#ifdef __cplusplus
}
#endif
#endif /* FC_DOOB_GAUSS_H */
