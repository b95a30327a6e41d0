/* src/cli/so3.c -- "flowcheck so3": the rotation group from the command line.
 *
 * Reads points as eval does (one per line, whitespace-separated numbers,
 * '#' comments, standard input or --points FILE) and writes one line of
 * %.17g numbers per point (kabsch: one line for the whole set) through the
 * library unit fc_so3.h.  Every input is read and checked before the first
 * byte is written, so bad input never leaves partial output.  */

#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>

#include "cli.h"
#include "fc_so3.h"

/* How far a 9-number input may be from a rotation: max_ij |(R^T R - I)_ij|
   and |det R - 1| at most this.  A rotation printed with %.17g is one to
   about 1e-16; users also paste matrices printed with fewer digits, and
   12 significant digits (entries off by up to 5e-13) give errors of a few
   1e-12.  1e-10 accepts any rotation written with 11 or more significant
   digits, and refuses every matrix that is not a rotation (a reflection,
   a scaling, a typo in one entry: errors of order 1e-3 and above).  The
   results are those of the nearest rotation to within the same 1e-10.  */
#define FC_CLI_SO3_TOL 1e-10

typedef enum
{
  FC_CLI_SO3_EXP,
  FC_CLI_SO3_LOG,
  FC_CLI_SO3_DIST,
  FC_CLI_SO3_GEODESIC,
  FC_CLI_SO3_KABSCH,
  FC_CLI_SO3_IGSO3
} fc_cli_so3_kind;

typedef struct
{
  const char *name;
  fc_cli_so3_kind kind;
  size_t in;     /* numbers per input line */
  size_t out;    /* numbers per output line */
  size_t n_rot;  /* rotations (9 numbers each) at the start of a line */
} fc_cli_so3_quantity;

static const fc_cli_so3_quantity fc_cli_so3_quantities[] = {
  { "exp", FC_CLI_SO3_EXP, 3, 9, 0 },
  { "log", FC_CLI_SO3_LOG, 9, 3, 1 },
  { "dist", FC_CLI_SO3_DIST, 18, 1, 2 },
  { "geodesic", FC_CLI_SO3_GEODESIC, 18, 9, 2 },
  { "kabsch", FC_CLI_SO3_KABSCH, 6, 9, 0 },
  { "igso3", FC_CLI_SO3_IGSO3, 1, 1, 0 },
};

#define FC_CLI_SO3_N \
  (sizeof fc_cli_so3_quantities / sizeof fc_cli_so3_quantities[0])

typedef struct
{
  const char *points; /* --points: file, or NULL / "-" for stdin */
  const char *t_arg, *sigma_arg;
  const fc_cli_so3_quantity *q;
  double t, sigma;
} fc_cli_so3_args;

