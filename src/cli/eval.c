/* src/cli/eval.c -- "flowcheck eval": the ground-truth oracle.
 *
 * Given mixture data, a schedule, a time and a quantity, read points (one
 * per line, whitespace-separated, '#' comments) and write the exact path
 * quantity at each, one line per point, numbers as %.17g (ARCHITECTURE.md
 * "Contracts": flowcheck eval).  Every input is read and checked before the
 * first byte is written, so bad input never leaves partial output.  */

#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>

#include "cli.h"
#include "fc_path.h"

typedef struct
{
  const char *data;   /* --data: built-in name or spec file */
  const char *points; /* --points: file, or NULL / "-" for stdin */
  const char *output; /* --output: file, or NULL / "-" for stdout */
  const char *schedule_arg, *t_arg, *quantity_arg;
  fc_schedule schedule;
  double t;
  fc_quantity quantity;
} fc_cli_eval_args;

void
fc_cli_eval_usage (FILE *out)
{
  fputs (
      "Usage: flowcheck eval --data SPEC|NAME --schedule S --t T --quantity Q\n"
      "                      [--points FILE] [--output FILE]\n"
      "\n"
      "Exact quantities of the path x_t = alpha_t x1 + sigma_t x0 from noise\n"
      "x0 ~ N(0, I) at t = 0 to data x1 ~ q at t = 1, where q is a Gaussian\n"
      "mixture.  Points are read from standard input (or FILE): one point\n"
      "per line, D whitespace-separated numbers, '#' starts a comment, blank\n"
      "lines are skipped; or a NumPy .npy array (told apart by its first\n"
      "byte), float64 '<f8', C order, shape (N, D).  One output line per\n"
      "point: the quantity's numbers, %.17g, separated by one blank; or,\n"
      "with --output NAME.npy, a .npy array of shape (N, D), or (N,) for\n"
      "logp and div.\n"
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
      "  --output FILE     write to FILE instead of standard output: .npy\n"
      "                    when FILE ends in '.npy', else the text above;\n"
      "                    written atomically, and not at all on failure\n"
      "  -h, --help        print this help and exit\n"
      "\n",
      out);
  fc_cli_print_builtins (out);
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
      "ran out; 2 bad usage or input (missing, repeated or bad option,\n"
      "malformed spec or point or .npy array, a spec variance below the\n"
      "smallest normal double, quantity undefined, e.g. at t = 1 for data\n"
      "with a singular component, or not representable at a point, which\n"
      "is named: FILE:LINE, or its row in a .npy array; an --output file\n"
      "that cannot be created), with nothing written on standard output or\n"
      "to --output.\n",
      out);
}

/* Check and convert the option values; 0 or FC_CLI_EXIT_USAGE.  */
static int
fc_cli_eval_check (fc_cli_eval_args *a)
{
  const fc_cli_required req[] = {
    { "--data", a->data },
    { "--schedule", a->schedule_arg },
    { "--t", a->t_arg },
    { "--quantity", a->quantity_arg },
  };
  if (fc_cli_require ("eval", req, sizeof req / sizeof req[0]) != 0)
    return FC_CLI_EXIT_USAGE;
  if (fc_cli_parse_double (a->t_arg, &a->t) != 0 || a->t < 0 || a->t > 1)
    {
      fc_cli_error ("eval", "--t: '%s' is not a number in [0, 1]", a->t_arg);
      return FC_CLI_EXIT_USAGE;
    }
  if (fc_cli_option_schedule ("eval", a->schedule_arg, &a->schedule) != 0)
    return FC_CLI_EXIT_USAGE;
  if (fc_quantity_parse (a->quantity_arg, &a->quantity) != GSL_SUCCESS)
    {
      fc_cli_error ("eval", "--quantity: '%s' is not a quantity "
                    "(logp, score, velocity, x1hat, x0hat, div)",
                    a->quantity_arg);
      return FC_CLI_EXIT_USAGE;
    }
  return 0;
}

/* Store option C of eval into ARGS (an fc_cli_eval_args).  */
static int
fc_cli_eval_option (void *args, int c)
{
  fc_cli_eval_args *a = args;
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
    case FC_CLI_OPT_OUTPUT:
      a->output = optarg;
      break;
    default: /* FC_CLI_OPT_POINTS */
      a->points = optarg;
      break;
    }
  return 0;
}

/* Parse the options of eval into A, the four required ones given and
   valid; FC_CLI_PARSED, or the exit status to return now.  */
