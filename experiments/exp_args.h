/* experiments/exp_args.h -- the command-line syntax every experiment
 * program shares: "--name VALUE" or "--name=VALUE", and usage errors that
 * print one message naming the option on stderr and exit with status 2
 * before anything is written to stdout.  An option given twice is such an
 * error (fc_exp_refuse_repeats), and so is an --out directory that cannot
 * be created (fc_exp_out_dir).
 *
 * Define FC_EXP_NAME (the program's name, a string literal) before
 * including this header.  */
#ifndef FC_EXP_ARGS_H
#define FC_EXP_ARGS_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fc_io.h"
#include "fc_parse.h"

#ifndef FC_EXP_NAME
#error "define FC_EXP_NAME (the program's name) before including exp_args.h"
#endif

/* "PROGRAM: OPT: MSG" and a pointer to --help on stderr; exit status 2.
   OPT and MSG may echo arguments: bytes that are not printable ASCII are
   shown as \xNN (fc_parse_escape).  */
static inline void
fc_exp_usage_error (const char *opt, const char *msg)
{
  char o[256], m[1024];
  fc_parse_escape (o, sizeof o, opt);
  fc_parse_escape (m, sizeof m, msg);
  fprintf (stderr, FC_EXP_NAME ": %s: %s\nTry '" FC_EXP_NAME " --help'.\n",
           o, m);
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

/* ARG, the value of option OPT, as a whole unsigned integer in [LO, HI]
   (no sign, no blanks); a usage error naming OPT otherwise.  */
static inline size_t
fc_exp_size (const char *opt, const char *arg, size_t lo, size_t hi)
{
  char *end;
  errno = 0;
  unsigned long long v = strtoull (arg, &end, 10);
  if (*arg == '\0' || *arg == '-' || *end != '\0' || errno != 0 || v < lo
      || v > hi)
    {
      char msg[160];
      snprintf (msg, sizeof msg,
                "expected an integer in [%zu, %zu], got '%.64s'", lo, hi, arg);
      fc_exp_usage_error (opt, msg);
    }
  return (size_t) v;
}

/* The value of option NAME at ARGV[*I] (fc_exp_value) as an integer in
   [LO, HI] (fc_exp_size).  */
static inline size_t
fc_exp_size_value (int argc, char **argv, int *i, const char *name,
                   size_t lo, size_t hi)
{
  return fc_exp_size (name, fc_exp_value (argc, argv, i, name), lo, hi);
}

/* The name of option ARG ("--t" of "--t=0.5"), LEN bytes long.  */
static inline size_t
fc_exp_option_len (const char *arg)
{
  return strcspn (arg, "=");
}

/* Refuse an option given twice ("--t 0.5 --t 0.7", "--seed=1 --seed 2"):
   a second value would silently replace the first.  Every argument that
   starts with "--" is an option name here (no option's value does);
   called once, before the options are read.  */
static inline void
fc_exp_refuse_repeats (int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      size_t len = fc_exp_option_len (argv[i]);
      if (strncmp (argv[i], "--", 2) != 0 || len <= 2)
        continue;
      for (int j = 1; j < i; j++)
        if (strncmp (argv[j], "--", 2) == 0
            && fc_exp_option_len (argv[j]) == len
            && strncmp (argv[i], argv[j], len) == 0)
          {
            char name[64];
            snprintf (name, sizeof name, "%.*s", (int) len, argv[i]);
            fc_exp_usage_error (name, "option given more than once");
          }
    }
}

/* Create the directory DIR of --out (and its parents); when it cannot be
   created or written into, "PROGRAM: --out: cannot create directory
   'DIR': REASON" and exit status 2, as for any bad option, before any
   work is done.  */
static inline void
fc_exp_out_dir (const char *dir)
{
  const char *what = "create directory";
  int bad = fc_io_mkdir (dir) != 0;
  if (!bad && access (dir, W_OK | X_OK) != 0)
    {
      what = "write in";
      bad = 1;
    }
  if (bad)
    {
      char d[1024];
      int e = errno;
      fc_parse_escape (d, sizeof d, dir);
      fprintf (stderr, FC_EXP_NAME ": --out: cannot %s '%s': %s\n", what, d,
               strerror (e));
      exit (2);
    }
}

/* The largest seed: the random streams take 32 bits (fc_rng.h).  */
#define FC_EXP_SEED_MAX ((size_t) 4294967295UL)

/* The options every study takes, at ARGV[*I]: --help (HELP, then exit 0),
   --quick (*QUICK = 1), --seed S (*SEED, an integer in [0, 2^32 - 1]) and
   --out DIR (*OUT_DIR, not empty).  1 when ARGV[*I] was one of them (*I
   then past its value), 0 otherwise.  */
static inline int
fc_exp_common_option (int argc, char **argv, int *i, int *quick,
                      unsigned long *seed, const char **out_dir,
                      void (*help) (void))
{
  const char *a = argv[*i];
  if (strcmp (a, "--help") == 0)
    {
      help ();
      exit (EXIT_SUCCESS);
    }
  else if (strcmp (a, "--quick") == 0)
    *quick = 1;
  else if (fc_exp_is (a, "--seed"))
    *seed = fc_exp_size_value (argc, argv, i, "--seed", 0, FC_EXP_SEED_MAX);
  else if (fc_exp_is (a, "--out"))
    {
      *out_dir = fc_exp_value (argc, argv, i, "--out");
      if (**out_dir == '\0')
        fc_exp_usage_error ("--out", "empty directory name");
    }
  else
    return 0;
  return 1;
}

#endif /* FC_EXP_ARGS_H */