void
fc_cli_so3_usage (FILE *out)
{
  fputs (
      "Usage: flowcheck so3 QUANTITY [--t T] [--sigma S] [--points FILE]\n"
      "\n"
      "The rotation group SO(3).  Points are read from standard input (or\n"
      "FILE): one per line, whitespace-separated numbers, '#' starts a\n"
      "comment, blank lines are skipped.  One output line per point (kabsch:\n"
      "one for the whole set), numbers %.17g separated by one blank.  A\n"
      "rotation is 9 numbers, its matrix row by row; a rotation vector w is\n"
      "3 numbers, angle |w| about the axis w/|w|.\n"
      "\n"
      "Quantities (in -> out: numbers per line):\n"
      "  exp       3 -> 9   the rotation exp(w) of the rotation vector w\n"
      "  log       9 -> 3   the rotation vector of R, angle in [0, pi]; at\n"
      "                     angle pi (w and -w both fit) the axis component\n"
      "                     of largest magnitude (the first among ties) is\n"
      "                     positive\n"
      "  dist     18 -> 1   the angle of R1^T R2 in [0, pi] (R1, then R2)\n"
      "  geodesic 18 -> 9   R0 exp(T log(R0^T R1)) (R0, then R1): R0 at\n"
      "                     T = 0, R1 at T = 1; needs --t\n"
      "  kabsch    6 -> 9   lines x_i y_i (3 + 3 numbers): the rotation R\n"
      "                     minimising sum_i |R x_i - y_i|^2 (no centring),\n"
      "                     one line; unique when the x_i span a plane\n"
      "  igso3     1 -> 1   the density f(w; S) on [0, pi] of the angle w of\n"
      "                     IGSO(3) of scale S (normalised Haar measure has\n"
      "                     (1 - cos w)/pi); needs --sigma\n"
      "\n"
      "Options:\n"
      "  --t T            geodesic only: the time, a finite number\n"
      "  --sigma S        igso3 only: the scale, a finite number > 0\n"
      "  --points FILE    read the points from FILE ('-': standard input)\n"
      "  -h, --help       print this help and exit\n"
      "\n"
      "Rotations in the input must be rotations to round-off: max |R^T R - I|\n"
      "(over the entries) and |det R - 1| at most 1e-10, which accepts any\n"
      "rotation printed with 11 or more significant digits.  Angles (igso3)\n"
      "must lie in [0, pi].\n"
      "\n"
      "Examples:\n"
      "  echo '0 0 1.5707963267948966' | flowcheck so3 exp\n"
      "  echo '1 0 0 0 -1 0 0 0 -1' | flowcheck so3 log\n"
      "  echo '1 0 0 0 1 0 0 0 1  0 -1 0 1 0 0 0 0 1' | flowcheck so3 dist\n"
      "  echo '1 0 0 0 1 0 0 0 1  0 -1 0 1 0 0 0 0 1' | "
      "flowcheck so3 geodesic --t 0.5\n"
      "  printf '1 0 0 0 1 0\\n0 1 0 -1 0 0\\n0 0 1 0 0 1\\n' | "
      "flowcheck so3 kabsch\n"
      "  printf '0.1\\n1\\n3\\n' | flowcheck so3 igso3 --sigma 0.5\n"
      "\n"
      "Exit status: 0 success; 1 the output could not be written or memory\n"
      "ran out; 2 bad usage or input (unknown quantity, missing, bad or\n"
      "inapplicable option, malformed point, not a rotation, angle out of\n"
      "range), with nothing written on standard output.\n",
      out);
}

/* Store option C of so3 into ARGS (an fc_cli_so3_args).  */
static int
fc_cli_so3_option (void *args, int c)
{
  fc_cli_so3_args *a = args;
  switch (c)
    {
    case FC_CLI_OPT_T:
      a->t_arg = optarg;
      break;
    case FC_CLI_OPT_SIGMA:
      a->sigma_arg = optarg;
      break;
    default: /* FC_CLI_OPT_POINTS */
      a->points = optarg;
      break;
    }
  return 0;
}

/* The quantity named S; NULL after a message.  */
static const fc_cli_so3_quantity *
fc_cli_so3_find (const char *s)
{
  for (size_t i = 0; i < FC_CLI_SO3_N; i++)
    if (strcmp (s, fc_cli_so3_quantities[i].name) == 0)
      return &fc_cli_so3_quantities[i];
  fc_cli_error ("so3", "'%s' is not a quantity "
                "(exp, log, dist, geodesic, kabsch, igso3)", s);
  fc_cli_hint ("so3");
  return NULL;
}

/* Option OPT with value VALUE (NULL: not given), which quantity WANTED
   needs and no other; its number into *X, which must be finite (and > 0
   when POSITIVE).  0 or FC_CLI_EXIT_USAGE after a message.  */
static int
fc_cli_so3_number (const fc_cli_so3_args *a, const char *opt,
                   const char *value, fc_cli_so3_kind wanted, int positive,
                   double *x)
{
  const char *owner = fc_cli_so3_quantities[wanted].name;
  if (a->q->kind != wanted)
    {
      if (value == NULL)
        return 0;
      fc_cli_error ("so3", "%s applies only to %s, not to %s", opt, owner,
                    a->q->name);
      return FC_CLI_EXIT_USAGE;
    }
  if (value == NULL)
    {
      fc_cli_error ("so3", "missing required option %s for %s", opt, owner);
      fc_cli_hint ("so3");
      return FC_CLI_EXIT_USAGE;
    }
  if (fc_cli_parse_double (value, x) != 0 || (positive && !(*x > 0)))
    {
      fc_cli_error ("so3", "%s: '%s' is not a %s", opt, value,
                    positive ? "finite number > 0" : "finite number");
      return FC_CLI_EXIT_USAGE;
    }
  return 0;
}

