/* src/cli/run.c -- "flowcheck run": check claims, compare with the catalog;
 * with --controls, run every claim's controls instead.
 *
 * Each selected claim is measured by its module (fc_claim_run), which
 * decides a verdict from the measurements alone; only here is that verdict
 * compared with the catalog's expectation (derivations/fc_module.h).  A
 * control is the claim's own check with one stated change
 * (fc_control_run), compared with the verdict the claim table declares for
 * it.  The exit status is the comparison: 0 when every verdict is the
 * expected one (ARCHITECTURE.md "Contracts").  */

#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "cli.h"
#include "fc_io.h"
#include "run.h"

void
fc_cli_run_usage (FILE *out)
{
  fputs ("Usage: flowcheck run [OPTION]... [MODULE|CLAIM]...\n"
         "\n"
         "Check the named modules and claims (all of them when none is named),\n"
         "in catalog order, and compare each verdict (CONFIRMED, REFUTED,\n"
         "APPROXIMATE) with the catalog's expectation.  One line per claim:\n"
         "identifier, expected and measured verdicts, ok or MISMATCH; below it\n"
         "the decisive figure in words, then the deciding figures (each with\n"
         "its tolerance, what it tests and pass or FAIL), then the reported\n"
         "ones.  The verdict follows from the deciding figures alone: NONE if a\n"
         "'valid' figure fails (the check could not show it decides), else\n"
         "REFUTED if a 'holds' figure fails, else APPROXIMATE if an 'exact'\n"
         "figure fails, else CONFIRMED.  A final line counts the claims as\n"
         "expected and not, with the wall time.\n"
         "\n"
         "With --controls, run each selected claim's controls instead: the\n"
         "claim's own check with one stated change that must flip its outcome\n"
         "(a confirmed identity broken by a small amount must not be confirmed,\n"
         "a refuted statement's corrected form must be confirmed, an approximate\n"
         "claim made exact or broken), each compared with the verdict its claim\n"
         "table declares ('flowcheck list --markdown' lists them).  One line per\n"
         "control: 'ID  control NAME: expected V measured V ok|MISMATCH'; the\n"
         "final line counts the controls.  A check that cannot fail proves\n"
         "nothing.\n"
         "\n"
         "Options:\n"
         "  --controls  run the controls of the selected claims; --tsv header\n"
         "              id control expected verdict metric value tolerance\n"
         "              role pass tests\n"
         "  --out DIR   create DIR; write the figure data of every module run\n"
         "              whole and DIR/verdicts.tsv (the --tsv table); with\n"
         "              --controls, DIR/controls.tsv only\n"
         "  --seed N    seed of every random draw, a non-negative integer\n"
         "              (default 20240501); same seed, same figures\n"
         "  --quick     the smaller problem sizes used by the test suite\n"
         "  --tsv       machine-readable output, one row per metric, header\n"
         "              id module expected verdict metric value tolerance\n"
         "              role pass tests\n"
         "              (values %.17g; role 'decides' or 'reports'; pass\n"
         "              'yes', 'no' or '-'; tests 'holds', 'exact', 'valid' or\n"
         "              '-'; deciding rows first; a check that failed to run\n"
         "              has verdict NONE and one reported row gsl_status)\n"
         "  --quiet     no progress lines and no summary on stderr\n"
         "  -h, --help  print this help and exit\n"
         "\n"
         "A run with --out DIR writes DIR/INCOMPLETE first and removes it\n"
         "last: a directory that still has it was interrupted or failed.\n"
         "\n"
         "Cells (a run split into processes; experiments/run-sweep drives them):\n"
         "  --list-cells  print the cells of the run, one id a line: with\n"
         "                --out, a module selected whole is one cell (its\n"
         "                figure data needs all its claims), else a claim\n"
         "  --cells I/N   run shard I of N (the cells whose 0-based index k\n"
         "                has k mod N = I - 1), writing DIR/cells/ID/ per cell\n"
         "                under --out DIR (required)\n"
         "  --cell ID     run the one cell ID, the same way\n"
         "  --merge DIR   write DIR's outputs from its cells, byte for byte\n"
         "                those of the run in one process (the summary's wall\n"
         "                time aside); the run is read from DIR/cells/study;\n"
         "                a missing cell is named, nothing written, exit 2\n"
         "\n"
         "Progress lines ([MODULE CLAIM] ...) go to stderr, results to stdout.\n"
         "\n"
         "Modules:", out);
  fc_cli_print_module_names (out);
  fputs ("\n"
         "Examples:\n"
         "  flowcheck run --quick\n"
         "  flowcheck run --seed 7 --out results continuity\n"
         "  flowcheck run --tsv --quiet C2 C3 > verdicts.tsv\n"
         "  flowcheck run --controls --quick C3 doob\n"
         "  flowcheck run --quick --out r --cells 1/2  (and 2/2, then:)\n"
         "  flowcheck run --merge r\n"
         "\n"
         "Exit status: 0 every verdict as expected (of the claims, or of their\n"
         "controls with --controls); 1 some verdict differs, a check failed to\n"
         "run or a data file could not be written; 2 bad usage (unknown option,\n"
         "module or claim, bad --seed, --out not creatable).\n",
         out);
}