static int
fc_cli_eval_parse (int argc, char **argv, fc_cli_eval_args *a)
{
  static const struct option longopts[] = {
    { "data", required_argument, NULL, FC_CLI_OPT_DATA },
    { "schedule", required_argument, NULL, FC_CLI_OPT_SCHEDULE },
    { "t", required_argument, NULL, FC_CLI_OPT_T },
    { "quantity", required_argument, NULL, FC_CLI_OPT_QUANTITY },
    { "points", required_argument, NULL, FC_CLI_OPT_POINTS },
    { "output", required_argument, NULL, FC_CLI_OPT_OUTPUT },
    FC_CLI_HELP_AND_END
  };
  static const fc_cli_parser parser = {
    "eval", longopts, fc_cli_eval_usage, fc_cli_eval_option,
    " (points are read from standard input)"
  };
  int status = fc_cli_parse (&parser, argc, argv, a);
  if (status != FC_CLI_PARSED)
    return status;
  return fc_cli_eval_check (a) != 0 ? FC_CLI_EXIT_USAGE : FC_CLI_PARSED;
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

/* The quantity overflowed a double at some point: name the first point
   whose row OUT (n, WIDTH) holds a value that is not finite (LINES as from
   fc_cli_load_points).  Returns the exit status.  */
static int
fc_cli_eval_overflow (const fc_cli_eval_args *a, const double *out,
                      size_t n, size_t width, const size_t *lines)
{
  char where[1024];
  const char *q = fc_quantity_name (a->quantity);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < width; j++)
      if (!gsl_finite (out[i * width + j]))
        {
          fc_cli_error ("eval", "%s: %s at t = %.17g is not representable "
                        "at this point: it overflows a double (the point "
                        "is too far from the data)",
                        fc_cli_point_where (where, sizeof where,
                                            fc_cli_points_name (a->points),
                                            lines, i),
                        q, a->t);
          return FC_CLI_EXIT_USAGE;
        }
  fc_cli_error ("eval", "%s at t = %.17g overflows a double at some point",
                q, a->t);
  return FC_CLI_EXIT_USAGE;
}

/* Evaluate and write to O; returns the exit status.  Nothing is written
   unless every point is evaluated.  */
static int
fc_cli_eval_points (const fc_cli_eval_args *a, const fc_gmm *g,
                    const double *x, size_t n, const size_t *lines,
                    fc_cli_output *o)
{
  size_t width = fc_quantity_width (a->quantity, g->dim);
  if (n == 0)
    return fc_cli_output_rows (o, NULL, 0, width, 1) == GSL_SUCCESS
               ? FC_CLI_EXIT_OK : FC_CLI_EXIT_MISMATCH;
  double *out = malloc (n * width * sizeof *out);
  if (out == NULL)
    {
      fc_cli_error ("eval", "out of memory for %zu points", n);
      return FC_CLI_EXIT_MISMATCH;
    }
  int status = fc_path_eval (g, a->schedule, a->t, a->quantity, n, x, out);
  int written = GSL_SUCCESS;
  if (status == GSL_SUCCESS)
    written = fc_cli_output_rows (o, out, n, width, 1);
  if (status == GSL_EOVRFLW)
    written = fc_cli_eval_overflow (a, out, n, width, lines);
  free (out);
  if (status == GSL_EOVRFLW)
    return written;
  if (status != GSL_SUCCESS)
    return fc_cli_eval_failed (a, status);
  return written == GSL_SUCCESS ? FC_CLI_EXIT_OK : FC_CLI_EXIT_MISMATCH;
}

int
fc_cli_eval (int argc, char **argv)
{
  fc_cli_eval_args a;
  fc_cli_output o;
  double *x = NULL;
  size_t n = 0, *lines = NULL;

  memset (&a, 0, sizeof a);
  int status = fc_cli_eval_parse (argc, argv, &a);
  if (status != FC_CLI_PARSED)
    return status;
  if (fc_cli_output_open ("eval", a.output, &o) != 0)
    return FC_CLI_EXIT_USAGE;
  fc_gmm *g = fc_cli_load_data ("eval", a.data);
  if (g == NULL)
    status = FC_CLI_EXIT_USAGE;
  else if (fc_cli_load_points ("eval", a.points, g->dim, &x, &n, &lines)
           != 0)
    status = FC_CLI_EXIT_USAGE;
  else
    status = fc_cli_eval_points (&a, g, x, n, lines, &o);
  free (x);
  free (lines);
  fc_gmm_free (g);
  return fc_cli_output_close ("eval", &o, status);
}
