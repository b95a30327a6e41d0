/* src/cli/cli.h -- the flowcheck command: its subcommands and shared helpers.
 *
 * The command line is a contract (ARCHITECTURE.md "Contracts that users and
 * scripts rely on"): exit status 0 on success, 1 when a verdict differs from
 * its expectation or a check failed to run, 2 on bad usage or input.  Bad
 * usage or input is always detected before the first byte of output: every
 * subcommand reads and validates all of its input first, so a failing call
 * leaves stdout empty and writes one line naming the option or "FILE:LINE"
 * on stderr.
 *
 *   main.c       dispatch, messages, option parsing, number parsers
 *   output.c     the rows of eval and sample: stdout, a text file or .npy
 *   select.c     the claims named on a command line (list, run)
 *   input.c      every input: --data, --obs, the points, input files
 *   list.c       "flowcheck list" (markdown.c: its --markdown form)
 *   run.c, eval.c, sample.c, posterior.c, so3.c: one file per command  */
#ifndef FC_CLI_H
#define FC_CLI_H

#include <stddef.h>
#include <stdio.h>
#include <getopt.h>

#include "fc_gmm.h"
#include "fc_io.h"
#include "fc_module.h"
#include "fc_obs.h"
#include "fc_schedule.h"

#define FC_CLI_EXIT_OK 0
#define FC_CLI_EXIT_MISMATCH 1 /* a verdict differs, a check or write failed */
#define FC_CLI_EXIT_USAGE 2    /* bad usage or input; nothing on stdout */

/* getopt_long values of the long-only options: above every character, so
   an unknown short option can never be mistaken for one of them.  */
enum
{
  FC_CLI_OPT_TSV = 256,
  FC_CLI_OPT_OUT,
  FC_CLI_OPT_SEED,
  FC_CLI_OPT_QUICK,
  FC_CLI_OPT_QUIET,
  FC_CLI_OPT_DATA,
  FC_CLI_OPT_SCHEDULE,
  FC_CLI_OPT_T,
  FC_CLI_OPT_QUANTITY,
  FC_CLI_OPT_POINTS,
  FC_CLI_OPT_OBS,
  FC_CLI_OPT_GUIDANCE,
  FC_CLI_OPT_GAMMA,
  FC_CLI_OPT_N,
  FC_CLI_OPT_STEPS,
  FC_CLI_OPT_CONTROLS,
  FC_CLI_OPT_MARKDOWN,
  FC_CLI_OPT_SIGMA,
  FC_CLI_OPT_OUTPUT
};

/* Above every getopt value of every command: fc_cli_parse's table of the
   options seen has this many entries.  */
#define FC_CLI_OPT_MAX 1024

/* The default seed of every command that draws random numbers ('run',
   'sample'): any fixed value makes runs repeatable; the value itself means
   nothing.  */
#define FC_CLI_DEFAULT_SEED 20240501UL

/* ------------------------------------------------------------ commands */

/* Each subcommand takes its own argument vector: ARGV[0] is the subcommand
   name, the rest its options and operands.  Returns the exit status.  */
int
fc_cli_list (int argc, char **argv);

int
fc_cli_run (int argc, char **argv);

int
fc_cli_eval (int argc, char **argv);

int
fc_cli_sample (int argc, char **argv);

int
fc_cli_posterior (int argc, char **argv);

int
fc_cli_so3 (int argc, char **argv);

/* Full usage of each subcommand (options, formats, an example, exit
   statuses), for "flowcheck CMD --help".  */
void
fc_cli_list_usage (FILE *out);

void
fc_cli_run_usage (FILE *out);

void
fc_cli_eval_usage (FILE *out);

void
fc_cli_sample_usage (FILE *out);

void
fc_cli_posterior_usage (FILE *out);

void
fc_cli_so3_usage (FILE *out);

/* ------------------------------------------------------------ messages */

/* "flowcheck CMD: MESSAGE\n" on stderr (CMD NULL: "flowcheck: ...").  */
void
fc_cli_error (const char *cmd, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));

/* The short hint after a usage error: "Try 'flowcheck CMD --help'.".  */
void
fc_cli_hint (const char *cmd);

/* ------------------------------------------------------------ options */

/* fc_cli_parse's result when the options are read and the command goes
   on; every other result is the exit status to return at once.  */