/* "flowcheck ARGV..." joined by blanks; NULL on no memory.  */
char *
fc_cli_command_line (int argc, char **argv)
{
  size_t len = sizeof "flowcheck";
  for (int i = 0; i < argc; i++)
    len += strlen (argv[i]) + 1;
  char *s = malloc (len);
  if (s == NULL)
    return NULL;
  strcpy (s, "flowcheck");
  for (int i = 0; i < argc; i++)
    {
      strcat (s, " ");
      strcat (s, argv[i]);
    }
  return s;
}

/* Store option C of run into ARGS (an fc_cli_run_args); 0 or
   FC_CLI_EXIT_USAGE.  */
static int
fc_cli_run_option (void *args, int c)
{
  fc_cli_run_args *a = args;
  switch (c)
    {
    case FC_CLI_OPT_OUT:
      if (optarg[0] == '\0')
        {
          fc_cli_error ("run", "--out: empty directory name");
          return FC_CLI_EXIT_USAGE;
        }
      a->opt.out_dir = optarg;
      return 0;
    case FC_CLI_OPT_SEED:
      return fc_cli_option_ulong ("run", "--seed", optarg, 0, 0, &a->opt.seed);
    case FC_CLI_OPT_QUICK:
      a->opt.quick = 1;
      return 0;
    case FC_CLI_OPT_TSV:
      a->tsv = 1;
      return 0;
    case FC_CLI_OPT_QUIET:
      a->quiet = 1;
      return 0;
    default: /* FC_CLI_OPT_CONTROLS */
      a->controls = 1;
      return 0;
    }
}

/* Parse the options into ARGS; FC_CLI_PARSED (the names of claims and
   modules then start at optind), or the exit status to return now.  */
int
fc_cli_run_parse (int argc, char **argv, fc_cli_run_args *args)
{
  static const struct option longopts[] = {
    { "out", required_argument, NULL, FC_CLI_OPT_OUT },
    { "seed", required_argument, NULL, FC_CLI_OPT_SEED },
    { "quick", no_argument, NULL, FC_CLI_OPT_QUICK },
    { "tsv", no_argument, NULL, FC_CLI_OPT_TSV },
    { "quiet", no_argument, NULL, FC_CLI_OPT_QUIET },
    { "controls", no_argument, NULL, FC_CLI_OPT_CONTROLS },
    FC_CLI_HELP_AND_END
  };
  static const fc_cli_parser parser = {
    "run", longopts, fc_cli_run_usage, fc_cli_run_option, NULL
  };
  int status = fc_cli_parse (&parser, argc, argv, args);
  args->opt.progress = args->quiet ? NULL : stderr;
  return status;
}

/* Measure JOB into R with OPT (whose figures field is the module's figure
   record or NULL); progress and failures on stderr, nothing on stdout.  */
