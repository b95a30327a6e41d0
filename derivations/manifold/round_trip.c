/* derivations/manifold/round_trip.c -- claims M1 and M2 (N §Vector field
 * parameterisation), and the SO(3) helpers of the module.
 *
 * M1: in R^3, v = (x1hat - x_t)/(1-t) and x_t + (1-t) v = x1hat are inverse
 * up to round-off: with s = fl(1-t) used in both, the recovered point
 * differs from x1hat by at most a few roundings of |x_t| + |x1hat|; the
 * band is 4 eps (|x_t| + |x1hat|) per coordinate.
 *
 * M2: the note's v = -1/(1-t) log_{x_t}(x1hat), whose body vector is
 * -w/(1-t) with w = log(x_t^T x1hat), gives x_t exp((t-1) (-w/(1-t))) =
 * x_t exp(w) = x1hat: the round trip holds (VALID, round-off band
 * 4 MF_SO3_ROUNDOFF).  But d/dx (1/2) d(x, y)^2 = -log_x(y), so dx/dt = v
 * is the gradient ascent of the distance scaled by 1/(1-t): d' = d/(1-t),
 * the distance doubles by t = 1/2 and is pinned at the cut locus (pi)
 * afterwards.  Geodesic Euler (x <- x exp(h b)) stays on the geodesic
 * through x0 and x1hat; with the sign corrected its last step (1-t = h)
 * moves by exactly w, so the corrected field reaches x1hat to round-off
 * (reaches_x1hat, band steps * 4 MF_SO3_ROUNDOFF).  */
#include <config.h>

#include <float.h>
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "fc_rng.h"
#include "manifold_internal.h"

/* --------------------------------------------------------- helpers */

void
mf_mul (const double A[9], const double B[9], double C[9])
{
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      C[3 * i + j] = A[3 * i] * B[j] + A[3 * i + 1] * B[3 + j]
                     + A[3 * i + 2] * B[6 + j];
}

void
mf_mul_t (const double A[9], const double B[9], double C[9])
{
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      C[3 * i + j] = A[i] * B[j] + A[3 + i] * B[3 + j] + A[6 + i] * B[6 + j];
}

int
mf_log_body (const double x[9], const double y[9], double b[3])
{
  double r[9];
  mf_mul_t (x, y, r);
  return fc_so3_log (r, b);
}

int
mf_step (double x[9], const double b[3])
{
  double e[9], y[9];
  int status = fc_so3_exp (b, e);
  if (status)
    return status;
  mf_mul (x, e, y);
  for (int i = 0; i < 9; i++)
    x[i] = y[i];
  return GSL_SUCCESS;
}

/* Haar draws in batches; a pair is kept when its distance lies in
   [dmin, min (dmax, pi - MF_CUT_MARGIN)).  */
int
mf_pairs (unsigned long seed, size_t n, double dmin, double dmax, double *A,
          double *B)
{
  enum { BATCH = 64 };
  double R[2 * BATCH * 9];
  double hi = fmin (dmax, M_PI - MF_CUT_MARGIN);
  size_t got = 0;
  for (unsigned long round = 0; got < n; round++)
    {
      if (round > 1000 + n)
        GSL_ERROR ("no pair in the distance range", GSL_EMAXITER);
      int status = fc_so3_haar (fc_rng_stream_seed (seed, round), 2 * BATCH, R);
      if (status)
        return status;
      for (size_t k = 0; k < BATCH && got < n; k++)
        {
          const double *a = R + 18 * k, *b = a + 9;
          double d = fc_so3_dist (a, b);
          if (!(d >= dmin && d < hi))
            continue;
          for (int i = 0; i < 9; i++)
            {
              A[9 * got + i] = a[i];
              B[9 * got + i] = b[i];
            }
          got++;
        }
    }
  return GSL_SUCCESS;
}

/* -------------------------------------------------------------- M1 */

int
mf_check_m1 (const fc_run_options *opt, fc_verdict *v)
{
  const mf_sizes *sz = FC_SIZES (mf_size_plan, opt);
  double factor = fc_control_variant (opt) == MF_M1_PERTURBED_INVERSE
                      ? 1.0 + MF_M1_PERTURB : 1.0;
  gsl_rng *r = fc_rng_alloc (fc_module_seed (opt, MF_TAG_M1), 0);
  if (r == NULL)
    GSL_ERROR ("no memory", GSL_ENOMEM);
  double worst = 0.0;
  for (size_t k = 0; k < sz->m1_n; k++)
    {
      double t = gsl_rng_uniform_pos (r), s = 1.0 - t;
      for (int i = 0; i < 3; i++)
        {
          double xt = gsl_ran_gaussian (r, 1.0), x1 = gsl_ran_gaussian (r, 1.0);
          double vel = (x1 - xt) / s;
          double back = xt + s * factor * vel;
          double rel = fabs (back - x1) / (fabs (xt) + fabs (x1));
          if (rel > worst)
            worst = rel;
        }
    }
  gsl_rng_free (r);
  /* M1 (round-off): relative to |x_t| + |x1hat|, four roundings.  */
  double band = 4.0 * DBL_EPSILON;
  fc_verdict_decide (v, FC_TEST_HOLDS, "round_trip_err", worst, band,
                     worst <= band);
  fc_verdict_report (v, "points", (double) sz->m1_n, 0.0);
  fc_verdict_note (v, "max |x_t + (1-t) v - x1hat| / (|x_t| + |x1hat|) = %.3g "
                   "over %zu points of R^3, t in (0, 1) (band 4 eps)", worst,
                   sz->m1_n);
  return GSL_SUCCESS;
}

/* -------------------------------------------------------------- M2 */

