/* derivations/doob.h -- the parts of module `doob` (N §Doob's h-transform).
 *
 * The module (doob.c) holds the claim table and combines the parts:
 *   doob_gauss.c  H1 (a, b): Brownian and Ornstein-Uhlenbeck bridges against
 *                 their exact Gaussian marginals; H2 (sigma -> 0); H3
 *                 (Euler-Maruyama orders on the bridge); the data of the
 *                 figures doob-paths and doob-orders; the Gaussian sweeps
 *                 of experiments/doob-bridge.
 *   doob_well.c   H1 (c): the double well f(x) = x - x^3, h from the
 *                 backward Kolmogorov equation on a grid, against
 *                 rejection-conditioned paths; the data of the figure
 *                 doob-double-well; the double-well sweeps of the
 *                 experiment.
 * The tests and the experiment call these functions directly.  */
#ifndef FC_DOOB_H
#define FC_DOOB_H

#include <stdio.h>
#include "fc_module.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FC_DOOB_NOTE_LEN 120

/* H1 (a, b): add this part's metrics (at most 10) to V, its verdict to
   *KIND (CONFIRMED when every marginal agrees with the exact bridge within
   its Monte Carlo band) and a one-line summary to NOTE (FC_DOOB_NOTE_LEN).
   Returns a GSL status.  */
int
fc_doob_h1_gaussian (const fc_run_options *opt, fc_verdict *v,
                     fc_verdict_kind *kind, char *note);

/* H1 (c): as fc_doob_h1_gaussian (at most 12 metrics), for the double
   well.  DROP_H non-zero simulates without the h-term (drift f alone):
   the negative control, which the comparison with the rejection sample
   must refute.  */
int
fc_doob_h1_double_well (const fc_run_options *opt, int drop_h, fc_verdict *v,
                        fc_verdict_kind *kind, char *note);

/* H2 and H3: the whole claim into V (metrics, note, verdict).  H3's metrics
   include weak_order, strong_order and endpoint_order.  */
int
fc_doob_h2_check (const fc_run_options *opt, fc_verdict *v);
int
fc_doob_h3_check (const fc_run_options *opt, fc_verdict *v);

/* Figure data into opt->out_dir: doob-paths and doob-orders (gauss),
   doob-double-well (well).  */
int
fc_doob_write_gauss_figures (const fc_run_options *opt);
int
fc_doob_write_well_figures (const fc_run_options *opt);

/* The sweeps of experiments/doob-bridge: data files into OUT_DIR (which
   exists), progress on opt->progress, summary table rows on SUMMARY.  */
int
fc_doob_gauss_sweep (const fc_run_options *opt, const char *out_dir,
                     FILE *summary);
int
fc_doob_well_sweep (const fc_run_options *opt, const char *out_dir,
                    FILE *summary);

#ifdef __cplusplus
}
#endif
#endif /* FC_DOOB_H */