static void
fc_cli_run_measure (const fc_run_options *opt, fc_cli_run_job *job,
                    fc_cli_result *r)
{
  const fc_module *module = fc_modules[job->m];
  const fc_claim *claim = job->claim;
  const fc_control *control = job->control;
  FILE *progress = opt->progress;
  char what[128];
  snprintf (what, sizeof what, "%s %s%s%s", module->name, claim->id,
            control ? " control " : "", control ? control->name : "");
  if (progress != NULL)
    fprintf (progress, "[%s] running\n", what);
  double t0 = fc_io_wall_seconds ();
  int status = control ? fc_control_run (module, claim, control, opt, &r->v)
                       : fc_claim_run (module, claim, opt, &r->v);
  r->expected = control ? control->expected : claim->expected;
  r->label = control ? control->name : module->name;
  if (status != GSL_SUCCESS)
    {
      /* The measurement itself failed: no verdict, whatever the module may
         have set before failing, and the status kept as a figure so the
         TSV form has a row for this claim too.  */
      r->v.verdict = FC_VERDICT_NONE;
      fc_verdict_report (&r->v, "gsl_status", (double) status, NAN);
      fc_verdict_note (&r->v, "check failed to run: %s",
                       gsl_strerror (status));
      fc_cli_error ("run", "%s: check failed to run: %s", what,
                    gsl_strerror (status));
    }
  if (progress != NULL)
    fprintf (progress, "[%s] %s in %.1f s\n", what,
             fc_verdict_name (r->v.verdict), fc_io_wall_seconds () - t0);
  job->status = status;
}

/* Print the row of JOB (measured into R) on stdout, after its module's
   header when it is the module's first.  */
static void
fc_cli_run_print (const fc_cli_run_args *args, const fc_cli_run_job *job,
                  const fc_cli_result *r)
{
  const fc_module *module = fc_modules[job->m];
  if (!args->tsv && job->first_of_module)
    printf ("%s: %s\n", module->name, module->title);
  if (args->tsv)
    fc_verdict_print_tsv_as (stdout, &r->v, r->label, r->expected);
  else
    fc_verdict_print_row_as (stdout, &r->v,
                             job->control ? job->control->name : NULL,
                             r->expected);
  /* Rows appear as results come, even through a pipe.  */
  fflush (stdout);
}

/* Render the figure RECORD of MODULE, filled by its checks, into --out.  */
static void
fc_cli_run_figures (const fc_cli_run_args *args, const fc_module *module,
                    const void *record, fc_cli_run_tally *tally)
{
  if (args->opt.progress != NULL)
    fprintf (args->opt.progress, "[%s] writing figure data to %s\n",
             module->name, args->opt.out_dir);
  int status = fc_module_figures_write (module, &args->opt, record);
  if (status != GSL_SUCCESS)
    {
      fc_cli_error ("run", "%s: figure data not written: %s", module->name,
                    gsl_strerror (status));
      tally->write_failed = 1;
    }
}

int
fc_cli_run_writes_figures (const fc_cli_run_args *args,
                           const fc_cli_selection *sel, size_t m)
{
  return sel->module[m] && args->opt.out_dir != NULL && !args->controls
         && fc_modules[m]->write_figures != NULL;
}

/* The figure record of module M when this run writes its figures: the
   module is run whole, with --out, not for its controls.  */
static void *
fc_cli_run_record (const fc_cli_run_args *args, const fc_cli_selection *sel,
                   size_t m, fc_cli_run_tally *tally)
{
  const fc_module *module = fc_modules[m];
  if (!fc_cli_run_writes_figures (args, sel, m))
    return NULL;
  void *record = fc_module_figures_alloc (module);
  if (record == NULL)
    {
      fc_cli_error ("run", "%s: no memory for the figure data", module->name);
      tally->write_failed = 1;
    }
  return record;
}

/* The rows of the selection SEL in catalog order into JOBS (room for every
   row); their number.  */
size_t
fc_cli_run_jobs (const fc_cli_run_args *args, const fc_cli_selection *sel,
                 fc_cli_run_job *jobs)
{
  size_t n = 0;
  for (size_t m = 0; m < sel->n_modules; m++)
    {
      const fc_module *module = fc_modules[m];
      size_t first = n;
      for (size_t i = 0; i < module->n_claims; i++)
        {
          const fc_claim *claim = &module->claims[i];
          if (!fc_cli_selected (sel, m, i))
            continue;
          size_t nc = args->controls ? claim->n_controls : 1;
          for (size_t k = 0; k < nc; k++, n++)
            {
              memset (&jobs[n], 0, sizeof jobs[n]);
              jobs[n].m = m;
              jobs[n].claim = claim;
              jobs[n].control = args->controls ? &claim->controls[k] : NULL;
              jobs[n].first_of_module = n == first;
            }
        }
    }
  return n;
}