#define FC_CLI_PARSED (-1)

/* The end of every command's table of long options: -h and --help (which
   fc_cli_parse answers), then the terminator.  */
#define FC_CLI_HELP_AND_END \
  { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 }

/* How a command reads its options.  */
typedef struct
{
  const char *cmd;               /* "eval": the name in messages */
  const struct option *longopts; /* ending with FC_CLI_HELP_AND_END */
  void (*usage) (FILE *out);     /* what -h and --help print */
  /* Store option C (its value, if any, in optarg) into ARGS; 0, or
     FC_CLI_EXIT_USAGE after a message naming the option.  */
  int (*option) (void *args, int c);
  /* NULL when the command takes operands (module and claim names), which
     then start at optind; otherwise an operand is an error, and this is
     the note after "unexpected argument 'X'" ("" for none).  */
  const char *operand_note;
} fc_cli_parser;

/* Read the options of ARGV (ARGV[0] the command) into ARGS with P: -h or
   --help prints the usage (exit status 0); an unknown option, an option
   given twice, a missing or unexpected value, a value P->option refuses or, when the command
   takes none, an operand, is a usage error.  Returns FC_CLI_PARSED, or
   the exit status to return now.  */
int
fc_cli_parse (const fc_cli_parser *p, int argc, char **argv, void *args);

/* A required option: its name ("--data") and its value, NULL when it was
   not given.  */
typedef struct
{
  const char *name;
  const char *value;
} fc_cli_required;

/* 0 when every one of the N options REQ has a value; else
   FC_CLI_EXIT_USAGE after "missing required option NAME" for the first
   that has none, and the hint.  */
int
fc_cli_require (const char *cmd, const fc_cli_required *req, size_t n);

/* The unsigned value S of option OPT ("--seed") into *X within [MIN,
   MAX]; 0, or FC_CLI_EXIT_USAGE after a message naming OPT.  MAX 0: no
   bound at all (MIN is then 0 too).  */
int
fc_cli_option_ulong (const char *cmd, const char *opt, const char *s,
                     unsigned long min, unsigned long max, unsigned long *x);

/* The schedule named S (--schedule) into *SCHEDULE; 0, or
   FC_CLI_EXIT_USAGE after a message naming --schedule.  */
int
fc_cli_option_schedule (const char *cmd, const char *s,
                        fc_schedule *schedule);

/* Strict number parsing: the whole of S must be the number (no leading or
   trailing blanks, no empty string).  Return 0 on success, -1 otherwise.
   fc_cli_parse_double accepts only finite values; fc_cli_parse_ulong only
   decimal digits (no sign) within the range of unsigned long.  */
int
fc_cli_parse_double (const char *s, double *x);

int
fc_cli_parse_ulong (const char *s, unsigned long *x);

/* ------------------------------------------------------------ output */

/* X (n, width) on OUT (stdout), one row a line: %.17g numbers separated
   by one blank (the text output of eval, sample and so3; output.c).  */
void
fc_cli_write_rows (FILE *out, const double *x, size_t n, size_t width);
void
fc_cli_print_rows (const double *x, size_t n, size_t width);

/* The destination of eval's and sample's rows (output.c): standard output
   (PATH NULL or "-"), or --output PATH written atomically, as .npy when
   PATH ends in ".npy", else as the same text as on standard output.  */
typedef struct
{
  const char *path;    /* NULL: standard output */
  fc_datafile *file;
  int npy;
} fc_cli_output;

/* Open O on PATH (the temporary beside it is created now); 0, or
   FC_CLI_EXIT_USAGE after "--output: PATH: cannot create: REASON".  */
int
fc_cli_output_open (const char *cmd, const char *path, fc_cli_output *o);

/* Write X (n, width) to O; a .npy of width 1 has shape (n,) when VECTOR
   (one number per point: logp, div), else (n, width).  0 or a GSL error
   (the write error is reported by fc_cli_output_close).  */
int
fc_cli_output_rows (fc_cli_output *o, const double *x, size_t n,
                    size_t width, int vector);

/* Finish O: for standard output fc_cli_finish_output; for a file, rename
   it into place when STATUS is FC_CLI_EXIT_OK, else remove the temporary.
   Returns STATUS, or FC_CLI_EXIT_MISMATCH after a message when the file
   could not be written.  */
