/* src/cli/main.c -- the flowcheck command: dispatch and shared helpers.
 *
 *   flowcheck list [--tsv | --markdown] [MODULE|CLAIM ...]
 *   flowcheck run  [--out DIR] [--seed N] [--quick] [--tsv] [--quiet]
 *                  [--controls] [MODULE|CLAIM ...]
 *   flowcheck eval --data SPEC|NAME --schedule S --t T --quantity Q
 *                  [--points FILE]
 *   flowcheck sample --data SPEC|NAME --obs FILE --guidance G --n N
 *                    [--gamma G] [--seed S] [--steps K] [--schedule S]
 *   flowcheck posterior --data SPEC|NAME --obs FILE
 *   flowcheck so3 exp|log|dist|geodesic|kabsch|igso3 [--t T] [--sigma S]
 *                 [--points FILE]
 *
 * The library reports every failure through a status code, so the GSL error
 * handler is switched off once here and each subcommand turns statuses into
 * one-line messages (ARCHITECTURE.md "Contracts").  Every subcommand reads
 * its options through fc_cli_parse, so -h, unknown options, missing values
 * and stray operands are reported the same way by all of them.  */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_version.h>

#include "cli.h"
#include "fc_parse.h"

typedef struct
{
  const char *name;
  int (*main) (int argc, char **argv);
  void (*usage) (FILE *out);
  const char *summary;
} fc_cli_command;

static const fc_cli_command fc_cli_commands[] = {
  { "list", fc_cli_list, fc_cli_list_usage,
    "print the claim catalog: id, module, expected verdict, section, statement" },
  { "run", fc_cli_run, fc_cli_run_usage,
    "check claims numerically and compare each verdict with its expectation" },
  { "eval", fc_cli_eval, fc_cli_eval_usage,
    "exact path quantities (log-density, score, velocity, ...) at given points" },
  { "sample", fc_cli_sample, fc_cli_sample_usage,
    "samples of the prior or of a posterior by a guided flow" },
  { "posterior", fc_cli_posterior, fc_cli_posterior_usage,
    "the exact posterior mixture given an observation, as a spec file" },
  { "so3", fc_cli_so3, fc_cli_so3_usage,
    "rotations: exp, log, distance, geodesic, Kabsch, IGSO(3) density" },
};

#define FC_CLI_N_COMMANDS (sizeof fc_cli_commands / sizeof fc_cli_commands[0])

/* ------------------------------------------------------------ messages */

void
fc_cli_error (const char *cmd, const char *fmt, ...)
{
  va_list ap;
  /* Messages echo option values and tokens of the input: bytes that are
     not printable ASCII are shown as \xNN (fc_parse_escape), never sent
     raw to the terminal.  */
  char raw[2048], msg[4 * sizeof raw];
  /* Whatever the subcommand already wrote to stdout goes out first, so the
     two streams interleave in the order things happened.  */
  fflush (stdout);
  if (cmd != NULL)
    fprintf (stderr, "flowcheck %s: ", cmd);
  else
    fputs ("flowcheck: ", stderr);
  va_start (ap, fmt);
  vsnprintf (raw, sizeof raw, fmt, ap);
  va_end (ap);
  fc_parse_escape (msg, sizeof msg, raw);
  fputs (msg, stderr);
  fputc ('\n', stderr);
}

void
fc_cli_hint (const char *cmd)
{
  if (cmd != NULL)
    fprintf (stderr, "Try 'flowcheck %s --help' for more information.\n",
             cmd);
  else
    fputs ("Try 'flowcheck --help' for more information.\n", stderr);
}

static void
fc_cli_getopt_reset (void)
{
  /* optind = 0 makes GNU, musl and BSD getopt_long reinitialise fully,
     including the position inside a group of short options.  */
  optind = 0;
  opterr = 0;
}

/* The long name of the option whose getopt value is VAL, or NULL.  */
static const char *
fc_cli_option_name (const struct option *longopts, int val)
{
  for (const struct option *o = longopts; o->name != NULL; o++)
    if (o->flag == NULL && o->val == val)
      return o->name;
  return NULL;
}

/* Report the getopt_long error C ('?' or ':') for the option just scanned
   (LONGOPTS as passed to getopt_long, optstring starting with ':'), then the
   hint.  Returns FC_CLI_EXIT_USAGE.  */
static int
fc_cli_getopt_error (const char *cmd, int c, char **argv,
                     const struct option *longopts)
{
  const char *name = fc_cli_option_name (longopts, optopt);
  if (c == ':' && name != NULL)
    fc_cli_error (cmd, "option '--%s' requires an argument", name);
  else if (c == ':')
    fc_cli_error (cmd, "option '-%c' requires an argument", optopt);
  else if (name != NULL)
    fc_cli_error (cmd, "option '--%s' takes no argument", name);
  else if (optopt > 0 && optopt < 256)
    fc_cli_error (cmd, "unknown option '-%c'", optopt);
  else
    /* An unknown or ambiguous long option: getopt_long has already moved
       past it, so it is the previous element.  */
    fc_cli_error (cmd, "unknown or ambiguous option '%s'", argv[optind - 1]);
  fc_cli_hint (cmd);
  return FC_CLI_EXIT_USAGE;
}

