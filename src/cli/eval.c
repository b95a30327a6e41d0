/* src/cli_eval.c -- "flowcheck eval": the ground-truth oracle.
 *
 * Given mixture data, a schedule, a time and a quantity, read points (one
 * per line, whitespace-separated, '#' comments) and write the exact path
 * quantity at each, one line per point, numbers as %.17g (ARCHITECTURE.md
 * "Contracts": flowcheck eval).  Every input is read and checked before the
 * first byte is written, so bad input never leaves partial output.  */

#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gsl/gsl_errno.h>

#include "cli.h"
#include "fc_io.h"
#include "fc_path.h"
#include "fc_spec.h"

/* Room for "FILE:LINE: message" from the parsers.  */
#define FC_CLI_ERR_LEN 1024

typedef struct
{
  const char *data;   /* --data: built-in name or spec file */
  const char *points; /* --points: file, or NULL / "-" for stdin */
  const char *schedule_arg, *t_arg, *quantity_arg;
  fc_schedule schedule;
  double t;
  fc_quantity quantity;
} fc_cli_eval_args;

static void
fc_cli_eval_list_builtins (FILE *out)
{
  fputs ("Built-in data sets (2-D mixtures, described in the README):\n ",
         out);
  for (const char *const *n = fc_spec_builtin_names (); *n != NULL; n++)
    fprintf (out, " %s", *n);
  fputc ('\n', out);
}

void
fc_cli_eval_usage (FILE *out)
{
  fputs (
      "Usage: flowcheck eval --data SPEC|NAME --schedule S --t T --quantity Q\n"
      "                      [--points FILE]\n"
      "\n"
      "Exact quantities of the path x_t = alpha_t x1 + sigma_t x0 from noise\n"
      "x0 ~ N(0, I) at t = 0 to data x1 ~ q at t = 1, where q is a Gaussian\n"
      "mixture.  Points are read from standard input (or FILE): one point\n"
      "per line, D whitespace-separated numbers, '#' starts a comment, blank\n"
      "lines are skipped.  One output line per point: the quantity's\n"
      "numbers, %.17g, separated by one blank.\n"
      "\n"
      "Options (the first four are required):\n"
      "  --data SPEC|NAME  a built-in data set or a mixture spec file\n"
      "  --schedule S      linear (alpha = t, sigma = 1 - t),\n"
      "                    cosine (alpha = sin(pi t/2), sigma = cos(pi t/2)),\n"
      "                    vp (variance preserving, beta from 0.1 to 20)\n"
      "  --t T             the time, a number in [0, 1]\n"
      "  --quantity Q      logp      log p_t(x)                 1 number\n"
      "                    score     grad log p_t(x)            D numbers\n"
      "                    velocity  the marginal field u_t(x)  D numbers\n"
      "                    x1hat     E[x1 | x_t = x]            D numbers\n"
      "                    x0hat     E[x0 | x_t = x]            D numbers\n"
      "                    div       div u_t(x)                 1 number\n"
      "  --points FILE     read the points from FILE ('-': standard input)\n"
      "  -h, --help        print this help and exit\n"
      "\n",
      out);
  fc_cli_eval_list_builtins (out);
  fputs (
      "\n"
      "Spec file: '#' comments; 'dim D'; then per component 'component W'\n"
      "followed by 'mean m1 ... mD' and one of 'var v', 'diag v1 ... vD',\n"
      "'cov c11 c12 ... cDD' (row-major).\n"
      "\n"
      "Example:\n"
      "  printf '0.3 -1.2\\n2 0.5\\n' | flowcheck eval --data 8gaussians \\\n"
      "      --schedule linear --t 0.5 --quantity velocity\n"
      "\n"
      "Exit status: 0 success; 1 the output could not be written or memory\n"
      "ran out; 2 bad usage or input (missing or bad option, malformed spec\n"
      "or point, quantity undefined, e.g. at t = 1 for data with a singular\n"
      "component), with nothing written on standard output.\n",
      out);
}

/* The first required option that is missing, or NULL.  */
static const char *
fc_cli_eval_missing (const fc_cli_eval_args *a)
{
  if (a->data == NULL)
    return "--data";
  if (a->schedule_arg == NULL)
    return "--schedule";
  if (a->t_arg == NULL)
    return "--t";
  if (a->quantity_arg == NULL)
    return "--quantity";
  return NULL;
}