/* Geodesic Euler of dx/dt = SIGN/(1-t) log_x(x1hat) from X (9) in STEPS
   steps over [0, 1]; the distance to x1hat at every grid time into D
   (steps + 1).  */
static int
mf_m2_path (double x[9], const double x1hat[9], double sign, size_t steps,
            double *d)
{
  double h = 1.0 / (double) steps;
  d[0] = fc_so3_dist (x, x1hat);
  for (size_t k = 0; k < steps; k++)
    {
      double w[3], s = 1.0 - (double) k * h;
      int status = mf_log_body (x, x1hat, w);
      if (status)
        return status;
      for (int i = 0; i < 3; i++)
        w[i] *= h * sign / s;
      status = mf_step (x, w);
      if (status)
        return status;
      d[k + 1] = fc_so3_dist (x, x1hat);
    }
  return GSL_SUCCESS;
}

int
mf_check_m2 (const fc_run_options *opt, fc_verdict *v)
{
  const mf_sizes *sz = FC_SIZES (mf_size_plan, opt);
  int variant = fc_control_variant (opt);
  /* The field's sign (-1: the note's) and the sign of the inverse map
     exp_{x_t}(sign_inv (1-t) v) (the note's: (t-1) v).  */
  double sign = variant == MF_M2_SIGN_CORRECTED ? 1.0 : -1.0;
  double sign_inv = variant == MF_M2_UNMATCHED_INVERSE ? -sign : sign;
  size_t n = sz->m2_n, steps = sz->m2_steps;
  double *X = malloc (18 * n * sizeof (double));
  double *d = malloc ((steps + 1) * sizeof (double));
  gsl_rng *r = fc_rng_alloc (fc_module_seed (opt, MF_TAG_M2), 0);
  int status = X == NULL || d == NULL || r == NULL ? GSL_ENOMEM : GSL_SUCCESS;
  double *Y = X + 9 * n;
  if (!status)
    status = mf_pairs (fc_module_seed (opt, MF_TAG_M2 + 2), n, 0.0, M_PI, X, Y);
  /* The round trip at random t in (0, 1).  */
  double trip = 0.0;
  for (size_t k = 0; k < n && !status; k++)
    {
      double w[3], t = gsl_rng_uniform_pos (r);
      status = mf_log_body (X + 9 * k, Y + 9 * k, w);
      double back[9];
      for (int i = 0; i < 9; i++)
        back[i] = X[9 * k + i];
      double vb[3];
      for (int i = 0; i < 3; i++)
        vb[i] = sign * w[i] / (1.0 - t);        /* body vector of v */
      for (int i = 0; i < 3; i++)
        vb[i] *= sign_inv * (1.0 - t); /* the inverse's step */
      if (!status)
        status = mf_step (back, vb);
      trip = fmax (trip, fc_so3_dist (back, Y + 9 * k));
    }
  /* Paths from x0 at distance in [0.2, pi/2) of a fixed target x1hat.  */
  double reach = 0.0, grow = INFINITY, before = INFINITY;
  size_t n_paths = n / 4 > 0 ? n / 4 : 1;
  if (!status)
    status = mf_pairs (fc_module_seed (opt, MF_TAG_M2 + 1), n_paths, 0.2,
                       M_PI_2, X, Y);
  mf_figures *fig = opt->figures;
  for (size_t k = 0; k < n_paths && !status; k++)
    {
      double x[9];
      for (int i = 0; i < 9; i++)
        x[i] = X[9 * k + i];
      status = mf_m2_path (x, Y + 9 * k, sign, steps, d);
      if (status)
        break;
      reach = fmax (reach, d[steps]);
      grow = fmin (grow, d[steps / 2] / d[0]);
      before = fmin (before, d[steps - 1]);
      if (k == 0 && fig != NULL)
        {
          /* so3-sign: this path under both signs.  */
          fig->sign_d0 = d[0];
          for (size_t j = 0; j <= steps && j <= MF_SIGN_STEPS; j++)
            {
              fig->sign_t[j] = (double) j / (double) steps;
              fig->sign_note[j] = d[j];
            }
          for (int i = 0; i < 9; i++)
            x[i] = X[i];
          status = mf_m2_path (x, Y, -sign, steps, d);
          for (size_t j = 0; j <= steps && j <= MF_SIGN_STEPS; j++)
            fig->sign_fixed[j] = d[j];
          fig->sign_done = 1;
        }
    }
  free (X);
  free (d);
  gsl_rng_free (r);
  if (status)
    GSL_ERROR ("M2 failed", status);
  /* Round-off bands: a log, an exp and a distance (each about
     MF_SO3_ROUNDOFF) for the round trip; the same per Euler step.  */
  double band_trip = 4.0 * MF_SO3_ROUNDOFF;
  double band_reach = 4.0 * MF_SO3_ROUNDOFF * (double) steps;
  fc_verdict_decide (v, FC_TEST_VALID, "round_trip_err", trip, band_trip,
                     trip <= band_trip);
  fc_verdict_decide (v, FC_TEST_HOLDS, "reaches_x1hat", reach, band_reach,
                     reach <= band_reach);
  fc_verdict_report (v, "d_half_over_d0_min", grow, 0.0);
  fc_verdict_report (v, "d_before_last_min", before, 0.0);
  fc_verdict_note (v, "%s field: round trip %.3g (band %.3g); after %zu geodesic "
                   "Euler steps max d(x_1, x1hat) = %.3g (band %.3g), "
                   "d(x_1/2)/d0 >= %.3g over %zu paths",
                   sign < 0 ? "note's" : "corrected", trip, band_trip, steps,
                   reach, band_reach, grow, n_paths);
  return GSL_SUCCESS;
}
