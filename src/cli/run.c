/* src/cli_run.c -- "flowcheck run": check claims, compare with the catalog.
 *
 * Each selected claim is measured by its module (fc_claim_run), which
 * decides a verdict from the measurements alone; only here is that verdict
 * compared with the catalog's expectation (derivations/fc_module.h).  The
 * exit status is the comparison: 0 when every verdict is the expected one
 * (ARCHITECTURE.md "Contracts").  */

#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>

#include "cli.h"
#include "fc_io.h"

typedef struct
{
  fc_run_options opt;
  int tsv;
  int quiet;
  char *command; /* the command line, for the header of verdicts.tsv */
} fc_cli_run_args;

/* The outcome of a run, for the summary and the exit status.  */
typedef struct
{
  size_t n_run;
  size_t n_expected;
  int write_failed; /* figure data or verdicts.tsv could not be written */
} fc_cli_run_tally;

void
fc_cli_run_usage (FILE *out)
{
  fputs ("Usage: flowcheck run [OPTION]... [MODULE|CLAIM]...\n"
         "\n"
         "Check the named modules and claims (all of them when none is named),\n"
         "in catalog order, and compare each verdict (CONFIRMED, REFUTED,\n"
         "APPROXIMATE) with the catalog's expectation.  One line per claim:\n"
         "identifier, expected and measured verdicts, ok or MISMATCH; below it\n"
         "the decisive figure and every metric with its tolerance.  A final\n"
         "line counts the claims as expected and not, with the wall time.\n"
         "\n"
         "Options:\n"
         "  --out DIR   create DIR; write the figure data of every module run\n"
         "              whole and DIR/verdicts.tsv (the --tsv table)\n"
         "  --seed N    seed of every random draw, a non-negative integer\n"
         "              (default 20240501); same seed, same figures\n"
         "  --quick     the smaller problem sizes used by the test suite\n"
         "  --tsv       machine-readable output, one row per metric, header\n"
         "              id module expected verdict metric value tolerance\n"
         "              (values %.17g; a check that failed to run has verdict\n"
         "              NONE and one metric gsl_status)\n"
         "  --quiet     no progress lines and no summary on stderr\n"
         "  -h, --help  print this help and exit\n"
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
         "\n"
         "Exit status: 0 every verdict as expected; 1 some verdict differs, a\n"
         "check failed to run or a data file could not be written; 2 bad usage\n"
         "(unknown option, module or claim, bad --seed, --out not creatable).\n",
         out);
}

static double
fc_cli_now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

/* "flowcheck ARGV..." joined by blanks; NULL on no memory.  */
static char *
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