/* Check and convert the option values; 0 or FC_CLI_EXIT_USAGE.  */
static int
fc_cli_eval_check (fc_cli_eval_args *a)
{
  const char *missing = fc_cli_eval_missing (a);
  if (missing != NULL)
    {
      fc_cli_error ("eval", "missing required option %s", missing);
      fc_cli_hint ("eval");
      return FC_CLI_EXIT_USAGE;
    }
  if (fc_cli_parse_double (a->t_arg, &a->t) != 0 || a->t < 0 || a->t > 1)
    {
      fc_cli_error ("eval", "--t: '%s' is not a number in [0, 1]", a->t_arg);
      return FC_CLI_EXIT_USAGE;
    }
  if (fc_schedule_parse (a->schedule_arg, &a->schedule) != GSL_SUCCESS)
    {
      fc_cli_error ("eval", "--schedule: '%s' is not a schedule "
                    "(linear, cosine, vp)", a->schedule_arg);
      return FC_CLI_EXIT_USAGE;
    }
  if (fc_quantity_parse (a->quantity_arg, &a->quantity) != GSL_SUCCESS)
    {
      fc_cli_error ("eval", "--quantity: '%s' is not a quantity "
                    "(logp, score, velocity, x1hat, x0hat, div)",
                    a->quantity_arg);
      return FC_CLI_EXIT_USAGE;
    }
  return 0;
}

/* Parse the options into A; 0, or the exit status to return now (DONE set
   after --help).  */