/* Measure the N_JOBS rows, in parallel over rows, into RESULTS, printing
   each in catalog order as soon as it and every row before it are done.
   RECORDS[m] is module m's figure record or NULL.  Nested parallel
   regions (the batch kernels the checks call) then run on one thread
   each: with one row per thread there is no idle thread to give them,
   and a thread that waits between short parallel regions spins
   (OpenMP's active wait) instead of doing work.  One row alone keeps the
   kernels' own threads.  */
static void
fc_cli_run_rows (const fc_cli_run_args *args, void *const *records,
                 fc_cli_run_job *jobs, size_t n_jobs, fc_cli_result *results)
{
  size_t next = 0;
  long n = (long) n_jobs;
#ifdef _OPENMP
  omp_set_max_active_levels (1);
#endif
#pragma omp parallel for schedule(dynamic, 1) if (n_jobs > 1)
  for (long j = 0; j < n; j++)
    {
      fc_run_options opt = args->opt;
      /* A sharded run keeps a record per cell (fc_cli_run_cells_write).  */
      opt.figures = records[fc_cells_sharded (&args->cells) ? jobs[j].cell
                                                             : jobs[j].m];
      fc_cli_run_measure (&opt, &jobs[j], &results[j]);
#pragma omp critical(fc_cli_run_output)
      {
        jobs[j].done = 1;
        while (next < n_jobs && jobs[next].done)
          {
            fc_cli_run_print (args, &jobs[next], &results[next]);
            next++;
          }
      }
    }
}

/* Count the rows and write the figures of every module run whole, once
   all its rows ran.  */
static void
fc_cli_run_finish (const fc_cli_run_args *args, const fc_cli_selection *sel,
                   void *const *records, const fc_cli_run_job *jobs,
                   const fc_cli_result *results, size_t n_jobs,
                   fc_cli_run_tally *tally)
{
  for (size_t j = 0; j < n_jobs; j++)
    {
      tally->n_run++;
      tally->n_expected += results[j].v.verdict == results[j].expected;
    }
  for (size_t m = 0; m < sel->n_modules; m++)
    {
      if (records == NULL || records[m] == NULL)
        continue;
      int all_ran = 1;
      for (size_t j = 0; j < n_jobs; j++)
        if (jobs[j].m == m)
          all_ran &= jobs[j].status == GSL_SUCCESS;
      if (all_ran)
        fc_cli_run_figures (args, fc_modules[m], records[m], tally);
      else
        {
          fc_cli_error ("run", "%s: figure data not written: a check "
                        "failed to run", fc_modules[m]->name);
          tally->write_failed = 1;
        }
    }
}

/* The header of the TSV table: the second column names the module of a
   claim, or the control.  */
void
fc_cli_run_tsv_header (const fc_cli_run_args *args, FILE *out)
{
  fprintf (out,
           "id\t%s\texpected\tverdict\tmetric\tvalue\ttolerance\trole\tpass\t"
           "tests\n",
           args->controls ? "control" : "module");
}

/* The TSV rows of RESULTS (a fc_cli_run_rowset).  */
typedef struct
{
  const fc_cli_result *results;
  size_t n;
} fc_cli_run_rowset;

static void
fc_cli_run_tsv_rows (FILE *out, const void *ctx)
{
  const fc_cli_run_rowset *r = ctx;
  for (size_t i = 0; i < r->n; i++)
    fc_verdict_print_tsv_as (out, &r->results[i].v, r->results[i].label,
                             r->results[i].expected);
}

/* DIR/verdicts.tsv (DIR/controls.tsv with --controls), atomically: the
   --tsv table under the data-file header (ARCHITECTURE.md "Contracts":
   data files).  */