/* Parse the options and the quantity of so3 into A; FC_CLI_PARSED, or the
   exit status to return now.  */
static int
fc_cli_so3_parse (int argc, char **argv, fc_cli_so3_args *a)
{
  static const struct option longopts[] = {
    { "t", required_argument, NULL, FC_CLI_OPT_T },
    { "sigma", required_argument, NULL, FC_CLI_OPT_SIGMA },
    { "points", required_argument, NULL, FC_CLI_OPT_POINTS },
    FC_CLI_HELP_AND_END
  };
  static const fc_cli_parser parser = {
    "so3", longopts, fc_cli_so3_usage, fc_cli_so3_option, NULL
  };
  int status = fc_cli_parse (&parser, argc, argv, a);
  if (status != FC_CLI_PARSED)
    return status;
  if (optind >= argc)
    {
      fc_cli_error ("so3", "missing QUANTITY "
                    "(exp, log, dist, geodesic, kabsch, igso3)");
      fc_cli_hint ("so3");
      return FC_CLI_EXIT_USAGE;
    }
  if (optind + 1 < argc)
    {
      fc_cli_error ("so3", "unexpected argument '%s' (one QUANTITY; points "
                    "are read from standard input)", argv[optind + 1]);
      fc_cli_hint ("so3");
      return FC_CLI_EXIT_USAGE;
    }
  a->q = fc_cli_so3_find (argv[optind]);
  if (a->q == NULL
      || fc_cli_so3_number (a, "--t", a->t_arg, FC_CLI_SO3_GEODESIC, 0,
                            &a->t) != 0
      || fc_cli_so3_number (a, "--sigma", a->sigma_arg, FC_CLI_SO3_IGSO3, 1,
                            &a->sigma) != 0)
    return FC_CLI_EXIT_USAGE;
  return FC_CLI_PARSED;
}

/* The orthogonality error max_ij |(R^T R - I)_ij| of R into *ORTH, its
   determinant into *DET; 1 when R is a rotation to FC_CLI_SO3_TOL.  */
static int
fc_cli_so3_is_rotation (const double R[9], double *orth, double *det)
{
  fc_so3_rotation_error (R, orth, det);
  return *orth <= FC_CLI_SO3_TOL && fabs (*det - 1) <= FC_CLI_SO3_TOL;
}

/* Check every point X (n, q->in) read from lines LINES of NAME: the
   rotations at its start, igso3's angle.  0, or FC_CLI_EXIT_USAGE after a
   message naming NAME:LINE.  */
static int
fc_cli_so3_check (const fc_cli_so3_args *a, const char *name,
                  const double *x, const size_t *lines, size_t n)
{
  static const char *const which[2] = { "the matrix of numbers 1-9",
                                        "the matrix of numbers 10-18" };
  char where[1024];
  for (size_t i = 0; i < n; i++)
    {
      const double *p = x + i * a->q->in;
      double orth, det;
      for (size_t r = 0; r < a->q->n_rot; r++)
        if (!fc_cli_so3_is_rotation (p + 9 * r, &orth, &det))
          {
            fc_cli_error ("so3", "%s: %s is not a rotation: "
                          "max |R^T R - I| = %.3g, det R = %.17g "
                          "(tolerance %g)",
                          fc_cli_point_where (where, sizeof where, name,
                                              lines, i),
                          a->q->n_rot > 1 ? which[r] : "the matrix", orth,
                          det, FC_CLI_SO3_TOL);
            return FC_CLI_EXIT_USAGE;
          }
      if (a->q->kind == FC_CLI_SO3_IGSO3 && !(p[0] >= 0 && p[0] <= M_PI))
        {
          fc_cli_error ("so3", "%s: angle %.17g is outside [0, pi]",
                        fc_cli_point_where (where, sizeof where, name,
                                            lines, i), p[0]);
          return FC_CLI_EXIT_USAGE;
        }
    }
  return 0;
}

