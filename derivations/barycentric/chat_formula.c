/* derivations/barycentric/chat_formula.c -- B10: the chat's two-marginal
 * formula b = alpha_1' E[x1|x] + alpha_0' (x - alpha_1 E[x1|x]) / alpha_0
 * equals the direct E[x-dot | x] (N §Chat 3/11/2023), a pointwise identity
 * judged like B1 (pointwise.c).  */
#include <config.h>

#include <math.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_machine.h>
#include <gsl/gsl_math.h>

#include "barycentric_internal.h"
#include "fc_rng.h"

/* The chat's two-marginal formula b = a1' g1 + a0' (x - a1 g1) / a0
   against the direct E[x-dot | x] = a0' g0 + a1' g1 (fc_interp_velocity),
   noise N(0, I) and 8gaussians, schedules linear (a0 = 1 - t) and cosine
   (a0 = cos(pi t / 2)).  The identity rests on x = a0 g0 + a1 g1 (B1), so
   its round-off is B1's divided by a0 and multiplied by |a0'|: the error
   at point i in units of
     u_i = eps (kappa M_i |a0'| / a0 + sum_k |a_k'| (|g_k| + R_k))
   is judged against the ladder L, as B1's.  (The unit used to carry L
   itself, so that the figure was judged against L^2 eps (...), 361 eps
   for L = 19: errors 300 times below the band.)
   At t = 1 (a0 = 0) the formula is 0/0; the direct b is finite there.
   Control BC_B10_COEFFICIENT_OFF: a1 in the formula raised by
   BC_B10_OFFSET = 1e-13 (450 eps), an error |a0'| BC_B10_OFFSET |g1| / a0
   of the unit's own 1/a0 shape, several times the ladder: the check must
   refute it.  */
#define BC_B10_OFFSET 1e-13
#define BC_B10_NT 5
static const double bc_b10_times[BC_B10_NT] = { 0.0, 0.25, 0.381966, 0.8, 0.95 };
#define BC_B10_NSWEEP 8 /* t = 1 - 10^-j, j = 1 .. 8 */

static void
bc_b10_sched (int cosine, double t, double *a, double *da)
{
  if (cosine)
    {
      a[0] = cos (M_PI_2 * t), a[1] = sin (M_PI_2 * t);
      da[0] = -M_PI_2 * sin (M_PI_2 * t), da[1] = M_PI_2 * cos (M_PI_2 * t);
    }
  else
    {
      a[0] = 1.0 - t, a[1] = t;
      da[0] = -1.0, da[1] = 1.0;
    }
}

/* The error of the formula at point I (S holds x, g and the direct b). */
static double
bc_b10_error (const bc_pointwise *s, const double *a, const double *da,
              double a1, size_t i)
{
  double e[BC_DMAX];
  for (size_t d = 0; d < s->dim; d++)
    {
      double x = s->x[i * s->dim + d], g1 = s->g[(s->n + i) * s->dim + d];
      double chat = da[1] * g1 + da[0] * (x - a1 * g1) / a[0];
      e[d] = chat - s->b[i * s->dim + d];
    }
  return fc_study_norm (s->dim, e);
}

/* Units (error / unit, largest over points) and rms error at time T. */
static int
bc_b10_time (bc_pointwise *s, int cosine, double t, double offset,
             unsigned long seed, double *units, double *rms)
{
  double a[2], da[2], kappa, sse = 0.0;
  bc_b10_sched (cosine, t, a, da);
  int status = bc_pointwise_draw (s, a, seed, &kappa);
  if (status == GSL_SUCCESS)
    status = fc_interp_velocity (s->ip, a, da, s->n, s->x, s->b);
  *units = 0.0;
  for (size_t i = 0; status == GSL_SUCCESS && i < s->n; i++)
    {
      double tail = 0.0;
      for (size_t k = 0; k < 2; k++)
        tail += fabs (da[k])
                * (fc_study_norm (s->dim, s->g + (k * s->n + i) * s->dim)
                   + s->r[k]);
      double unit = GSL_DBL_EPSILON
                    * (kappa * bc_pointwise_magnitude (s, a, i) * fabs (da[0])
                       / a[0] + tail);
      double err = bc_b10_error (s, a, da, a[1] + offset, i);
      *units = GSL_MAX (*units, err / unit);
      sse += err * err;
    }
  *rms = sqrt (sse / (double) s->n);
  return status;
}

/* The time of the J-th measurement of B10: the fixed times, then the
   sweep t = 1 - 10^-j towards a0 = 0.  */
