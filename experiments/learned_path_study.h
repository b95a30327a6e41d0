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

/* The parts of the study its cells run (learned_path_cells.c, issue 16):
   the summary's header; path problem ID learned into R (freed with
   fc_barycentric_path_free) with its summary row; the two-block schedule
   learned into S with its summary row.  GSL status.  */
#include "barycentric/barycentric.h"
#include "fc_cells.h"
void
lp_study_summary_header (FILE *summary);
int
lp_study_path (const fc_run_options *opt, size_t id, fc_barycentric_path *r,
               FILE *summary);
int
lp_study_schedule_learn (const fc_run_options *opt, fc_barycentric_schedule *s,
                         FILE *summary);

/* learned_path_cells.c: --list-cells, --cells I/N, --cell ID of the study
   OPT under CO; --merge DIR of STUDY (freed here) read with OPT; the exit
   status.  */
int
lp_cells_run (const fc_run_options *opt, const fc_cells_opts *co, int argc,
              char **argv);
int
lp_cells_merge (const char *dir, fc_cells_study *study,
                const fc_run_options *opt);

#endif /* FC_LEARNED_PATH_STUDY_H */
