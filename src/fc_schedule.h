/* src/fc_schedule.h -- the schedules of the affine path x_t = alpha_t x1 + sigma_t x0.
 *
 * Canonical convention (CATALOG.md "Conventions"; L "Flow matching:
 * algorithms"): noise x0 ~ N(0, I) at t = 0, data x1 ~ q at t = 1.
 *
 *   linear  alpha = t                    sigma = 1 - t
 *   cosine  alpha = sin(pi t / 2)        sigma = cos(pi t / 2)
 *   vp      alpha = exp(-(1-t)^2 (bmax - bmin)/4 - (1-t) bmin/2)
 *           sigma = sqrt(1 - alpha^2),   bmin = 0.1, bmax = 20
 *
 * For vp, sigma'(t) = -alpha alpha' / sigma diverges at t = 1 while every
 * path quantity stays finite, because sigma' only ever appears multiplied by
 * sigma.  The value record therefore carries the product sigma sigma' =
 * (1/2) d(sigma^2)/dt, computed without forming sigma' (finite at t = 1 for
 * every schedule), and dsigma = -INFINITY where it truly is infinite.  */
#ifndef FC_SCHEDULE_H
#define FC_SCHEDULE_H

#ifdef __cplusplus
extern "C" {
#endif

#define FC_VP_BETA_MIN 0.1  /* vp schedule: beta at the data end, t = 1 */
#define FC_VP_BETA_MAX 20.0 /* vp schedule: beta at the noise end, t = 0 */

typedef enum
{
  FC_SCHEDULE_LINEAR = 0,
  FC_SCHEDULE_COSINE,
  FC_SCHEDULE_VP,
  FC_SCHEDULE_COUNT
} fc_schedule;

typedef struct
{
  double t;
  double alpha;        /* alpha_t */
  double sigma;        /* sigma_t >= 0 */
  double dalpha;       /* d alpha / dt */
  double dsigma;       /* d sigma / dt; -INFINITY for vp at t = 1 */
  double sigma_dsigma; /* sigma * dsigma/dt = (1/2) d(sigma^2)/dt, always finite */
  double sigma2;       /* sigma_t^2, computed without cancellation (vp: -expm1(2 log alpha)) */
} fc_schedule_value;

/* Evaluate schedule S at time T.  GSL_EDOM (through GSL_ERROR) when T is
   NaN or outside [0, 1]; GSL_EINVAL for an unknown S.  */
int
fc_schedule_eval (fc_schedule s, double t, fc_schedule_value *v);

/* "linear", "cosine", "vp". */
const char *
fc_schedule_name (fc_schedule s);

/* Parse NAME; GSL_EINVAL (no error handler call) when it names no schedule. */
int
fc_schedule_parse (const char *name, fc_schedule *s);

#ifdef __cplusplus
}
#endif
#endif /* FC_SCHEDULE_H */