int
fc_cli_run_write_tsv (const fc_cli_run_args *args, const char *dir,
                      void (*rows) (FILE *out, const void *ctx),
                      const void *ctx)
{
  char path[4096];
  const char *name = args->controls ? "controls.tsv" : "verdicts.tsv";
  if (fc_io_path (path, sizeof path, dir, name) != 0)
    {
      fc_cli_error ("run", "--out: directory name too long");
      return -1;
    }
  fc_datafile *f = fc_datafile_open (
      path, args->command,
      args->controls ? "id control expected verdict metric value tolerance "
                       "role pass tests"
                     : "id module expected verdict metric value tolerance "
                       "role pass tests");
  if (f == NULL)
    {
      fc_cli_error ("run", "%s: cannot write: %s", path, strerror (errno));
      return -1;
    }
  FILE *out = fc_datafile_stream (f);
  fprintf (out, "# seed: %lu  quick: %s\n", args->opt.seed,
           args->opt.quick ? "yes" : "no");
  fc_cli_run_tsv_header (args, out);
  rows (out, ctx);
  if (fc_datafile_commit (f) != GSL_SUCCESS)
    {
      fc_cli_error ("run", "%s: cannot write: %s", path, strerror (errno));
      return -1;
    }
  return 0;
}

void
fc_cli_run_summary (const fc_cli_run_args *args, const fc_cli_run_tally *t,
                    double seconds)
{
  /* With --tsv stdout is the table alone; the summary is then a message.  */
  FILE *out = args->tsv ? stderr : stdout;
  if (args->tsv && args->quiet)
    return;
  fprintf (out, "%zu %s%s: %zu as expected, %zu not (seed %lu%s; "
           "wall time %.1f s)\n",
           t->n_run, args->controls ? "control" : "claim",
           t->n_run == 1 ? "" : "s", t->n_expected, t->n_run - t->n_expected,
           args->opt.seed, args->opt.quick ? ", quick" : "", seconds);
}

/* Rows the selection makes: one per claim, or one per control.  */
size_t
fc_cli_run_count (const fc_cli_run_args *args, const fc_cli_selection *sel)
{
  if (!args->controls)
    return sel->n_selected;
  size_t n = 0;
  for (size_t m = 0; m < sel->n_modules; m++)
    for (size_t i = 0; i < fc_modules[m]->n_claims; i++)
      if (sel->claim[sel->first[m] + i])
        n += fc_modules[m]->claims[i].n_controls;
  return n;
}

/* Keep of the N_JOBS rows JOBS those of the cells this process runs
   (--cells, --cell), each module's header before its first kept row;
   their number.  */
static size_t
fc_cli_run_shard (const fc_cli_run_args *args, const fc_cell_list *cells,
                  fc_cli_run_job *jobs, size_t n_jobs)
{
  size_t n = 0;
  for (size_t j = 0; j < n_jobs; j++)
    if (fc_cells_runs (&args->cells, cells, jobs[j].cell))
      {
        jobs[n] = jobs[j];
        jobs[n].first_of_module = n == 0 || jobs[n - 1].m != jobs[n].m;
        n++;
      }
  return n;
}

/* The figure records: one per module (RECORDS[m]) in a whole run, one per
   cell (RECORDS[cell]) in a sharded one, where each cell writes the data
   its own claims measured.  */
static void
fc_cli_run_records (const fc_cli_run_args *args, const fc_cli_selection *sel,
                    const fc_cli_run_job *jobs, size_t n_jobs,
                    void **records, fc_cli_run_tally *tally)
{
  if (!fc_cells_sharded (&args->cells))
    {
      for (size_t m = 0; m < sel->n_modules; m++)
        records[m] = fc_cli_run_record (args, sel, m, tally);
      return;
    }
  for (size_t j = 0; j < n_jobs; j++)
    if (records[jobs[j].cell] == NULL)
      records[jobs[j].cell] = fc_cli_run_record (args, sel, jobs[j].m, tally);
}

