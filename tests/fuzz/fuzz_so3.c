/* tests/fuzz/fuzz_so3.c -- libFuzzer harness of the inputs of
 * "flowcheck so3" (src/cli/so3.c): the first byte chooses the quantity,
 * hence the numbers a line (exp 3, log 9, dist and geodesic 18, kabsch 6,
 * igso3 1), the second the time of geodesic and the scale of igso3, the
 * rest is the input.  The points reader round-trips what it accepts
 * (fc_fuzz_points); the lines that so3 accepts (rotations to 1e-10, as
 * its check; angles in [0, pi]) go through fc_so3.h, whose rotation maps
 * must round-trip: exp (log R) = R and log (exp w) names the same rotation,
 * to round-off.  */
#include <config.h>

#include <math.h>
#include <gsl/gsl_errno.h>

#include "fc_so3.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t n);

/* so3's tolerance for a rotation (FC_CLI_SO3_TOL, src/cli/so3.c), and how
   far exp (log R) may be from R: R is within about 1e-10 of a rotation,
   log is accurate to about 1e-13 (fc_so3.h), so 1e-8 is a loose bound.  */
#define FUZZ_SO3_TOL 1e-10
#define FUZZ_SO3_BACK 1e-8

/* so3's check of an input matrix: max |R^T R - I| and |det R - 1| within
   FUZZ_SO3_TOL.  */
static int
fuzz_so3_is_rotation (const double R[9])
{
  double orth, det;
  fc_so3_rotation_error (R, &orth, &det);
  return orth <= FUZZ_SO3_TOL && fabs (det - 1) <= FUZZ_SO3_TOL;
}

/* exp (log R) is R to FUZZ_SO3_BACK (R a rotation), every number finite. */
static void
fuzz_so3_log_exp (const double R[9])
{
  double w[3], S[9];
  if (fc_so3_log (R, w) != GSL_SUCCESS || fc_so3_exp (w, S) != GSL_SUCCESS)
    FC_FUZZ_FAIL ("so3: log or exp of a rotation failed");
  for (int i = 0; i < 9; i++)
    if (!(fabs (S[i] - R[i]) <= FUZZ_SO3_BACK))
      FC_FUZZ_FAIL ("so3: exp (log R) differs from R by %g in entry %d",
                    fabs (S[i] - R[i]), i);
}

/* One line P of the quantity of width W.  */
static void
fuzz_so3_line (size_t w, const double *p, double t, double s)
{
  double R[9];
  switch (w)
    {
    case 3: /* exp: any finite rotation vector gives a rotation */
      if (fc_so3_exp (p, R) != GSL_SUCCESS || !fuzz_so3_is_rotation (R))
        FC_FUZZ_FAIL ("so3: exp (w) is not a rotation");
      fuzz_so3_log_exp (R);
      break;
    case 9:
      if (fuzz_so3_is_rotation (p))
        fuzz_so3_log_exp (p);
      break;
    case 18:
      if (fuzz_so3_is_rotation (p) && fuzz_so3_is_rotation (p + 9))
        {
          double d = fc_so3_dist (p, p + 9);
          if (!(d >= 0 && d <= M_PI + 1e-12))
            FC_FUZZ_FAIL ("so3: distance %g outside [0, pi]", d);
          if (fc_so3_geodesic (p, p + 9, t, R) == GSL_SUCCESS
              && !fuzz_so3_is_rotation (R) && fabs (t) <= 1e6)
            FC_FUZZ_FAIL ("so3: a geodesic point is not a rotation");
        }
      break;
    default: /* igso3: an angle in [0, pi] */
      if (p[0] >= 0 && p[0] <= M_PI)
        (void) fc_so3_igso3_density (p[0], s);
      break;
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t n)
{
  static const size_t widths[] = { 3, 9, 18, 6, 1 };
  size_t w = widths[fc_fuzz_width (&data, &n, 5) - 1];
  /* The time of geodesic in [-2, 2] and the scale of igso3 in (0, 4]. */
  size_t b = fc_fuzz_width (&data, &n, 256) - 1;
  double t = -2.0 + (double) b / 64.0, s = (double) (b + 1) / 64.0, *x;
  size_t np;
  gsl_set_error_handler_off ();
  fc_fuzz_points (data, n, w, &x, &np);
  if (w == 6 && np > 0)
    {
      /* kabsch: the x_i and y_i of all the lines.  */
      double *xy = malloc (6 * np * sizeof *xy), R[9];
      for (size_t i = 0; xy != NULL && i < np; i++)
        for (size_t j = 0; j < 3; j++)
          {
            xy[3 * i + j] = x[6 * i + j];
            xy[3 * (np + i) + j] = x[6 * i + 3 + j];
          }
      if (xy != NULL)
        (void) fc_so3_kabsch (np, xy, xy + 3 * np, R);
      free (xy);
    }
  else
    for (size_t i = 0; i < np; i++)
      fuzz_so3_line (w, x + i * w, t, s);
  free (x);
  return 0;
}
