/* derivations/barycentric.h -- the parts of module `barycentric`
 * (N §Albergo et al. 2023, §Non-linear multimarginal interpolant, §What we
 * need to do, §Chat 3/11/2023).
 *
 *   barycentric.c       the claim table; B1-B5, B9, B10 (identities,
 *                       continuity equations, transport, regression).
 *   barycentric_cost.c  B6-B8: path costs, the Benamou-Brenier bound, the
 *                       learned path, the note's time map, the two-block
 *                       schedule; the data of the figures simplex-paths,
 *                       block-schedule and path-cost; the cost study of
 *                       experiments/learned-path.
 * The tests and the experiment call these functions directly.  */
#ifndef FC_BARYCENTRIC_H
#define FC_BARYCENTRIC_H

#include <stdio.h>
#include "fc_module.h"

#ifdef __cplusplus
extern "C" {
#endif

/* B6, B7, B8: the whole claim into V (metrics, note, verdict).  */
int
fc_barycentric_b6_check (const fc_run_options *opt, fc_verdict *v);
int
fc_barycentric_b7_check (const fc_run_options *opt, fc_verdict *v);
int
fc_barycentric_b8_check (const fc_run_options *opt, fc_verdict *v);

/* Figure data into opt->out_dir: simplex-paths, block-schedule,
   path-cost.  */
int
fc_barycentric_write_cost_figures (const fc_run_options *opt);

/* The cost study of experiments/learned-path at full size: every problem
   of B6 and B8 with more modes and iterations than the module, data files
   into OUT_DIR (which exists), progress on opt->progress, one summary row
   per problem on SUMMARY.  */
int
fc_barycentric_cost_study (const fc_run_options *opt, const char *out_dir,
                           FILE *summary);

#ifdef __cplusplus
}
#endif
#endif /* FC_BARYCENTRIC_H */