static void
fc_cli_run_records_free (const fc_cli_run_args *args,
                         const fc_cli_selection *sel,
                         const fc_cli_run_job *jobs, size_t n_jobs,
                         void **records)
{
  if (!fc_cells_sharded (&args->cells))
    {
      for (size_t m = 0; m < sel->n_modules; m++)
        fc_module_figures_free (fc_modules[m], records[m]);
      return;
    }
  for (size_t j = 0; j < n_jobs; j++)
    {
      fc_module_figures_free (fc_modules[jobs[j].m], records[jobs[j].cell]);
      records[jobs[j].cell] = NULL;
    }
}

/* Measure the N_JOBS rows JOBS into RESULTS and write what the run writes;
   returns the exit status.  */
static int
fc_cli_run_measure_all (const fc_cli_run_args *args,
                        const fc_cli_selection *sel, const fc_cell_list *cells,
                        fc_cli_run_job *jobs, size_t n_jobs,
                        fc_cli_result *results)
{
  fc_cli_run_tally tally = { 0, 0, 0 };
  int sharded = fc_cells_sharded (&args->cells);
  size_t n_records = sharded ? cells->n : sel->n_modules;
  void **records = calloc (n_records + 1, sizeof *records);
  if (records == NULL)
    {
      fc_cli_error ("run", "out of memory");
      return FC_CLI_EXIT_MISMATCH;
    }
  double t0 = fc_io_wall_seconds ();
  if (args->tsv)
    fc_cli_run_tsv_header (args, stdout);
  fc_cli_run_records (args, sel, jobs, n_jobs, records, &tally);
  fc_cli_run_rows (args, records, jobs, n_jobs, results);
  fc_cli_run_finish (args, sel, sharded ? NULL : records, jobs, results,
                     n_jobs, &tally);
  if (sharded)
    fc_cli_run_cells_write (args, cells, records, jobs, results, n_jobs,
                            &tally);
  fc_cli_run_records_free (args, sel, jobs, n_jobs, records);
  free (records);
  fc_cli_run_summary (args, &tally, fc_io_wall_seconds () - t0);
  fc_cli_run_rowset rows = { results, tally.n_run };
  if (args->opt.out_dir != NULL && !sharded
      && fc_cli_run_write_tsv (args, args->opt.out_dir, fc_cli_run_tsv_rows,
                               &rows) != 0)
    tally.write_failed = 1;
  /* Complete: the marker goes last (a shard leaves it to the merge).  */
  if (args->opt.out_dir != NULL && !sharded && !tally.write_failed
      && fc_cells_mark_complete (args->opt.out_dir) != 0)
    tally.write_failed = 1;
  int ok = tally.n_expected == tally.n_run && !tally.write_failed;
  return ok ? FC_CLI_EXIT_OK : FC_CLI_EXIT_MISMATCH;
}

/* Write DIR/cells/study for a sharded run, then run its cells; the exit
   status.  */
static int
fc_cli_run_sharded (const fc_cli_run_args *args, const fc_cli_selection *sel,
                    const fc_cell_list *cells, fc_cli_run_job *jobs,
                    size_t n_jobs, fc_cli_result *results)
{
  char err[FC_CELLS_ERR];
  if (fc_cells_write_study (args->opt.out_dir, args->argc, args->argv, cells,
                            err)
      != 0)
    {
      fc_cli_error ("run", "%s", err);
      return FC_CLI_EXIT_USAGE;
    }
  n_jobs = fc_cli_run_shard (args, cells, jobs, n_jobs);
  return fc_cli_run_measure_all (args, sel, cells, jobs, n_jobs, results);
}

