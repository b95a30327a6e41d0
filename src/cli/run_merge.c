/* src/cli/run_merge.c -- "flowcheck run --merge DIR" (issue 16): the
 * outputs of the unsharded run from the cells under DIR/cells
 * (run_cells.c): the rows on stdout in catalog order with the module
 * headers, the figure data files, DIR/verdicts.tsv (controls.tsv) and the
 * summary, each the same bytes as the run of the whole study in one
 * process (the summary's wall time aside: the merge's own).  The study
 * (the command line without the cell options) is read back from
 * DIR/cells/study and parsed as the run parses it; a missing cell is named
 * and nothing is written (exit status 2).  */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli.h"
#include "run.h"

/* What the merge reads back: the study, its rows and their cells.  */
typedef struct
{
  const char *dir;
  fc_cells_study study;
  fc_cli_run_args args;
  char **argv;            /* a copy of study.argv, which getopt permutes */
  fc_cli_selection sel;
  int have_sel;
  fc_cli_run_job *jobs;
  size_t n_jobs;
  fc_cell_list cells;
  char **tsv;             /* the --tsv rows of each row */
} fc_cli_merge;

static void
fc_cli_merge_free (fc_cli_merge *g)
{
  for (size_t j = 0; g->tsv != NULL && j < g->n_jobs; j++)
    free (g->tsv[j]);
  free (g->tsv);
  fc_cell_list_free (&g->cells);
  free (g->jobs);
  if (g->have_sel)
    fc_cli_selection_free (&g->sel);
  free (g->argv);
  free (g->args.command);
  fc_cells_study_free (&g->study);
}

/* Rebuild the run of the study in G: its options, selection, rows and
   cells; 0 or the exit status after a message.  */
static int
fc_cli_merge_study (fc_cli_merge *g)
{
  char err[FC_CELLS_ERR];
  if (fc_cells_read_study (g->dir, &g->study, err) != 0)
    {
      fc_cli_error ("run", "%s", err);
      return FC_CLI_EXIT_USAGE;
    }
  int argc = g->study.argc;
  g->argv = calloc (argc + 1, sizeof *g->argv);
  g->args.command = fc_cli_command_line (argc, g->study.argv);
  if (g->argv == NULL || g->args.command == NULL)
    return FC_CLI_EXIT_MISMATCH;
  memcpy (g->argv, g->study.argv, argc * sizeof *g->argv);
  g->args.opt.seed = FC_CLI_DEFAULT_SEED;
  if (fc_cli_run_parse (argc, g->argv, &g->args) != FC_CLI_PARSED
      || fc_cli_select ("run", argc - optind, g->argv + optind, &g->sel) != 0)
    {
      fc_cli_error ("run", "%s/cells/study: not a command of this flowcheck",
                    g->dir);
      return FC_CLI_EXIT_USAGE;
    }
  g->have_sel = 1;
  size_t n = fc_cli_run_count (&g->args, &g->sel);
  g->jobs = calloc (n + 1, sizeof *g->jobs);
  g->tsv = calloc (n + 1, sizeof *g->tsv);
  if (g->jobs == NULL || g->tsv == NULL)
    return FC_CLI_EXIT_MISMATCH;
  g->n_jobs = fc_cli_run_jobs (&g->args, &g->sel, g->jobs);
  if (fc_cli_run_cells (&g->args, &g->sel, g->jobs, g->n_jobs, &g->cells) != 0)
    return FC_CLI_EXIT_MISMATCH;
  if (!fc_cell_list_equal (&g->cells, &g->study.cells))
    {
      fc_cli_error ("run", "%s/cells/study: its cells are not those this "
                    "flowcheck makes of its command", g->dir);
      return FC_CLI_EXIT_USAGE;
    }
  return 0;
}

/* Read file EXT of row J from its cell; NULL after a message.  */
static char *
fc_cli_merge_row (const fc_cli_merge *g, size_t j, const char *ext)
{
  char name[256], err[FC_CELLS_ERR];
  const fc_cli_run_job *job = &g->jobs[j];
  snprintf (name, sizeof name, FC_CLI_ROW_PREFIX "%s%s%s%s", job->claim->id,
            job->control ? "-" : "", job->control ? job->control->name : "",
            ext);
  char *text = fc_cell_read (g->dir, g->cells.id[job->cell], name, NULL, err);
  if (text == NULL)
    fc_cli_error ("run", "%s", err);
  return text;
}

