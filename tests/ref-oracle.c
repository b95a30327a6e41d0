/* tests/ref-oracle.c -- the reference implementation (ref_path.c) behind
 * the command line of 'flowcheck eval', so that tests/eval.test can compare
 * the two programs number by number:
 *
 *   ref-oracle --data SPEC|NAME --schedule S --t T --quantity Q < points
 *
 * One output line per input point, values "%.17g" separated by spaces.
 * Exit 0 on success, 2 on bad usage or input (message on stderr).  */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <gsl/gsl_errno.h>

#include "fc_io.h"
#include "fc_spec.h"
#include "ref_path.h"

#define REF_EXIT_USAGE 2

typedef struct
{
  const char *data;
  fc_schedule schedule;
  double t;
  fc_quantity quantity;
} ref_args;

static int
usage_error (const char *msg, const char *arg)
{
  fprintf (stderr, "ref-oracle: %s%s%s\n", msg, arg ? ": " : "",
           arg ? arg : "");
  fputs ("usage: ref-oracle --data SPEC|NAME --schedule linear|cosine|vp "
         "--t T --quantity logp|score|velocity|x1hat|x0hat|div < points\n",
         stderr);
  return REF_EXIT_USAGE;
}

/* The options, all required, by the value getopt_long returns for each.  */
enum { OPT_DATA = 1, OPT_SCHEDULE, OPT_T, OPT_QUANTITY, OPT_END };

static int
parse_args (int argc, char **argv, ref_args *a)
{
  static const struct option opts[]
    = { { "data", required_argument, NULL, OPT_DATA },
        { "schedule", required_argument, NULL, OPT_SCHEDULE },
        { "t", required_argument, NULL, OPT_T },
        { "quantity", required_argument, NULL, OPT_QUANTITY },
        { NULL, 0, NULL, 0 } };
  const char *arg[OPT_END] = { NULL };
  int c;
  opterr = 0;
  while ((c = getopt_long (argc, argv, "", opts, NULL)) != -1)
    {
      if (c < OPT_DATA || c >= OPT_END)
        return usage_error ("bad option", argv[optind - 1]);
      arg[c] = optarg;
    }
  if (optind != argc)
    return usage_error ("unexpected operand", argv[optind]);
  for (c = OPT_DATA; c < OPT_END; c++)
    if (arg[c] == NULL)
      return usage_error ("--data, --schedule, --t and --quantity are "
                          "required", NULL);
  a->data = arg[OPT_DATA];
  if (fc_schedule_parse (arg[OPT_SCHEDULE], &a->schedule))
    return usage_error ("unknown schedule", arg[OPT_SCHEDULE]);
  if (fc_quantity_parse (arg[OPT_QUANTITY], &a->quantity))
    return usage_error ("unknown quantity", arg[OPT_QUANTITY]);
  char *end;
  errno = 0;
  a->t = strtod (arg[OPT_T], &end);
  if (errno || end == arg[OPT_T] || *end != '\0')
    return usage_error ("--t is not a number", arg[OPT_T]);
  return 0;
}

static void
print_rows (size_t n, size_t w, const double *out)
{
  for (size_t p = 0; p < n; p++)
    for (size_t i = 0; i < w; i++)
      printf ("%.17g%c", out[p * w + i], i + 1 < w ? ' ' : '\n');
}

int
main (int argc, char **argv)
{
  ref_args a = { 0 };
  char err[512];
  int status = parse_args (argc, argv, &a);
  if (status)
    return status;
  gsl_set_error_handler_off ();
  fc_gmm *g = fc_spec_load (a.data, err, sizeof err);
  if (g == NULL)
    {
      fprintf (stderr, "ref-oracle: %s\n", err);
      return REF_EXIT_USAGE;
    }
  double *x = NULL, *out = NULL;
  size_t n = 0, w = fc_quantity_width (a.quantity, g->dim);
  status = fc_io_read_points (stdin, "<stdin>", g->dim, &x, &n, err,
                              sizeof err);
  if (status)
    fprintf (stderr, "ref-oracle: %s\n", err);
  else if (n > 0)
    {
      out = malloc (n * w * sizeof (double));
      status = ref_path_eval (g, a.schedule, a.t, a.quantity, n, x, out);
      if (status)
        fprintf (stderr, "ref-oracle: %s\n", gsl_strerror (status));
      else
        print_rows (n, w, out);
    }
  free (x);
  free (out);
  fc_gmm_free (g);
  return status ? REF_EXIT_USAGE : 0;
}