/* Parse the options into ARGS; 0, or the exit status to return now.  */
static int
fc_cli_run_parse (int argc, char **argv, fc_cli_run_args *args, int *done)
{
  static const struct option longopts[] = {
    { "out", required_argument, NULL, FC_CLI_OPT_OUT },
    { "seed", required_argument, NULL, FC_CLI_OPT_SEED },
    { "quick", no_argument, NULL, FC_CLI_OPT_QUICK },
    { "tsv", no_argument, NULL, FC_CLI_OPT_TSV },
    { "quiet", no_argument, NULL, FC_CLI_OPT_QUIET },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  int c;

  *done = 0;
  while ((c = getopt_long (argc, argv, ":h", longopts, NULL)) != -1)
    switch (c)
      {
      case FC_CLI_OPT_OUT:
        if (optarg[0] == '\0')
          {
            fc_cli_error ("run", "--out: empty directory name");
            return FC_CLI_EXIT_USAGE;
          }
        args->opt.out_dir = optarg;
        break;
      case FC_CLI_OPT_SEED:
        if (fc_cli_parse_ulong (optarg, &args->opt.seed) != 0)
          {
            fc_cli_error ("run", "--seed: '%s' is not a non-negative integer",
                          optarg);
            return FC_CLI_EXIT_USAGE;
          }
        break;
      case FC_CLI_OPT_QUICK:
        args->opt.quick = 1;
        break;
      case FC_CLI_OPT_TSV:
        args->tsv = 1;
        break;
      case FC_CLI_OPT_QUIET:
        args->quiet = 1;
        break;
      case 'h':
        fc_cli_run_usage (stdout);
        *done = 1;
        return fc_cli_finish_output ("run", FC_CLI_EXIT_OK);
      default:
        return fc_cli_getopt_error ("run", c, argv, longopts);
      }
  args->opt.progress = args->quiet ? NULL : stderr;
  return 0;
}

/* Measure one claim into RESULT with OPT (whose figures field is the
   module's figure record or NULL) and print its row.  Returns the check's
   status.  */
static int
fc_cli_run_claim (const fc_cli_run_args *args, const fc_run_options *opt,
                  const fc_module *module, const fc_claim *claim,
                  fc_verdict *result)
{
  FILE *progress = opt->progress;
  if (progress != NULL)
    fprintf (progress, "[%s %s] running\n", module->name, claim->id);
  double t0 = fc_cli_now ();
  int status = fc_claim_run (module, claim, opt, result);
  if (status != GSL_SUCCESS)
    {
      /* The measurement itself failed: no verdict, whatever the module may
         have set before failing, and the status kept as a figure so the
         TSV form has a row for this claim too.  */
      result->verdict = FC_VERDICT_NONE;
      fc_verdict_add (result, "gsl_status", (double) status, NAN);
      fc_verdict_note (result, "check failed to run: %s",
                       gsl_strerror (status));
      fc_cli_error ("run", "%s %s: check failed to run: %s", module->name,
                    claim->id, gsl_strerror (status));
    }
  if (progress != NULL)
    fprintf (progress, "[%s %s] %s in %.1f s\n", module->name, claim->id,
             fc_verdict_name (result->verdict), fc_cli_now () - t0);
  if (args->tsv)
    fc_verdict_print_tsv (stdout, result, claim->expected);
  else
    fc_verdict_print_row (stdout, result, claim->expected);
  /* Rows appear as results come, even through a pipe.  */
  fflush (stdout);
  return status;
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

/* Run every selected claim of module M into RESULTS (advanced).  A module
   run whole with --out collects its figure data in a record its checks
   fill, written once they all ran.  */
static fc_verdict *
fc_cli_run_module (const fc_cli_run_args *args, const fc_cli_selection *sel,
                   size_t m, fc_verdict *results, fc_cli_run_tally *tally)
{
  const fc_module *module = fc_modules[m];
  fc_run_options opt = args->opt;
  void *record = NULL;
  if (sel->module[m] && args->opt.out_dir != NULL)
    {
      record = fc_module_figures_alloc (module);
      if (record == NULL && module->write_figures != NULL)
        {
          fc_cli_error ("run", "%s: no memory for the figure data",
                        module->name);
          tally->write_failed = 1;
        }
    }
  opt.figures = record;
  int header = 0, all_ran = 1;
  for (size_t i = 0; i < module->n_claims; i++)
    {
      const fc_claim *claim = &module->claims[i];
      if (!sel->claim[sel->first[m] + i])
        continue;
      if (!args->tsv && !header)
        {
          printf ("%s: %s\n", module->name, module->title);
          header = 1;
        }
      all_ran &= fc_cli_run_claim (args, &opt, module, claim, results)
                 == GSL_SUCCESS;
      tally->n_run++;
      tally->n_expected += results->verdict == claim->expected;
      results++;
    }
  if (record != NULL && all_ran)
    fc_cli_run_figures (args, module, record, tally);
  else if (record != NULL)
    {
      fc_cli_error ("run", "%s: figure data not written: a check failed to "
                    "run", module->name);
      tally->write_failed = 1;
    }
  fc_module_figures_free (module, record);
  return results;
}

/* The expected verdict of the claim RESULT measures.  */
static fc_verdict_kind
fc_cli_expected (const fc_verdict *result)
{
  const fc_claim *claim = fc_claim_find (result->id, NULL);
  return claim != NULL ? claim->expected : FC_VERDICT_NONE;
}

/* DIR/verdicts.tsv, atomically: the --tsv table under the data-file
   header (ARCHITECTURE.md "Contracts": data files).  */
static int
fc_cli_run_write_tsv (const fc_cli_run_args *args, const fc_verdict *results,
                      size_t n)
{
  char path[4096];
  if (fc_io_path (path, sizeof path, args->opt.out_dir, "verdicts.tsv") != 0)
    {
      fc_cli_error ("run", "--out: directory name too long");
      return -1;
    }
  fc_datafile *f = fc_datafile_open (
      path, args->command, "id module expected verdict metric value tolerance");
  if (f == NULL)
    {
      fc_cli_error ("run", "%s: cannot write: %s", path, strerror (errno));
      return -1;
    }
  FILE *out = fc_datafile_stream (f);
  fprintf (out, "# seed: %lu  quick: %s\n", args->opt.seed,
           args->opt.quick ? "yes" : "no");
  fc_verdict_print_tsv_header (out);
  for (size_t i = 0; i < n; i++)
    fc_verdict_print_tsv (out, &results[i], fc_cli_expected (&results[i]));
  if (fc_datafile_commit (f) != GSL_SUCCESS)
    {
      fc_cli_error ("run", "%s: cannot write: %s", path, strerror (errno));
      return -1;
    }
  return 0;
}

static void
fc_cli_run_summary (const fc_cli_run_args *args, const fc_cli_run_tally *t,
                    double seconds)
{
  /* With --tsv stdout is the table alone; the summary is then a message.  */
  FILE *out = args->tsv ? stderr : stdout;
  if (args->tsv && args->quiet)
    return;
  fprintf (out, "%zu claim%s: %zu as expected, %zu not (seed %lu%s; "
           "wall time %.1f s)\n",
           t->n_run, t->n_run == 1 ? "" : "s", t->n_expected,
           t->n_run - t->n_expected, args->opt.seed,
           args->opt.quick ? ", quick" : "", seconds);
}

/* Run the selection; returns the exit status.  */
static int
fc_cli_run_selection (const fc_cli_run_args *args, const fc_cli_selection *sel)
{
  fc_cli_run_tally tally = { 0, 0, 0 };
  /* +1: calloc (0) may return NULL.  */
  fc_verdict *results = calloc (sel->n_selected + 1, sizeof *results);
  if (results == NULL)
    {
      fc_cli_error ("run", "out of memory");
      return FC_CLI_EXIT_MISMATCH;
    }
  double t0 = fc_cli_now ();
  if (args->tsv)
    fc_verdict_print_tsv_header (stdout);
  fc_verdict *next = results;
  for (size_t m = 0; m < sel->n_modules; m++)
    next = fc_cli_run_module (args, sel, m, next, &tally);
  fc_cli_run_summary (args, &tally, fc_cli_now () - t0);
  if (args->opt.out_dir != NULL
      && fc_cli_run_write_tsv (args, results, tally.n_run) != 0)
    tally.write_failed = 1;
  free (results);
  int ok = tally.n_expected == tally.n_run && !tally.write_failed;
  return ok ? FC_CLI_EXIT_OK : FC_CLI_EXIT_MISMATCH;
}

int
fc_cli_run (int argc, char **argv)
{
  fc_cli_run_args args;
  fc_cli_selection sel;
  int done;

  memset (&args, 0, sizeof args);
  args.opt.seed = FC_CLI_DEFAULT_SEED;
  /* Before getopt_long, which permutes ARGV.  */
  args.command = fc_cli_command_line (argc, argv);
  int status = fc_cli_run_parse (argc, argv, &args, &done);
  if (status == 0 && !done && args.command == NULL)
    {
      fc_cli_error ("run", "out of memory");
      status = FC_CLI_EXIT_MISMATCH;
    }
  if (status == 0 && !done)
    status = fc_cli_select ("run", argc - optind, argv + optind, &sel);
  if (status != 0 || done)
    {
      free (args.command);
      return status;
    }
  if (args.opt.out_dir != NULL && fc_io_mkdir (args.opt.out_dir) != 0)
    {
      fc_cli_error ("run", "--out: cannot create directory '%s': %s",
                    args.opt.out_dir, strerror (errno));
      fc_cli_selection_free (&sel);
      free (args.command);
      return FC_CLI_EXIT_USAGE;
    }
  status = fc_cli_run_selection (&args, &sel);
  fc_cli_selection_free (&sel);
  free (args.command);
  return fc_cli_finish_output ("run", status);
}
