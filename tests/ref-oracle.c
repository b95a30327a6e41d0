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
  int have_s, have_t, have_q;
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

static int
parse_args (int argc, char **argv, ref_args *a)
{
  static const struct option opts[]
    = { { "data", required_argument, NULL, 'd' },
        { "schedule", required_argument, NULL, 's' },
        { "t", required_argument, NULL, 't' },
        { "quantity", required_argument, NULL, 'q' },
        { NULL, 0, NULL, 0 } };
  int c;
  char *end;
  opterr = 0;
  while ((c = getopt_long (argc, argv, "", opts, NULL)) != -1)
    switch (c)
      {
      case 'd':
        a->data = optarg;
        break;
      case 's':
        if (fc_schedule_parse (optarg, &a->schedule))
          return usage_error ("unknown schedule", optarg);
        a->have_s = 1;
        break;
      case 't':
        errno = 0;
        a->t = strtod (optarg, &end);
        if (errno || end == optarg || *end != '\0')
          return usage_error ("--t is not a number", optarg);
        a->have_t = 1;
        break;
      case 'q':
        if (fc_quantity_parse (optarg, &a->quantity))
          return usage_error ("unknown quantity", optarg);
        a->have_q = 1;
        break;
      default:
        return usage_error ("bad option", argv[optind - 1]);
      }
  if (optind != argc)
    return usage_error ("unexpected operand", argv[optind]);
  if (!a->data || !a->have_s || !a->have_t || !a->have_q)
    return usage_error ("--data, --schedule, --t and --quantity are required",
                        NULL);
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
