/* src/cli/run.h -- what run.c ("flowcheck run") and run_cells.c (its
 * cells: --list-cells, --cells I/N, --cell ID, --merge DIR) share.  */
#ifndef FC_CLI_RUN_H
#define FC_CLI_RUN_H

#include "cli.h"
#include "fc_cells.h"

typedef struct
{
  fc_run_options opt;
  int tsv;
  int quiet;
  int controls;  /* --controls: run the controls, not the claims */
  char *command; /* the command line, for the header of verdicts.tsv */
  fc_cells_opts cells; /* --list-cells, --cells, --cell, --merge */
  int argc;            /* the arguments without the cell options ... */
  char **argv;         /* ... in their order, for DIR/cells/study */
} fc_cli_run_args;

/* One measured row: a claim (LABEL its module) or a control (LABEL its
   name), with the verdict it must come out with.  */
typedef struct
{
  fc_verdict v;
  fc_verdict_kind expected;
  const char *label;
} fc_cli_result;

/* The outcome of a run, for the summary and the exit status.  */
typedef struct
{
  size_t n_run;
  size_t n_expected;
  int write_failed; /* figure data or the TSV file could not be written */
} fc_cli_run_tally;

/* One row of the run: a claim, or one of its controls, of module M, with
   its place in the output.  The rows are measured in parallel, one per
   thread (the checks share no state: each draws from its own streams of
   the seed, so its numbers do not depend on which thread ran it or when),
   and printed in catalog order as they complete.  */
typedef struct
{
  size_t m;                  /* index in fc_modules[] */
  const fc_claim *claim;
  const fc_control *control; /* NULL: the claim itself */
  int first_of_module;       /* the module's header goes before this row */
  int status;                /* the check's GSL status */
  int done;
  size_t cell;               /* its cell (fc_cli_run_cells) */
} fc_cli_run_job;

/* run.c */
int
fc_cli_run_parse (int argc, char **argv, fc_cli_run_args *args);
char *
fc_cli_command_line (int argc, char **argv);
size_t
fc_cli_run_count (const fc_cli_run_args *args, const fc_cli_selection *sel);
size_t
fc_cli_run_jobs (const fc_cli_run_args *args, const fc_cli_selection *sel,
                 fc_cli_run_job *jobs);
void
fc_cli_run_tsv_header (const fc_cli_run_args *args, FILE *out);
void
fc_cli_run_summary (const fc_cli_run_args *args, const fc_cli_run_tally *t,
                    double seconds);
/* DIR/verdicts.tsv (controls.tsv) with ROWS (CTX) printing the rows.  */
int
fc_cli_run_write_tsv (const fc_cli_run_args *args, const char *dir,
                      void (*rows) (FILE *out, const void *ctx),
                      const void *ctx);
/* Create --out DIR and mark it incomplete; 0 or FC_CLI_EXIT_USAGE.  */
int
fc_cli_run_mkdir (const fc_cli_run_args *args, const char *dir);

/* run_cells.c: the cells of the N_JOBS rows JOBS of SEL into CELLS (their
   jobs[j].cell set), in catalog order: a module whose figure data the run
   writes is one cell (its figure writer needs the record every claim of
   the module fills), id the module's name; any other claim is a cell, id
   the claim's, with its controls under --controls.  0, or -1 on no
   memory.  */
int
fc_cli_run_cells (const fc_cli_run_args *args, const fc_cli_selection *sel,
                  fc_cli_run_job *jobs, size_t n_jobs, fc_cell_list *cells);

/* The files of a row in a cell directory start with it ("row-C1.txt");
   every other file there is figure data.  */
#define FC_CLI_ROW_PREFIX "row-"

/* 1 when the figure data of MODULE, selected whole in SEL, is written by
   this run (--out, not --controls, a figure writer).  */
int
fc_cli_run_writes_figures (const fc_cli_run_args *args,
                           const fc_cli_selection *sel, size_t m);

/* Write the cells this process ran (every cell of CELLS that a job names)
   under --out: each row's text, TSV row and status, and the figure data of
   RECORDS[cell]; TALLY->write_failed on failure.  */
void
fc_cli_run_cells_write (const fc_cli_run_args *args,
                        const fc_cell_list *cells, void *const *records,
                        const fc_cli_run_job *jobs,
                        const fc_cli_result *results, size_t n_jobs,
                        fc_cli_run_tally *tally);

/* flowcheck run --merge DIR: the exit status.  */
int
fc_cli_run_merge (const char *dir);

#endif /* FC_CLI_RUN_H */