static int
fc_cli_eval_parse (int argc, char **argv, fc_cli_eval_args *a, int *done)
{
  static const struct option longopts[] = {
    { "data", required_argument, NULL, FC_CLI_OPT_DATA },
    { "schedule", required_argument, NULL, FC_CLI_OPT_SCHEDULE },
    { "t", required_argument, NULL, FC_CLI_OPT_T },
    { "quantity", required_argument, NULL, FC_CLI_OPT_QUANTITY },
    { "points", required_argument, NULL, FC_CLI_OPT_POINTS },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  int c;

  *done = 0;
  while ((c = getopt_long (argc, argv, ":h", longopts, NULL)) != -1)
    switch (c)
      {
      case FC_CLI_OPT_DATA:
        a->data = optarg;
        break;
      case FC_CLI_OPT_SCHEDULE:
        a->schedule_arg = optarg;
        break;
      case FC_CLI_OPT_T:
        a->t_arg = optarg;
        break;
      case FC_CLI_OPT_QUANTITY:
        a->quantity_arg = optarg;
        break;
      case FC_CLI_OPT_POINTS:
        a->points = optarg;
        break;
      case 'h':
        fc_cli_eval_usage (stdout);
        *done = 1;
        return fc_cli_finish_output ("eval", FC_CLI_EXIT_OK);
      default:
        return fc_cli_getopt_error ("eval", c, argv, longopts);
      }
  if (optind < argc)
    {
      fc_cli_error ("eval", "unexpected argument '%s' (points are read "
                    "from standard input)", argv[optind]);
      fc_cli_hint ("eval");
      return FC_CLI_EXIT_USAGE;
    }
  return fc_cli_eval_check (a);
}

/* Open PATH for reading, refusing a directory (which fopen accepts on some
   systems and which then fails on the first read with a cryptic error).
   NULL with errno set.  */
FILE *
fc_cli_open_input (const char *path)
{
  struct stat st;
  FILE *f = fopen (path, "r");
  if (f == NULL)
    return NULL;
  if (fstat (fileno (f), &st) == 0 && S_ISDIR (st.st_mode))
    {
      fclose (f);
      errno = EISDIR;
      return NULL;
    }
  return f;
}

/* The data of --data: a built-in set, else a spec file.  NULL after a
   message.  */
static fc_gmm *
fc_cli_eval_load (const char *data)
{
  char err[FC_CLI_ERR_LEN];
  fc_gmm *g = fc_spec_builtin (data);
  if (g != NULL)
    return g;
  FILE *f = fc_cli_open_input (data);
  if (f == NULL)
    {
      int e = errno;
      fc_cli_error ("eval", "--data: '%s' is not a built-in data set "
                    "(see 'flowcheck eval --help') and cannot be read as a "
                    "spec file: %s", data, strerror (e));
      return NULL;
    }
  g = fc_spec_read_stream (f, data, err, sizeof err);
  fclose (f);
  if (g == NULL)
    fc_cli_error ("eval", "%s", err);
  return g;
}

/* Read the points of --points (or stdin) into *X (n, DIM).  0 or -1 after a
   message.  */
static int
fc_cli_eval_read (const char *points, size_t dim, double **x, size_t *n)
{
  char err[FC_CLI_ERR_LEN];
  int from_stdin = points == NULL || strcmp (points, "-") == 0;
  const char *name = from_stdin ? "<stdin>" : points;
  FILE *in = from_stdin ? stdin : fc_cli_open_input (points);
  if (in == NULL)
    {
      fc_cli_error ("eval", "--points: %s: cannot open: %s", points,
                    strerror (errno));
      return -1;
    }
  int status = fc_io_read_points (in, name, dim, x, n, err, sizeof err);
  if (!from_stdin)
    fclose (in);
  if (status != GSL_SUCCESS)
    {
      fc_cli_error ("eval", "%s", err);
      return -1;
    }
  return 0;
}

/* Explain a failed evaluation; returns the exit status.  */
static int
fc_cli_eval_failed (const fc_cli_eval_args *a, int status)
{
  const char *q = fc_quantity_name (a->quantity);
  if (status == GSL_EDOM && a->t == 1)
    fc_cli_error ("eval", "quantity undefined: %s at t = 1: the data has a "
                  "component with singular covariance (a point mass)", q);
  else if (status == GSL_EDOM)
    fc_cli_error ("eval", "quantity undefined: %s at t = %.17g: %s", q, a->t,
                  gsl_strerror (status));
  else if (status == GSL_EBADFUNC)
    fc_cli_error ("eval", "non-finite input coordinate");
  else
    {
      fc_cli_error ("eval", "evaluation failed: %s", gsl_strerror (status));
      return FC_CLI_EXIT_MISMATCH;
    }
  return FC_CLI_EXIT_USAGE;
}

/* OUT (n, width) as lines of %.17g numbers.  */
static void
fc_cli_eval_print (const double *out, size_t n, size_t width)
{
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < width; j++)
      printf (j + 1 < width ? "%.17g " : "%.17g\n", out[i * width + j]);
}

/* Evaluate and print; returns the exit status.  */
static int
fc_cli_eval_points (const fc_cli_eval_args *a, const fc_gmm *g,
                    const double *x, size_t n)
{
  size_t width = fc_quantity_width (a->quantity, g->dim);
  if (n == 0)
    return FC_CLI_EXIT_OK;
  double *out = malloc (n * width * sizeof *out);
  if (out == NULL)
    {
      fc_cli_error ("eval", "out of memory for %zu points", n);
      return FC_CLI_EXIT_MISMATCH;
    }
  int status = fc_path_eval (g, a->schedule, a->t, a->quantity, n, x, out);
  if (status == GSL_SUCCESS)
    fc_cli_eval_print (out, n, width);
  free (out);
  return status == GSL_SUCCESS ? FC_CLI_EXIT_OK
                               : fc_cli_eval_failed (a, status);
}

int
fc_cli_eval (int argc, char **argv)
{
  fc_cli_eval_args a;
  double *x = NULL;
  size_t n = 0;
  int done;

  memset (&a, 0, sizeof a);
  int status = fc_cli_eval_parse (argc, argv, &a, &done);
  if (status != 0 || done)
    return status;
  fc_gmm *g = fc_cli_eval_load (a.data);
  if (g == NULL)
    return FC_CLI_EXIT_USAGE;
  if (fc_cli_eval_read (a.points, g->dim, &x, &n) != 0)
    status = FC_CLI_EXIT_USAGE;
  else
    status = fc_cli_eval_points (&a, g, x, n);
  free (x);
  fc_gmm_free (g);
  return fc_cli_finish_output ("eval", status);
}
