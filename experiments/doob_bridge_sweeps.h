/* experiments/doob_bridge_sweeps.h -- the sweeps of experiments/doob-bridge
 * (module `doob`, claims H1-H3, N §Doob's h-transform).
 *
 * Each sweep runs a study of the module (derivations/doob/doob.h) over
 * a range of problems, writes its data files into opt->out_dir (which
 * exists; fc_module_datafile) and one summary row per case on SUMMARY.
 * The sizes are opt->quick's; the draws derive from opt->seed.  */
#ifndef DOOB_BRIDGE_SWEEPS_H
#define DOOB_BRIDGE_SWEEPS_H

#include <stdio.h>
#include "fc_module.h"

/* The Gaussian bridges: marginals over dimensions and rates (H1), the
   deviations over thirteen sigmas (H2), the Euler-Maruyama orders over
   eight step sizes (H3).  */
int
db_sweep_gauss (const fc_run_options *opt, FILE *summary);

/* The double well (H1 (c)): the window's acceptance and bias over eps,
   the grid convergence of h, and the comparison at a larger sample.  */
int
db_sweep_well (const fc_run_options *opt, FILE *summary);

/* The three parts of db_sweep_gauss, each a cell of a sharded run
   (doob_bridge_cells.c, issue 16).  */
int
db_sweep_marginals (const fc_run_options *opt, FILE *summary);
int
db_sweep_sigma (const fc_run_options *opt, FILE *summary);
int
db_sweep_orders (const fc_run_options *opt, FILE *summary);

/* doob_bridge_cells.c: the summary's two header lines; --list-cells,
   --cells I/N, --cell ID of the run OPT under CO; --merge DIR of STUDY
   (freed here) read with OPT.  The exit status.  */
#include "fc_cells.h"
void
db_summary_header (const fc_run_options *opt, FILE *summary);
int
db_cells_run (const fc_run_options *opt, const fc_cells_opts *co, int argc,
              char **argv);
int
db_cells_merge (const char *dir, fc_cells_study *study,
                const fc_run_options *opt);

#endif /* DOOB_BRIDGE_SWEEPS_H */
