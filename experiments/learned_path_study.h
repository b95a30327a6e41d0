/* experiments/learned_path_study.h -- the cost study of
 * experiments/learned-path (learned_path_study.c).  */
#ifndef FC_LEARNED_PATH_STUDY_H
#define FC_LEARNED_PATH_STUDY_H

#include <stdio.h>
#include "fc_module.h"

/* Every path problem of B6 and the two-block schedule of B8 at the
   study's sizes (opt->quick: the module's full sizes), data files
   path-cost.dat, simplex-paths.dat and block-schedule.dat into
   opt->out_dir (which exists), progress on opt->progress, one summary row
   per problem on SUMMARY.  */
int
lp_cost_study (const fc_run_options *opt, FILE *summary);

#endif /* FC_LEARNED_PATH_STUDY_H */