/* Run the selection (or list its cells); returns the exit status.  */
static int
fc_cli_run_selection (const fc_cli_run_args *args, const fc_cli_selection *sel)
{
  size_t n_rows = fc_cli_run_count (args, sel);
  /* +1: calloc (0) may return NULL.  */
  fc_cli_result *results = calloc (n_rows + 1, sizeof *results);
  fc_cli_run_job *jobs = calloc (n_rows + 1, sizeof *jobs);
  fc_cell_list cells = { 0, 0, NULL };
  int status = FC_CLI_EXIT_MISMATCH;
  size_t n_jobs = jobs != NULL ? fc_cli_run_jobs (args, sel, jobs) : 0;
  char err[FC_CELLS_ERR];
  if (results == NULL || jobs == NULL
      || fc_cli_run_cells (args, sel, jobs, n_jobs, &cells) != 0)
    fc_cli_error ("run", "out of memory");
  else if (fc_cells_check (&args->cells, &cells, err) != 0)
    {
      fc_cli_error ("run", "%s", err);
      status = FC_CLI_EXIT_USAGE;
    }
  else if (args->cells.mode == FC_CELLS_LIST)
    status = fc_cell_list_print (stdout, &cells) == 0 ? FC_CLI_EXIT_OK
                                                      : FC_CLI_EXIT_MISMATCH;
  else if ((status = fc_cli_run_mkdir (args, args->opt.out_dir)) != 0)
    ;
  else if (fc_cells_sharded (&args->cells))
    status = fc_cli_run_sharded (args, sel, &cells, jobs, n_jobs, results);
  else
    status = fc_cli_run_measure_all (args, sel, &cells, jobs, n_jobs,
                                     results);
  fc_cell_list_free (&cells);
  free (jobs);
  free (results);
  return status;
}

/* Create the --out directory DIR, if any, and mark it incomplete until the
   run ends (DIR/INCOMPLETE, fc_cells.h); 0, or FC_CLI_EXIT_USAGE after a
   message.  */
int
fc_cli_run_mkdir (const fc_cli_run_args *args, const char *dir)
{
  if (dir == NULL)
    return 0;
  if (fc_io_mkdir (dir) != 0)
    fc_cli_error ("run", "--out: cannot create directory '%s': %s", dir,
                  strerror (errno));
  else if (fc_cells_mark_incomplete (dir, args->command) != 0)
    fc_cli_error ("run", "--out: cannot write '%s/INCOMPLETE': %s", dir,
                  strerror (errno));
  else
    return 0;
  return FC_CLI_EXIT_USAGE;
}

/* Run what the N NAMES select with ARGS; returns the exit status.  */
static int
fc_cli_run_named (const fc_cli_run_args *args, int n, char *const *names)
{
  fc_cli_selection sel;
  if (args->command == NULL || args->argv == NULL)
    {
      fc_cli_error ("run", "out of memory");
      return FC_CLI_EXIT_MISMATCH;
    }
  int status = fc_cli_select ("run", n, names, &sel);
  if (status != 0)
    return status;
  status = fc_cli_finish_output ("run", fc_cli_run_selection (args, &sel));
  fc_cli_selection_free (&sel);
  return status;
}

int
fc_cli_run (int argc, char **argv)
{
  fc_cli_run_args args;

  memset (&args, 0, sizeof args);
  args.opt.seed = FC_CLI_DEFAULT_SEED;
  char err[FC_CELLS_ERR];
  if (fc_cells_take_options (&argc, argv, &args.cells, err) != 0)
    {
      fc_cli_error ("run", "%s", err);
      fc_cli_hint ("run");
      return FC_CLI_EXIT_USAGE;
    }
  if (args.cells.mode == FC_CELLS_MERGE)
    {
      if (argc == 1)
        return fc_cli_run_merge (args.cells.merge_dir);
      fc_cli_error ("run", "--merge: no other option or name: the study "
                    "is read from %s/cells/study", args.cells.merge_dir);
      return FC_CLI_EXIT_USAGE;
    }
  /* Before getopt_long, which permutes ARGV: the command line without the
     cell options, the same in every shard as in the whole run.  */
  args.command = fc_cli_command_line (argc, argv);
  args.argc = argc;
  args.argv = calloc (argc + 1, sizeof *args.argv);
  if (args.argv != NULL)
    memcpy (args.argv, argv, argc * sizeof *argv);
  int status = fc_cli_run_parse (argc, argv, &args);
  if (status == FC_CLI_PARSED && fc_cells_sharded (&args.cells)
      && args.opt.out_dir == NULL)
    {
      fc_cli_error ("run", "--cells, --cell: the cells are written under "
                    "--out DIR, which is missing");
      status = FC_CLI_EXIT_USAGE;
    }
  if (status == FC_CLI_PARSED)
    status = fc_cli_run_named (&args, argc - optind, argv + optind);
  free (args.command);
  free (args.argv);
  return status;
}