/* Kabsch on the n lines x_i y_i of X into R.  */
static int
fc_cli_so3_kabsch (const double *x, size_t n, double R[9])
{
  double *xy = malloc (6 * n * sizeof *xy);
  if (xy == NULL)
    return GSL_ENOMEM;
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < 3; j++)
      {
        xy[3 * i + j] = x[6 * i + j];
        xy[3 * (n + i) + j] = x[6 * i + 3 + j];
      }
  int status = fc_so3_kabsch (n, xy, xy + 3 * n, R);
  free (xy);
  return status;
}

/* The quantity at every point X (n) into OUT; a GSL status.  */
static int
fc_cli_so3_compute (const fc_cli_so3_args *a, const double *x, size_t n,
                    double *out)
{
  int status = GSL_SUCCESS;
  if (a->q->kind == FC_CLI_SO3_KABSCH)
    return fc_cli_so3_kabsch (x, n, out);
  for (size_t i = 0; i < n && status == GSL_SUCCESS; i++)
    {
      const double *p = x + i * a->q->in;
      double *o = out + i * a->q->out;
      switch (a->q->kind)
        {
        case FC_CLI_SO3_EXP:
          status = fc_so3_exp (p, o);
          break;
        case FC_CLI_SO3_LOG:
          status = fc_so3_log (p, o);
          break;
        case FC_CLI_SO3_DIST:
          o[0] = fc_so3_dist (p, p + 9);
          break;
        case FC_CLI_SO3_GEODESIC:
          status = fc_so3_geodesic (p, p + 9, a->t, o);
          break;
        default: /* FC_CLI_SO3_IGSO3 */
          o[0] = fc_so3_igso3_density (p[0], a->sigma);
          break;
        }
      for (size_t j = 0; j < a->q->out && status == GSL_SUCCESS; j++)
        if (!gsl_finite (o[j]))
          status = GSL_ERANGE;
    }
  return status;
}

/* Compute and print the quantity at the n points X; the exit status.  */
static int
fc_cli_so3_points (const fc_cli_so3_args *a, const double *x, size_t n)
{
  size_t rows = a->q->kind == FC_CLI_SO3_KABSCH ? 1 : n;
  double *out = malloc (rows * a->q->out * sizeof *out);
  if (out == NULL)
    {
      fc_cli_error ("so3", "out of memory for %zu points", n);
      return FC_CLI_EXIT_MISMATCH;
    }
  int status = fc_cli_so3_compute (a, x, n, out);
  if (status == GSL_SUCCESS)
    fc_cli_print_rows (out, rows, a->q->out);
  else
    fc_cli_error ("so3", "%s failed: %s", a->q->name, gsl_strerror (status));
  free (out);
  return status == GSL_SUCCESS ? FC_CLI_EXIT_OK : FC_CLI_EXIT_MISMATCH;
}

int
fc_cli_so3 (int argc, char **argv)
{
  fc_cli_so3_args a;
  double *x = NULL;
  size_t *lines = NULL;
  size_t n = 0;

  memset (&a, 0, sizeof a);
  int status = fc_cli_so3_parse (argc, argv, &a);
  if (status != FC_CLI_PARSED)
    return status;
  const char *name = fc_cli_points_name (a.points);
  if (fc_cli_load_points ("so3", a.points, a.q->in, &x, &n, &lines) != 0
      || fc_cli_so3_check (&a, name, x, lines, n) != 0)
    status = FC_CLI_EXIT_USAGE;
  else if (n == 0 && a.q->kind == FC_CLI_SO3_KABSCH)
    {
      fc_cli_error ("so3", "%s: no points: kabsch needs at least one line "
                    "x_i y_i", name);
      status = FC_CLI_EXIT_USAGE;
    }
  else if (n == 0)
    status = FC_CLI_EXIT_OK;
  else
    status = fc_cli_so3_points (&a, x, n);
  free (x);
  free (lines);
  return fc_cli_finish_output ("so3", status);
}