int
fc_cli_output_close (const char *cmd, fc_cli_output *o, int status);

/* Flush stdout and report a write error (full disk, closed pipe) once.
   Returns STATUS, or FC_CLI_EXIT_MISMATCH if the output could not be
   written, so no failing write ever exits 0.  */
int
fc_cli_finish_output (const char *cmd, int status);

/* ------------------------------------------------------------ inputs */

/* Open PATH for reading, refusing a directory (fopen accepts one on Linux,
   and the first read then fails with a message about the wrong thing).
   NULL with errno set.  Every command's input files go through it.  */
FILE *
fc_cli_open_input (const char *path);

/* The mixture of --data DATA (a built-in name, else a spec file),
   prepared, for command CMD; NULL after a message naming --data or
   FILE:LINE.  */
fc_gmm *
fc_cli_load_data (const char *cmd, const char *data);

/* The observation file PATH (--obs) for data of dimension DIM (the mixture
   of --data DATA); NULL after a message naming --obs or FILE:LINE.  */
fc_obs *
fc_cli_load_obs (const char *cmd, const char *path, size_t dim,
                 const char *data);

/* The points of --points POINTS (NULL or "-": standard input, named
   "<stdin>" in messages) into *X (n, DIM), malloc'd; 0, or -1 after a
   message naming --points or FILE:LINE.  LINES, if not NULL, receives the
   line number of each point (malloc'd, NULL when n = 0; 0 for the rows of
   a .npy input), for messages about a point that is well formed but not
   acceptable (fc_cli_point_where).  */
int
fc_cli_load_points (const char *cmd, const char *points, size_t dim,
                    double **x, size_t *n, size_t **lines);

/* Where point I of the input NAME is, for messages about it, into BUF
   (LEN bytes), returned: "NAME:LINE" for a text input (LINES as given by
   fc_cli_load_points), "NAME: row I (counted from 0)" for a .npy input
   (whose LINES are 0) or when LINES is NULL.  */
const char *
fc_cli_point_where (char *buf, size_t len, const char *name,
                    const size_t *lines, size_t i);

/* The name of the points input in messages: "<stdin>" for NULL or "-",
   else POINTS.  */
const char *
fc_cli_points_name (const char *points);

/* The "Built-in data sets" paragraph of the usage texts (ending in a
   newline); then, for sample and posterior, a blank line and the
   observation-file format in brief.  */
void
fc_cli_print_builtins (FILE *out);

void
fc_cli_print_data_and_obs (FILE *out);

/* The usage texts' example: "Example (observe the first coordinate of
   8gaussians):", the line that writes y.obs, then COMMAND (its lines).  */
void
fc_cli_print_obs_example (FILE *out, const char *command);

/* ------------------------------------------------------------ selection */

/* The claims named on a command line: module names select a whole module,
   claim identifiers one claim; no names select everything.  Claims are
   always visited in catalog order, each at most once.  */
typedef struct
{
  size_t n_modules;       /* entries of fc_modules[] */
  size_t n_selected;      /* claims selected */
  size_t *first;          /* (n_modules + 1) index of each module's first claim */
  unsigned char *claim;   /* (first[n_modules]) 1 when the claim is selected */
  unsigned char *module;  /* (n_modules) 1 when the module is selected whole */
} fc_cli_selection;

/* Resolve the N NAMES into SEL.  Returns 0, or FC_CLI_EXIT_USAGE after a
   message naming the unknown name (or on no memory).  */
int
fc_cli_select (const char *cmd, int n, char *const *names,
               fc_cli_selection *sel);

/* 1 when claim I of module M is selected in SEL.  */
static inline int
fc_cli_selected (const fc_cli_selection *sel, size_t m, size_t i)
{
  return sel->claim[sel->first[m] + i];
}

void
fc_cli_selection_free (fc_cli_selection *sel);

/* " NAME" for every registered module, then a newline, on OUT (the
   "Modules:" line of the usage texts).  */
void
fc_cli_print_module_names (FILE *out);

/* ------------------------------------------------------------ list */

/* The catalog of the claims selected in SEL as Markdown on stdout
   (flowcheck list --markdown, which writes CATALOG.md).  */
void
fc_cli_list_markdown (const fc_cli_selection *sel);

#endif /* FC_CLI_H */