static double
bc_b10_t (size_t j)
{
  return j < BC_B10_NT ? bc_b10_times[j]
                       : 1.0 - pow (10.0, -(double) (j - BC_B10_NT + 1));
}

/* Schedule COSINE over every time: the largest units into *UNITS, the
   sweep's rms errors into SWEEP and its a0 into A0.  */
static int
bc_b10_schedule (bc_pointwise *s, int cosine, double offset,
                 unsigned long seed, double *units, double *sweep, double *a0)
{
  int status = GSL_SUCCESS;
  *units = 0.0;
  for (size_t j = 0; j < BC_B10_NT + BC_B10_NSWEEP && status == GSL_SUCCESS; j++)
    {
      double u, rms;
      status = bc_b10_time (s, cosine, bc_b10_t (j), offset,
                            fc_rng_stream_seed (seed, 32 * cosine + j), &u,
                            &rms);
      *units = GSL_MAX (*units, u);
      if (j >= BC_B10_NT)
        {
          double a[2], da[2];
          bc_b10_sched (cosine, bc_b10_t (j), a, da);
          a0[j - BC_B10_NT] = a[0];
          sweep[j - BC_B10_NT] = rms;
        }
    }
  return status;
}

/* The direct field's speed at t = 1 (a0 = 0, where the formula is 0/0). */
static int
bc_b10_speed_t1 (const fc_interp *ip, double *speed)
{
  const double a1[2] = { 0.0, 1.0 }, da1[2] = { -1.0, 1.0 };
  const double x1[BC_DMAX] = { 0.381966, -1.2 };
  double b1[BC_DMAX] = { NAN, NAN };
  int status = fc_interp_velocity (ip, a1, da1, 1, x1, b1);
  *speed = fc_study_norm (2, b1);
  return status;
}

int
bc_check_b10 (const fc_run_options *opt, fc_verdict *v)
{
  int variant = fc_control_variant (opt);
  bc_pointwise s;
  double offset = variant == BC_B10_COEFFICIENT_OFF ? BC_B10_OFFSET : 0.0;
  unsigned long seed = fc_module_seed (opt, BC_TAG_B10);
  double units[2] = { 0.0, 0.0 }, expo[2] = { NAN, NAN }, speed = NAN;
  double sweep[2][BC_B10_NSWEEP], a0[BC_B10_NSWEEP];
  int status = bc_pointwise_alloc (&s, BC_NOISE_8G,
                               FC_SIZES (bc_sizes_plan, opt)->n_points);
  double ladder = s.ladder;
  for (int c = 0; c < 2 && status == GSL_SUCCESS; c++)
    {
      status = bc_b10_schedule (&s, c, offset, seed, &units[c], sweep[c], a0);
      if (status == GSL_SUCCESS)
        expo[c] = bc_sweep_exponent (BC_B10_NSWEEP, a0, sweep[c]);
    }
  if (status == GSL_SUCCESS)
    status = bc_b10_speed_t1 (s.ip, &speed);
  bc_pointwise_free (&s);
  if (status)
    return status;
  /* A pointwise identity: every point within the ladder, on each schedule
     (HOLDS).  The error grows like the unit's own 1/a0 as a0 -> 0, but it
     is round-off at every step of the sweep: the fitted exponent is
     reported, not judged (it moves with the compiler's rounding and
     FMA).  */
  fc_verdict_decide (v, FC_TEST_HOLDS, "roundoff_units_linear", units[0],
                     ladder, units[0] <= ladder);
  fc_verdict_decide (v, FC_TEST_HOLDS, "roundoff_units_cosine", units[1],
                     ladder, units[1] <= ladder);
  fc_verdict_report (v, "error_exponent_alpha0_linear", expo[0], NAN);
  fc_verdict_report (v, "error_exponent_alpha0_cosine", expo[1], NAN);
  fc_verdict_report (v, "rms_error_alpha0_1e-8_linear",
                     sweep[0][BC_B10_NSWEEP - 1], NAN);
  fc_verdict_report (v, "direct_speed_t1", speed, NAN);
  fc_verdict_note (v, "chat formula = a0' g0 + a1' g1 within %.2g / %.2g "
                   "units (L %.0f, linear / cosine), also at a0 = 1e-8 (rms error "
                   "%.2g); 0/0 at t = 1", units[0], units[1],
                   ladder, sweep[0][BC_B10_NSWEEP - 1]);
  fc_module_progress (opt, "units %.3g / %.3g; sweep rms error linear %.3g "
                      ".. %.3g", units[0], units[1], sweep[0][0],
                      sweep[0][BC_B10_NSWEEP - 1]);
  return GSL_SUCCESS;
}
