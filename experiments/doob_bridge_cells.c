/* experiments/doob_bridge_cells.c -- the cells of experiments/doob-bridge
 * (issue 16; fc_cells.h): the sweeps, in the order of the run: marginals,
 * sigma, orders (the Gaussian bridges, H1-H3) and well (the double well,
 * H1 (c)).  Each sweep draws from its own streams of the seed
 * (db_sweep_seed: one stream per case), so a cell gives the same numbers
 * in any shard.
 *
 * DIR/cells/ID/ holds summary.txt (the sweep's rows of the summary
 * table), seconds (its wall time) and the sweep's data files, written with
 * the headers of the unsharded run (fc_module_set_out_name).  --merge DIR
 * prints the table and copies the data files; its "total wall time" is
 * the sum of the cells' times, the one line that differs from the
 * unsharded run's.  */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "doob_bridge_sweeps.h"
#define FC_EXP_NAME "doob-bridge"
#include "exp_cells.h"

typedef int db_sweep_fn (const fc_run_options *opt, FILE *summary);

static const struct
{
  const char *id;
  db_sweep_fn *run;
} db_cells[] = { { "marginals", db_sweep_marginals },
                 { "sigma", db_sweep_sigma },
                 { "orders", db_sweep_orders },
                 { "well", db_sweep_well } };

#define DB_N_CELLS (sizeof db_cells / sizeof db_cells[0])

void
db_summary_header (const fc_run_options *opt, FILE *summary)
{
  fprintf (summary, "# doob-bridge --seed %lu%s: Doob h-transform sweeps "
           "(N §Doob's h-transform)\n", opt->seed, opt->quick ? " --quick" : "");
  fprintf (summary, "%-10s %-22s %s\n", "# study", "case", "figures");
  fflush (summary);
}

static void
db_cells_list (fc_cell_list *cells)
{
  for (size_t k = 0; k < DB_N_CELLS; k++)
    if (fc_cell_list_add (cells, "%s", db_cells[k].id) != 0)
      fc_exp_cells_error ("out of memory");
}

static void
db_cells_fail (const char *what)
{
  fprintf (stderr, FC_EXP_NAME ": %s\n", what);
  exit (EXIT_FAILURE);
}

/* Run sweep K of the run OPT as its cell under opt->out_dir.  */
static void
db_run_cell (const fc_run_options *opt, size_t k)
{
  char err[FC_CELLS_ERR];
  fc_cell_dir dir;
  if (fc_cell_begin (&dir, opt->out_dir, db_cells[k].id, err) != 0)
    db_cells_fail (err);
  FILE *summary = fc_exp_cell_file (dir.tmp, "summary.txt");
  FILE *secs = fc_exp_cell_file (dir.tmp, "seconds");
  fc_run_options o = *opt;
  o.out_dir = dir.tmp;
  fc_module_set_out_name (opt->out_dir);
  double t0 = fc_io_wall_seconds ();
  int status = db_cells[k].run (&o, summary);
  fc_module_set_out_name (NULL);
  fprintf (secs, "%.17g\n", fc_io_wall_seconds () - t0);
  int bad = ferror (summary) | ferror (secs);
  bad |= fclose (summary) | fclose (secs);
  if (status != GSL_SUCCESS || bad || fc_cell_commit (&dir, err) != 0)
    {
      fc_cell_abort (&dir);
      db_cells_fail (status != GSL_SUCCESS ? gsl_strerror (status)
                     : bad                 ? "cannot write a cell file"
                                           : err);
    }
}

int
db_cells_run (const fc_run_options *opt, const fc_cells_opts *co, int argc,
              char **argv)
{
  fc_cell_list cells = { 0, 0, NULL };
  db_cells_list (&cells);
  fc_exp_cells_start (co, &cells, opt->out_dir, argc, argv);
  for (size_t k = 0; k < cells.n; k++)
    if (fc_cells_runs (co, &cells, k))
      db_run_cell (opt, k);
  fc_cell_list_free (&cells);
  return EXIT_SUCCESS;
}

int
db_cells_merge (const char *dir, fc_cells_study *study,
                const fc_run_options *opt)
{
  static const char *const skip[] = { "summary.txt", "seconds", NULL };
  char err[FC_CELLS_ERR];
  fc_cell_list cells = { 0, 0, NULL };
  db_cells_list (&cells);
  int same = fc_cell_list_equal (&cells, &study->cells);
  fc_cell_list_free (&cells);
  if (!same)
    fc_exp_cells_error ("--merge: DIR/cells/study is not a doob-bridge run");
  db_summary_header (opt, stdout);
  double total = 0.0;
  for (size_t k = 0; k < DB_N_CELLS; k++)
    {
      const char *id = db_cells[k].id;
      char *secs = fc_cell_read (dir, id, "seconds", NULL, err);
      if (secs == NULL || fc_cell_cat (stdout, dir, id, "summary.txt", err) != 0
          || fc_cell_copy_files (dir, id, skip, err) != 0)
        db_cells_fail (err);
      total += atof (secs);
      free (secs);
    }
  printf ("# total wall time %.1f s\n", total);
  fc_cells_study_free (study);
  return fflush (stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
