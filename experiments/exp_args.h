/* experiments/exp_args.h -- the command-line syntax every experiment
 * program shares: "--name VALUE" or "--name=VALUE", and usage errors that
 * print one message naming the option on stderr and exit with status 2
 * before anything is written to stdout.
 *
 * Define FC_EXP_NAME (the program's name, a string literal) before
 * including this header.  */
#ifndef FC_EXP_ARGS_H
#define FC_EXP_ARGS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FC_EXP_NAME
#error "define FC_EXP_NAME (the program's name) before including exp_args.h"
#endif

/* "PROGRAM: OPT: MSG" and a pointer to --help on stderr; exit status 2.  */
static inline void
fc_exp_usage_error (const char *opt, const char *msg)
{
  fprintf (stderr, FC_EXP_NAME ": %s: %s\nTry '" FC_EXP_NAME " --help'.\n",
           opt, msg);
  exit (2);
}

/* 1 when ARG is option NAME, alone or as "NAME=VALUE".  */
static inline int
fc_exp_is (const char *arg, const char *name)
{
  size_t len = strlen (name);
  return strncmp (arg, name, len) == 0
         && (arg[len] == '\0' || arg[len] == '=');
}

/* The value of option NAME at ARGV[*I]: after '=' or the next argument
   (then *I advances); a usage error when it is missing.  */
static inline const char *
fc_exp_value (int argc, char **argv, int *i, const char *name)
{
  size_t len = strlen (name);
  if (argv[*i][len] == '=')
    return argv[*i] + len + 1;
  if (*i + 1 >= argc)
    fc_exp_usage_error (name, "missing value");
  return argv[++*i];
}

#endif /* FC_EXP_ARGS_H */