/* ------------------------------------------------------------ options */

/* Every option may be given once: a second value would silently replace
   the first ("--t 0.5 --t 0.7" evaluating at 0.7), so it is refused.
   SEEN has room for every getopt value (characters and FC_CLI_OPT_*).
   FC_CLI_EXIT_USAGE after the message when C was seen, else 0.  */
static int
fc_cli_once (const char *cmd, const struct option *longopts, int c,
             unsigned char seen[FC_CLI_OPT_MAX])
{
  if (c < 0 || c >= FC_CLI_OPT_MAX || !seen[c]++)
    return 0;
  const char *name = fc_cli_option_name (longopts, c);
  if (name != NULL)
    fc_cli_error (cmd, "--%s: option given more than once", name);
  else
    fc_cli_error (cmd, "-%c: option given more than once", c);
  fc_cli_hint (cmd);
  return FC_CLI_EXIT_USAGE;
}

int
fc_cli_parse (const fc_cli_parser *p, int argc, char **argv, void *args)
{
  int c;
  unsigned char seen[FC_CLI_OPT_MAX] = { 0 };
  while ((c = getopt_long (argc, argv, ":h", p->longopts, NULL)) != -1)
    if (c == 'h')
      {
        p->usage (stdout);
        return fc_cli_finish_output (p->cmd, FC_CLI_EXIT_OK);
      }
    else if (c == '?' || c == ':')
      return fc_cli_getopt_error (p->cmd, c, argv, p->longopts);
    else if (fc_cli_once (p->cmd, p->longopts, c, seen) != 0
             || p->option (args, c) != 0)
      return FC_CLI_EXIT_USAGE;
  if (p->operand_note != NULL && optind < argc)
    {
      fc_cli_error (p->cmd, "unexpected argument '%s'%s", argv[optind],
                    p->operand_note);
      fc_cli_hint (p->cmd);
      return FC_CLI_EXIT_USAGE;
    }
  return FC_CLI_PARSED;
}

int
fc_cli_require (const char *cmd, const fc_cli_required *req, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (req[i].value == NULL)
      {
        fc_cli_error (cmd, "missing required option %s", req[i].name);
        fc_cli_hint (cmd);
        return FC_CLI_EXIT_USAGE;
      }
  return 0;
}

int
fc_cli_option_ulong (const char *cmd, const char *opt, const char *s,
                     unsigned long min, unsigned long max, unsigned long *x)
{
  if (fc_cli_parse_ulong (s, x) == 0 && *x >= min && (max == 0 || *x <= max))
    return 0;
  if (max == 0)
    fc_cli_error (cmd, "%s: '%s' is not a non-negative integer", opt, s);
  else
    fc_cli_error (cmd, "%s: '%s' is not an integer in [%lu, %lu]", opt, s,
                  min, max);
  return FC_CLI_EXIT_USAGE;
}

int
fc_cli_option_schedule (const char *cmd, const char *s,
                        fc_schedule *schedule)
{
  if (fc_schedule_parse (s, schedule) == GSL_SUCCESS)
    return 0;
  fc_cli_error (cmd, "--schedule: '%s' is not a schedule "
                "(linear, cosine, vp)", s);
  return FC_CLI_EXIT_USAGE;
}

/* ------------------------------------------------------------ numbers */

int
fc_cli_parse_double (const char *s, double *x)
{
  char *end;
  /* strtod skips leading blanks; a strict reader must not.  */
  if (s[0] == '\0' || isspace ((unsigned char) s[0]))
    return -1;
  errno = 0;
  double v = strtod (s, &end);
  /* ERANGE on underflow still returns a usable (tiny) value; only an
     overflow to infinity is rejected, by the finiteness test.  */
  if (*end != '\0' || !gsl_finite (v))
    return -1;
  *x = v;
  return 0;
}

int
fc_cli_parse_ulong (const char *s, unsigned long *x)
{
  char *end;
  /* strtoul accepts blanks, a sign and a negation ("-1" is ULONG_MAX):
     digits only is the strict form.  */
  if (s[0] < '0' || s[0] > '9')
    return -1;
  errno = 0;
  unsigned long v = strtoul (s, &end, 10);
  if (*end != '\0' || errno == ERANGE)
    return -1;
  *x = v;
  return 0;
}

/* ------------------------------------------------------------ output */

int
fc_cli_finish_output (const char *cmd, int status)
{
  if (fflush (stdout) != 0 || ferror (stdout))
    {
      fc_cli_error (cmd, "write error on standard output: %s",
                    strerror (errno));
      return FC_CLI_EXIT_MISMATCH;
    }
  return status;
}

/* ------------------------------------------------------------ main */

