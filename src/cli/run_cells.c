/* src/cli/run_cells.c -- the cells of "flowcheck run" (issue 16): which
 * claims form a cell and what a cell writes under --out DIR/cells/ID/
 * (run_merge.c assembles them).
 *
 * A module whose figure data the run writes (--out, the module selected
 * whole, not --controls) is one cell: its figure writer renders one record
 * that every claim of the module fills, and refuses a partial one.  Any
 * other selected claim is a cell of its own (with its controls under
 * --controls).  A claim's numbers depend on the seed and the claim alone
 * (each study draws from its own tagged stream of the seed,
 * fc_module_seed), so a cell gives the same bytes in any shard.
 *
 * DIR/cells/ID/ holds, per row (KEY: the claim id, "ID-CONTROL" for a
 * control), row-KEY.txt (the row as printed), row-KEY.tsv (its --tsv
 * rows) and row-KEY.meta ("STATUS OK": the check's GSL status, 1 when the
 * verdict is the expected one); every other file there is the module's
 * figure data, written with the headers of the unsharded run
 * (fc_module_set_out_name).  */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli.h"
#include "run.h"

/* ------------------------------------------------------------ the cells */

int
fc_cli_run_cells (const fc_cli_run_args *args, const fc_cli_selection *sel,
                  fc_cli_run_job *jobs, size_t n_jobs, fc_cell_list *cells)
{
  for (size_t j = 0; j < n_jobs; j++)
    {
      const fc_module *module = fc_modules[jobs[j].m];
      /* A module whose figure data this run writes is one cell: its
         figure writer renders the record all its claims fill.  */
      int whole = fc_cli_run_writes_figures (args, sel, jobs[j].m);
      int same = j > 0 && jobs[j - 1].m == jobs[j].m
                 && (whole || jobs[j - 1].claim == jobs[j].claim);
      if (same)
        {
          jobs[j].cell = jobs[j - 1].cell;
          continue;
        }
      jobs[j].cell = cells->n;
      if (fc_cell_list_add (cells, "%s",
                            whole ? module->name : jobs[j].claim->id)
          != 0)
        return -1;
    }
  return 0;
}

/* ------------------------------------------------------------ writing */

/* The file name of row JOB with EXT (".txt") into BUF.  */
static void
fc_cli_run_row_name (char *buf, size_t len, const fc_cli_run_job *job,
                     const char *ext)
{
  snprintf (buf, len, FC_CLI_ROW_PREFIX "%s%s%s%s", job->claim->id,
            job->control ? "-" : "",
            job->control ? job->control->name : "", ext);
}

/* Write the three files of row JOB (measured into R) into directory DIR;
   0 or -1 (errno set).  */
static int
fc_cli_run_row_files (const char *dir, const fc_cli_run_job *job,
                      const fc_cli_result *r)
{
  static const char *const ext[] = { ".txt", ".tsv", ".meta" };
  for (int k = 0; k < 3; k++)
    {
      char name[256], path[4096];
      fc_cli_run_row_name (name, sizeof name, job, ext[k]);
      if (fc_io_path (path, sizeof path, dir, name) != 0)
        return -1;
      FILE *f = fopen (path, "w");
      if (f == NULL)
        return -1;
      if (k == 0)
        fc_verdict_print_row_as (f, &r->v,
                                 job->control ? job->control->name : NULL,
                                 r->expected);
      else if (k == 1)
        fc_verdict_print_tsv_as (f, &r->v, r->label, r->expected);
      else
        fprintf (f, "%d %d\n", job->status, r->v.verdict == r->expected);
      if (ferror (f) | fclose (f))
        return -1;
    }
  return 0;
}

/* The figure data of cell C's RECORD (module M) into the cell's TMP
   directory, with the headers of the unsharded run; 0 or -1.  */
static int
fc_cli_run_cell_figures (const fc_cli_run_args *args, size_t m,
                         const void *record, const char *tmp)
{
  fc_run_options opt = args->opt;
  opt.out_dir = tmp;
  fc_module_set_out_name (args->opt.out_dir);
  int status = fc_module_figures_write (fc_modules[m], &opt, record);
  fc_module_set_out_name (NULL);
  return status == GSL_SUCCESS ? 0 : -1;
}

/* Write cell C (the rows of JOBS in it) under --out; 0 or -1 after a
   message.  */
static int
fc_cli_run_cell_write (const fc_cli_run_args *args, const fc_cell_list *cells,
                       size_t c, const void *record,
                       const fc_cli_run_job *jobs,
                       const fc_cli_result *results, size_t n_jobs)
{
  char err[FC_CELLS_ERR];
  fc_cell_dir dir;
  if (fc_cell_begin (&dir, args->opt.out_dir, cells->id[c], err) != 0)
    {
      fc_cli_error ("run", "%s", err);
      return -1;
    }
  int ok = 1;
  size_t m = 0;
  for (size_t j = 0; j < n_jobs; j++)
    if (jobs[j].cell == c)
      {
        m = jobs[j].m;
        ok &= jobs[j].status == GSL_SUCCESS;
        if (fc_cli_run_row_files (dir.tmp, &jobs[j], &results[j]) != 0)
          {
            fc_cli_error ("run", "%s: cannot write: %s", dir.tmp,
                          strerror (errno));
            fc_cell_abort (&dir);
            return -1;
          }
      }
  /* A cell whose check failed has no figure data: the merge then says
     so, as the unsharded run does.  */
  if (record != NULL && ok
      && fc_cli_run_cell_figures (args, m, record, dir.tmp) != 0)
    {
      fc_cli_error ("run", "%s: figure data not written", cells->id[c]);
      fc_cell_abort (&dir);
      return -1;
    }
  if (fc_cell_commit (&dir, err) != 0)
    {
      fc_cli_error ("run", "%s", err);
      return -1;
    }
  return 0;
}

void
fc_cli_run_cells_write (const fc_cli_run_args *args,
                        const fc_cell_list *cells, void *const *records,
                        const fc_cli_run_job *jobs,
                        const fc_cli_result *results, size_t n_jobs,
                        fc_cli_run_tally *tally)
{
  for (size_t c = 0; c < cells->n; c++)
    {
      size_t j = 0;
      while (j < n_jobs && jobs[j].cell != c)
        j++;
      if (j < n_jobs
          && fc_cli_run_cell_write (args, cells, c, records[c], jobs, results,
                                    n_jobs)
                 != 0)
        tally->write_failed = 1;
    }
}
