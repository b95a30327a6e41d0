/* src/cli.h -- the flowcheck command: its subcommands and shared helpers.
 *
 * The command line is a contract (ARCHITECTURE.md "Contracts that users and
 * scripts rely on"): exit status 0 on success, 1 when a verdict differs from
 * its expectation or a check failed to run, 2 on bad usage or input.  Bad
 * usage or input is always detected before the first byte of output: every
 * subcommand reads and validates all of its input first, so a failing call
 * leaves stdout empty and writes one line naming the option or "FILE:LINE"
 * on stderr.  */
#ifndef FC_CLI_H
#define FC_CLI_H

#include <stddef.h>
#include <stdio.h>
#include <getopt.h>

#include "fc_gmm.h"
#include "fc_module.h"
#include "fc_obs.h"

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
  FC_CLI_OPT_MARKDOWN
};

/* The default seed of every command that draws random numbers ('run',
   'sample'): any fixed value makes runs repeatable; the value itself means
   nothing.  */
#define FC_CLI_DEFAULT_SEED 20240501UL

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

/* "flowcheck CMD: MESSAGE\n" on stderr (CMD NULL: "flowcheck: ...").  */
void
fc_cli_error (const char *cmd, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));

/* The short hint after a usage error: "Try 'flowcheck CMD --help'.".  */
void
fc_cli_hint (const char *cmd);

/* Reset getopt before a subcommand parses its own vector.  */
void
fc_cli_getopt_reset (void);

/* Report the getopt_long error C ('?' or ':') for the option just scanned
   (LONGOPTS as passed to getopt_long, optstring starting with ':'), then the
   hint.  Returns FC_CLI_EXIT_USAGE.  */
int
fc_cli_getopt_error (const char *cmd, int c, char **argv,
                     const struct option *longopts);

/* Strict number parsing: the whole of S must be the number (no leading or
   trailing blanks, no empty string).  Return 0 on success, -1 otherwise.
   fc_cli_parse_double accepts only finite values; fc_cli_parse_ulong only
   decimal digits (no sign) within the range of unsigned long.  */
int
fc_cli_parse_double (const char *s, double *x);

int
fc_cli_parse_ulong (const char *s, unsigned long *x);

/* Flush stdout and report a write error (full disk, closed pipe) once.
   Returns STATUS, or FC_CLI_EXIT_MISMATCH if the output could not be
   written, so no failing write ever exits 0.  */
int
fc_cli_finish_output (const char *cmd, int status);

/* The inputs of 'sample' and 'posterior' (cli_posterior.c).  The mixture
   of --data DATA (a built-in name, else a spec file), prepared, for command
   CMD; NULL after a message naming --data or FILE:LINE.  */
fc_gmm *
fc_cli_load_data (const char *cmd, const char *data);

/* The observation file PATH (--obs) for data of dimension DIM (the mixture
   of --data DATA); NULL after a message naming --obs or FILE:LINE.  */
fc_obs *
fc_cli_load_obs (const char *cmd, const char *path, size_t dim,
                 const char *data);

/* Open PATH for reading, refusing a directory (fopen accepts one on Linux,
   and the first read then fails with a message about the wrong thing).
   NULL with errno set.  Every command's input files go through it.  */
FILE *
fc_cli_open_input (const char *path);

/* The observation-file format in brief, for the usage texts.  */
void
fc_cli_print_obs_format (FILE *out);

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
/* " NAME" for every registered module, then a newline, on OUT (the
   "Modules:" line of the usage texts).  */
void
fc_cli_print_module_names (FILE *out);

int
fc_cli_select (const char *cmd, int n, char *const *names,
               fc_cli_selection *sel);

void
fc_cli_selection_free (fc_cli_selection *sel);

#endif /* FC_CLI_H */