static void
fc_cli_usage (FILE *out)
{
  fputs ("Usage: flowcheck COMMAND [OPTION]... [ARG]...\n"
         "       flowcheck --help | --version\n"
         "\n"
         "Check numerically whether the mathematics of flow matching holds,\n"
         "where the truth is known exactly (Gaussian mixtures), and serve\n"
         "exact ground truth to test trained models against.\n"
         "\n"
         "Commands:\n", out);
  for (size_t i = 0; i < FC_CLI_N_COMMANDS; i++)
    fprintf (out, "  %-10s %s\n", fc_cli_commands[i].name,
             fc_cli_commands[i].summary);
  fputs ("\n"
         "Options:\n"
         "  -h, --help     print this help and exit\n"
         "  -V, --version  print the version and exit\n"
         "\n"
         "'flowcheck COMMAND --help' describes each command.\n"
         "\n"
         "Examples:\n"
         "  flowcheck list\n"
         "  flowcheck run --quick continuity\n"
         "  echo '0.3 -1.2' | flowcheck eval --data 8gaussians"
         " --schedule linear --t 0.5 --quantity velocity\n"
         "  flowcheck posterior --data 8gaussians --obs y.obs > post.spec\n"
         "  flowcheck sample --data 8gaussians --obs y.obs --guidance exact"
         " --n 1000\n"
         "  echo '0 0 1.5707963267948966' | flowcheck so3 exp\n"
         "\n"
         "Exit status: 0 success; 1 a verdict differs from its expectation,\n"
         "a check failed to run, or a numerical failure (sample, posterior);\n"
         "2 bad usage or input.\n", out);
}

/* "list, run, eval, sample or posterior": the commands, for messages.  */
static const char *
fc_cli_command_names (void)
{
  static char names[128];
  if (names[0] != '\0')
    return names;
  for (size_t i = 0; i < FC_CLI_N_COMMANDS; i++)
    {
      const char *sep = i == 0 ? "" : i + 1 < FC_CLI_N_COMMANDS ? ", " : " or ";
      size_t used = strlen (names);
      snprintf (names + used, sizeof names - used, "%s%s", sep,
                fc_cli_commands[i].name);
    }
  return names;
}

/* The command NAME; NULL after "unknown command" (as said by MSG_CMD: NULL
   for flowcheck itself, "help") and the hint.  */
static const fc_cli_command *
fc_cli_command_find (const char *msg_cmd, const char *name)
{
  for (size_t i = 0; i < FC_CLI_N_COMMANDS; i++)
    if (strcmp (fc_cli_commands[i].name, name) == 0)
      return &fc_cli_commands[i];
  fc_cli_error (msg_cmd, "unknown command '%s' (%s)", name,
                fc_cli_command_names ());
  fc_cli_hint (NULL);
  return NULL;
}

/* "flowcheck help [COMMAND]" is "flowcheck [COMMAND] --help".  */
static int
fc_cli_help (int argc, char **argv)
{
  if (argc < 2)
    {
      fc_cli_usage (stdout);
      return fc_cli_finish_output (NULL, FC_CLI_EXIT_OK);
    }
  const fc_cli_command *c = fc_cli_command_find ("help", argv[1]);
  if (c == NULL)
    return FC_CLI_EXIT_USAGE;
  if (argc > 2)
    {
      fc_cli_error ("help", "unexpected argument '%s'", argv[2]);
      fc_cli_hint (NULL);
      return FC_CLI_EXIT_USAGE;
    }
  c->usage (stdout);
  return fc_cli_finish_output (NULL, FC_CLI_EXIT_OK);
}

/* The options before the command (--help, --version); FC_CLI_PARSED with
   the command at optind, or the exit status to return now.  */
static int
fc_cli_main_options (int argc, char **argv)
{
  static const struct option longopts[] = {
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 }
  };
  int c;

  opterr = 0;
  /* '+': stop at the command name; what follows belongs to it.  */
  while ((c = getopt_long (argc, argv, "+:hV", longopts, NULL)) != -1)
    switch (c)
      {
      case 'h':
        fc_cli_usage (stdout);
        return fc_cli_finish_output (NULL, FC_CLI_EXIT_OK);
      case 'V':
        printf ("flowcheck %s (GSL %s)\n", PACKAGE_VERSION, gsl_version);
        return fc_cli_finish_output (NULL, FC_CLI_EXIT_OK);
      default:
        return fc_cli_getopt_error (NULL, c, argv, longopts);
      }
  return FC_CLI_PARSED;
}

int
main (int argc, char **argv)
{
  gsl_set_error_handler_off ();
  int status = fc_cli_main_options (argc, argv);
  if (status != FC_CLI_PARSED)
    return status;
  if (optind >= argc)
    {
      fc_cli_error (NULL, "no command given (%s)", fc_cli_command_names ());
      fc_cli_hint (NULL);
      return FC_CLI_EXIT_USAGE;
    }
  if (strcmp (argv[optind], "help") == 0)
    return fc_cli_help (argc - optind, argv + optind);
  const fc_cli_command *cmd = fc_cli_command_find (NULL, argv[optind]);
  if (cmd == NULL)
    return FC_CLI_EXIT_USAGE;
  int sub_argc = argc - optind;
  char **sub_argv = argv + optind;
  fc_cli_getopt_reset ();
  return cmd->main (sub_argc, sub_argv);
}