/* Print every row as the run prints it, keep its TSV rows, count it.  */
static int
fc_cli_merge_rows (fc_cli_merge *g, fc_cli_run_tally *tally)
{
  const fc_cli_run_args *args = &g->args;
  if (args->tsv)
    fc_cli_run_tsv_header (args, stdout);
  for (size_t j = 0; j < g->n_jobs; j++)
    {
      fc_cli_run_job *job = &g->jobs[j];
      char *meta = fc_cli_merge_row (g, j, ".meta");
      char *text = fc_cli_merge_row (g, j, ".txt");
      g->tsv[j] = fc_cli_merge_row (g, j, ".tsv");
      int ok = 0;
      int good = meta != NULL && text != NULL && g->tsv[j] != NULL
                 && sscanf (meta, "%d %d", &job->status, &ok) == 2;
      if (good && !args->tsv && job->first_of_module)
        printf ("%s: %s\n", fc_modules[job->m]->name,
                fc_modules[job->m]->title);
      if (good)
        fputs (args->tsv ? g->tsv[j] : text, stdout);
      free (meta);
      free (text);
      if (!good)
        return -1;
      tally->n_run++;
      tally->n_expected += ok == 1;
    }
  return 0;
}

/* The figure data of module M: every file of its cell that is not a
   row's (run_cells.c), in DIR.  */
static int
fc_cli_merge_figures (const fc_cli_merge *g, size_t m)
{
  const fc_module *module = fc_modules[m];
  const char *id = NULL;
  for (size_t j = 0; j < g->n_jobs; j++)
    if (g->jobs[j].m == m)
      {
        id = g->cells.id[g->jobs[j].cell];
        if (g->jobs[j].status != GSL_SUCCESS)
          {
            fc_cli_error ("run", "%s: figure data not written: a check "
                          "failed to run", module->name);
            return -1;
          }
      }
  if (g->args.opt.progress != NULL)
    fprintf (g->args.opt.progress, "[%s] writing figure data to %s\n",
             module->name, g->dir);
  static const char *const rows[] = { FC_CLI_ROW_PREFIX, NULL };
  char err[FC_CELLS_ERR];
  if (id == NULL || fc_cell_copy_files (g->dir, id, rows, err) != 0)
    {
      fc_cli_error ("run", "%s: figure data not written: %s", module->name,
                    id == NULL ? "no cell" : err);
      return -1;
    }
  return 0;
}

static void
fc_cli_merge_tsv_rows (FILE *out, const void *ctx)
{
  const fc_cli_merge *g = ctx;
  for (size_t j = 0; j < g->n_jobs; j++)
    fputs (g->tsv[j], out);
}

/* Write the outputs of the study G; the exit status.  */
static int
fc_cli_merge_write (fc_cli_merge *g)
{
  fc_cli_run_tally tally = { 0, 0, 0 };
  double t0 = fc_io_wall_seconds ();
  int status = fc_cli_run_mkdir (&g->args, g->dir);
  if (status != 0)
    return status;
  if (fc_cli_merge_rows (g, &tally) != 0)
    return FC_CLI_EXIT_MISMATCH;
  for (size_t m = 0; m < g->sel.n_modules; m++)
    if (fc_cli_run_writes_figures (&g->args, &g->sel, m)
        && fc_cli_merge_figures (g, m) != 0)
      tally.write_failed = 1;
  fc_cli_run_summary (&g->args, &tally, fc_io_wall_seconds () - t0);
  if (fc_cli_run_write_tsv (&g->args, g->dir, fc_cli_merge_tsv_rows, g) != 0)
    tally.write_failed = 1;
  if (!tally.write_failed && fc_cells_mark_complete (g->dir) != 0)
    tally.write_failed = 1;
  int ok = tally.n_expected == tally.n_run && !tally.write_failed;
  return ok ? FC_CLI_EXIT_OK : FC_CLI_EXIT_MISMATCH;
}

int
fc_cli_run_merge (const char *dir)
{
  fc_cli_merge g;
  memset (&g, 0, sizeof g);
  g.dir = dir;
  int status = fc_cli_merge_study (&g);
  if (status == 0)
    status = fc_cli_finish_output ("run", fc_cli_merge_write (&g));
  else if (status == FC_CLI_EXIT_MISMATCH)
    fc_cli_error ("run", "out of memory");
  fc_cli_merge_free (&g);
  return status;
}
