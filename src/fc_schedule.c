/* src/fc_schedule.c -- alpha_t, sigma_t and their derivatives.
 *
 * CATALOG.md "Conventions"; L "Flow matching: algorithms".  Each
 * schedule is written in a shape that is accurate to a few ulps over the
 * whole of [0, 1] and exact at the endpoints (alpha(1) = 1, sigma(1) = 0;
 * alpha(0) = 0 and sigma(0) = 1 for linear and cosine), because the path
 * kernel (fc_path.c) treats alpha = 0 and sigma = 0 as special cases.  */
#include <config.h>

#include <math.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>

#include "fc_parse.h"
#include "fc_schedule.h"

static const char *const fc_schedule_names[FC_SCHEDULE_COUNT]
  = { "linear", "cosine", "vp" };

/* linear: alpha = t, sigma = 1 - t (conditional OT path).  */
static void
fc_schedule_linear (double t, fc_schedule_value *v)
{
  v->alpha = t;
  v->sigma = 1.0 - t;
  v->dalpha = 1.0;
  v->dsigma = -1.0;
  v->sigma_dsigma = -v->sigma;
  v->sigma2 = v->sigma * v->sigma;
}

/* cosine: alpha = sin(pi t/2), sigma = cos(pi t/2).  Near t = 1 the cosine
   of an angle close to pi/2 loses relative accuracy, so each of the two is
   evaluated as the sine of the smaller angle (1 - t is exact for t >= 1/2
   by Sterbenz's lemma): sigma = sin(pi (1-t)/2) there.  */
static void
fc_schedule_cosine (double t, fc_schedule_value *v)
{
  double s, c;
  if (t <= 0.5)
    {
      s = sin (M_PI_2 * t);
      c = cos (M_PI_2 * t);
    }
  else
    {
      double u = 1.0 - t;
      s = cos (M_PI_2 * u);
      c = sin (M_PI_2 * u);
    }
  if (t == 1.0)
    s = 1.0;
  if (t == 0.0)
    c = 1.0;
  v->alpha = s;
  v->sigma = c;
  v->dalpha = M_PI_2 * c;
  v->dsigma = -M_PI_2 * s;
  v->sigma_dsigma = -M_PI_2 * s * c;
  v->sigma2 = c * c;
}

/* vp: log alpha = -(1-t)^2 (bmax - bmin)/4 - (1-t) bmin/2, so that
   d log alpha/dt = (1-t)(bmax - bmin)/2 + bmin/2 = beta(t)/2 with beta
   reversed in time.  sigma^2 = 1 - alpha^2 = -expm1(2 log alpha) avoids the
   cancellation near t = 1; sigma sigma' = (1/2) d(sigma^2)/dt
   = -alpha alpha' is finite even where sigma' = sigma_sigma'/sigma is not
   (t = 1, sigma = 0).  */
static void
fc_schedule_vp (double t, fc_schedule_value *v)
{
  const double db = FC_VP_BETA_MAX - FC_VP_BETA_MIN;
  double u = 1.0 - t;
  double log_alpha = -u * u * db / 4.0 - u * FC_VP_BETA_MIN / 2.0;
  double dlog_alpha = u * db / 2.0 + FC_VP_BETA_MIN / 2.0;
  v->alpha = (t == 1.0) ? 1.0 : exp (log_alpha);
  v->sigma2 = (t == 1.0) ? 0.0 : -expm1 (2.0 * log_alpha);
  v->sigma = sqrt (v->sigma2);
  v->dalpha = v->alpha * dlog_alpha;
  v->sigma_dsigma = -v->alpha * v->dalpha;
  v->dsigma = (v->sigma > 0.0) ? v->sigma_dsigma / v->sigma : -INFINITY;
}

int
fc_schedule_eval (fc_schedule s, double t, fc_schedule_value *v)
{
  if (!(t >= 0.0 && t <= 1.0))
    GSL_ERROR ("schedule time t must lie in [0, 1]", GSL_EDOM);
  v->t = t;
  switch (s)
    {
    case FC_SCHEDULE_LINEAR:
      fc_schedule_linear (t, v);
      return GSL_SUCCESS;
    case FC_SCHEDULE_COSINE:
      fc_schedule_cosine (t, v);
      return GSL_SUCCESS;
    case FC_SCHEDULE_VP:
      fc_schedule_vp (t, v);
      return GSL_SUCCESS;
    default:
      GSL_ERROR ("unknown schedule", GSL_EINVAL);
    }
}

FC_PARSE_NAME_TABLE (fc_schedule, fc_schedule_name, fc_schedule_parse,
                     fc_schedule_names, FC_SCHEDULE_COUNT)
