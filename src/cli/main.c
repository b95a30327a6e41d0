/* src/cli_main.c -- the flowcheck command: dispatch and shared helpers.
 *
 *   flowcheck list [--tsv] [MODULE|CLAIM ...]
 *   flowcheck run  [--out DIR] [--seed N] [--quick] [--tsv] [--quiet]
 *                  [MODULE|CLAIM ...]
 *   flowcheck eval --data SPEC|NAME --schedule S --t T --quantity Q
 *   flowcheck sample --data SPEC|NAME --obs FILE --guidance G --n N
 *                    [--gamma G] [--seed S] [--steps K] [--schedule S]
 *   flowcheck posterior --data SPEC|NAME --obs FILE
 *
 * The library reports every failure through a status code, so the GSL error
 * handler is switched off once here and each subcommand turns statuses into
 * one-line messages (ARCHITECTURE.md "Contracts").  */
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
};

#define FC_CLI_N_COMMANDS (sizeof fc_cli_commands / sizeof fc_cli_commands[0])

/* ------------------------------------------------------------ messages */

void
fc_cli_error (const char *cmd, const char *fmt, ...)
{
  va_list ap;
  /* Whatever the subcommand already wrote to stdout goes out first, so the
     two streams interleave in the order things happened.  */
  fflush (stdout);
  if (cmd != NULL)
    fprintf (stderr, "flowcheck %s: ", cmd);
  else
    fputs ("flowcheck: ", stderr);
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
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

void
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

int
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

/* ------------------------------------------------------------ selection */

static size_t
fc_cli_count_modules (void)
{
  size_t n = 0;
  while (fc_modules[n] != NULL)
    n++;
  return n;
}

/* Allocate SEL for the registry with nothing selected; -1 on no memory.  */
static int
fc_cli_selection_alloc (fc_cli_selection *sel)
{
  size_t nm = fc_cli_count_modules ();
  memset (sel, 0, sizeof *sel);
  sel->n_modules = nm;
  sel->first = malloc ((nm + 1) * sizeof *sel->first);
  if (sel->first == NULL)
    return -1;
  sel->first[0] = 0;
  for (size_t m = 0; m < nm; m++)
    sel->first[m + 1] = sel->first[m] + fc_modules[m]->n_claims;
  /* +1: calloc (0) may return NULL, which must not look like failure.  */
  sel->claim = calloc (sel->first[nm] + 1, 1);
  sel->module = calloc (nm + 1, 1);
  if (sel->claim == NULL || sel->module == NULL)
    return -1;
  return 0;
}

static void
fc_cli_select_module (fc_cli_selection *sel, size_t m)
{
  sel->module[m] = 1;
  for (size_t i = sel->first[m]; i < sel->first[m + 1]; i++)
    sel->claim[i] = 1;
}

/* Module index of M in the registry (M is in it).  */
static size_t
fc_cli_module_index (const fc_module *m)
{
  size_t i = 0;
  while (fc_modules[i] != m)
    i++;
  return i;
}

/* Select one NAME: a module, else a claim.  -1 when it is neither.  */
static int
fc_cli_select_name (fc_cli_selection *sel, const char *name)
{
  const fc_module *module = fc_module_find (name);
  if (module != NULL)
    {
      fc_cli_select_module (sel, fc_cli_module_index (module));
      return 0;
    }
  const fc_claim *claim = fc_claim_find (name, &module);
  if (claim == NULL)
    return -1;
  size_t m = fc_cli_module_index (module);
  sel->claim[sel->first[m] + (size_t) (claim - module->claims)] = 1;
  return 0;
}

int
fc_cli_select (const char *cmd, int n, char *const *names,
               fc_cli_selection *sel)
{
  if (fc_cli_selection_alloc (sel) != 0)
    {
      fc_cli_selection_free (sel);
      fc_cli_error (cmd, "out of memory");
      return FC_CLI_EXIT_USAGE;
    }
  for (size_t m = 0; n == 0 && m < sel->n_modules; m++)
    fc_cli_select_module (sel, m);
  for (int i = 0; i < n; i++)
    if (fc_cli_select_name (sel, names[i]) != 0)
      {
        fc_cli_error (cmd, "'%s' is neither a module nor a claim "
                      "(see 'flowcheck list')", names[i]);
        fc_cli_selection_free (sel);
        return FC_CLI_EXIT_USAGE;
      }
  /* A module whose claims were all named one by one is selected whole too
     (its figure data then has everything it needs).  */
  for (size_t m = 0; m < sel->n_modules; m++)
    {
      size_t k = sel->first[m];
      while (k < sel->first[m + 1] && sel->claim[k])
        k++;
      if (k == sel->first[m + 1] && k > sel->first[m])
        sel->module[m] = 1;
    }
  sel->n_selected = 0;
  for (size_t i = 0; i < sel->first[sel->n_modules]; i++)
    sel->n_selected += sel->claim[i];
  return 0;
}

void
fc_cli_selection_free (fc_cli_selection *sel)
{
  free (sel->first);
  free (sel->claim);
  free (sel->module);
  memset (sel, 0, sizeof *sel);
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

static const fc_cli_command *
fc_cli_command_find (const char *name)
{
  for (size_t i = 0; i < FC_CLI_N_COMMANDS; i++)
    if (strcmp (fc_cli_commands[i].name, name) == 0)
      return &fc_cli_commands[i];
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
  const fc_cli_command *c = fc_cli_command_find (argv[1]);
  if (c == NULL)
    {
      fc_cli_error ("help", "unknown command '%s' (%s)", argv[1],
                    fc_cli_command_names ());
      fc_cli_hint (NULL);
      return FC_CLI_EXIT_USAGE;
    }
  if (argc > 2)
    {
      fc_cli_error ("help", "unexpected argument '%s'", argv[2]);
      fc_cli_hint (NULL);
      return FC_CLI_EXIT_USAGE;
    }
  c->usage (stdout);
  return fc_cli_finish_output (NULL, FC_CLI_EXIT_OK);
}

int
main (int argc, char **argv)
{
  static const struct option longopts[] = {
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 }
  };
  int c;

  gsl_set_error_handler_off ();
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
  if (optind >= argc)
    {
      fc_cli_error (NULL, "no command given (%s)", fc_cli_command_names ());
      fc_cli_hint (NULL);
      return FC_CLI_EXIT_USAGE;
    }
  if (strcmp (argv[optind], "help") == 0)
    return fc_cli_help (argc - optind, argv + optind);
  const fc_cli_command *cmd = fc_cli_command_find (argv[optind]);
  if (cmd == NULL)
    {
      fc_cli_error (NULL, "unknown command '%s' (%s)", argv[optind],
                    fc_cli_command_names ());
      fc_cli_hint (NULL);
      return FC_CLI_EXIT_USAGE;
    }
  int sub_argc = argc - optind;
  char **sub_argv = argv + optind;
  fc_cli_getopt_reset ();
  return cmd->main (sub_argc, sub_argv);
}

void
fc_cli_print_module_names (FILE *out)
{
  for (size_t m = 0; fc_modules[m] != NULL; m++)
    fprintf (out, " %s", fc_modules[m]->name);
  fputc ('\n', out);
}
