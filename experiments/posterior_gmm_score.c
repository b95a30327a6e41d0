/* experiments/posterior_gmm_score.c -- scoring a method of posterior-gmm:
 * its samples, the exact samples and the noise level, the step control.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_statistics_double.h>

#include "fc_stats.h"
#include "posterior_gmm.h"

static int
pg_all_finite (size_t n, const double *x)
{
  for (size_t i = 0; i < n; i++)
    if (!gsl_finite (x[i]))
      return 0;
  return 1;
}

/* Samples of method M (gamma G) from the starting points of SEED into X;
   0 when they are finite, 1 when the method diverged (a non-finite sample
   or a failing field: the handler is off, so this never aborts).  */
static int
pg_sample_method (const pg_config *c, fc_guide_method m, double g,
                  unsigned long seed, size_t steps, size_t n, double *x)
{
  fc_guide_field *f
      = fc_guide_field_alloc (c->prior, FC_SCHEDULE_LINEAR, c->obs, m,
                              gsl_isnan (g) ? 0.0 : g);
  if (f == NULL)
    pg_fail ("cannot build a guided field");
  int status = fc_guide_sample (f, seed, 0, FC_ODE_RK4, steps, n, x);
  fc_guide_field_free (f);
  return status != GSL_SUCCESS || !pg_all_finite (n * c->d, x);
}

/* Mean and standard deviation of W (n).  */
static void
pg_mean_sd (size_t n, const double *w, double *mean, double *sd)
{
  *mean = gsl_stats_mean (w, 1, n);
  *sd = gsl_stats_sd_m (w, 1, n, *mean);
}

/* The exact posterior samples the methods are scored on, (R, N, d), and
   the noise level: the sliced W2 between two independent exact samples of
   size N, over max(R, PG_NOISE_SEEDS) replicates.  Exact samples are cheap,
   so the noise level is estimated on more seeds than the methods are: its
   mean and spread, the yardstick of every method, are then not themselves
   at the mercy of two or three draws.  The first R pairs reuse the samples
   the methods are scored on (streams of the replicate, common to every
   sigma_y and method), so this is not fc_compare_w2_noise, whose pairs come
   from streams of one seed and would have to be drawn again.  */
double *
pg_exact_samples (const pg_config *c, const pg_opts *o, unsigned long pseed,
                  pg_score *noise)
{
  size_t nd = o->samples * c->d, nr = GSL_MAX (o->seeds, PG_NOISE_SEEDS);
  double *xa = pg_xmalloc (o->seeds * nd * sizeof (double));
  double *xb = pg_xmalloc (2 * nd * sizeof (double));
  double *w = pg_xmalloc (nr * sizeof (double));
  double t0 = fc_io_wall_seconds ();
  for (size_t r = 0; r < nr; r++)
    {
      double *a = r < o->seeds ? xa + r * nd : xb + nd;
      unsigned long sa = pg_replicate_seed (c, o->seed, r, PG_USE_EXACT_A);
      unsigned long sb = pg_replicate_seed (c, o->seed, r, PG_USE_EXACT_B);
      if (fc_gmm_sample (c->post, sa, o->samples, a)
          || fc_gmm_sample (c->post, sb, o->samples, xb))
        pg_fail ("cannot sample the exact posterior");
      w[r] = fc_stats_sliced_w2 (c->d, o->samples, a, o->samples, xb,
                                 PG_PROJ, pseed);
    }
  pg_mean_sd (nr, w, &noise->mean, &noise->sd);
  noise->seconds = fc_io_wall_seconds () - t0;
  noise->status = PG_OK;
  noise->steps = 0;
  noise->step_err = noise->step_rms = GSL_NAN;
  free (w);
  free (xb);
  return xa;
}

/* The step control of method M: K = K0, 2 K0, 4 K0 ... up to the cap
   PG_STEP_CAP K0, the first K whose samples agree with those of 2K steps
   in sliced W2 (same starting points: the first PG_CHECK_N of seed 0) to
   PG_STEP_TOL times the larger of the noise level NOISE and the method's
   own distance to the exact samples EXACT (N of them), estimated on the
   2K-step points.  RK4 converges at order 4, so once K and 2K agree the
   error of K is about 16/15 of their difference: then the integration
   error moves neither a method at noise level nor a biased method's W2 by
   more than a tenth.  The guided fields of the approximate
   likelihoods can be stiff (c_t J^T A^T Sigma^{-1} A J grows like
   |A|^2 / sigma_y^2 when gamma is small), and a fixed-step explicit scheme
   then blows up: that is an integration failure, not the method's bias, so
   it is reported as such ("stiff", or "div" when the samples are not even
   finite) rather than scored.  */
static void
pg_choose_steps (const pg_config *c, const pg_opts *o, const pg_method *m,
                 const double *exact, double noise, unsigned long pseed,
                 pg_score *s)
{
  size_t n = GSL_MIN (o->samples, PG_CHECK_N), nd = n * c->d;
  double *xa = pg_xmalloc (nd * sizeof (double));
  double *xb = pg_xmalloc (nd * sizeof (double));
  unsigned long seed = pg_replicate_seed (c, o->seed, 0, PG_USE_START);
  size_t k = o->steps;
  int bad_a = pg_sample_method (c, m->method, m->gamma, seed, k, n, xa);
  int finite = 0;
  s->status = PG_DIVERGED;
  s->step_err = s->step_rms = GSL_NAN;
  for (; k <= PG_STEP_CAP * o->steps; k *= 2)
    {
      int bad_b = pg_sample_method (c, m->method, m->gamma, seed, 2 * k, n,
                                    xb);
      s->steps = k;
      if (!bad_a && !bad_b)
        {
          double acc = 0.0;
          for (size_t i = 0; i < nd; i++)
            acc += (xa[i] - xb[i]) * (xa[i] - xb[i]);
          s->step_rms = sqrt (acc / (double) n);
          s->step_err = fc_stats_sliced_w2 (c->d, n, xa, n, xb, PG_PROJ,
                                            pseed);
          finite = 1;
          double dist = fc_stats_sliced_w2 (c->d, n, xb, o->samples, exact,
                                            PG_PROJ, pseed);
          if (s->step_err <= PG_STEP_TOL * GSL_MAX (noise, dist))
            {
              s->status = PG_OK;
              break;
            }
        }
      double *t = xa;
      xa = xb, xb = t, bad_a = bad_b;
    }
  if (s->status != PG_OK && finite)
    s->status = PG_STIFF;
  free (xa);
  free (xb);
}

/* Score method M on every replicate against the exact samples EXACT:
   choose the steps, then the sliced W2 of each seed's N samples.  A seed
   whose samples are not finite at the chosen K marks the method diverged.  */
pg_score
pg_score_method (const pg_config *c, const pg_opts *o, const pg_method *m,
                 const double *exact, const pg_score *noise,
                 unsigned long pseed)
{
  size_t nd = o->samples * c->d;
  pg_score s = { GSL_NAN, GSL_NAN, 0.0, PG_OK, 0, GSL_NAN, GSL_NAN };
  double t0 = fc_io_wall_seconds ();
  pg_choose_steps (c, o, m, exact, noise->mean, pseed, &s);
  double *x = pg_xmalloc (nd * sizeof (double));
  double *w = pg_xmalloc (o->seeds * sizeof (double));
  for (size_t r = 0; s.status == PG_OK && r < o->seeds; r++)
    {
      unsigned long seed = pg_replicate_seed (c, o->seed, r, PG_USE_START);
      if (pg_sample_method (c, m->method, m->gamma, seed, s.steps,
                            o->samples, x))
        s.status = PG_DIVERGED;
      else
        w[r] = fc_stats_sliced_w2 (c->d, o->samples, x, o->samples,
                                   exact + r * nd, PG_PROJ, pseed);
    }
  if (s.status == PG_OK)
    pg_mean_sd (o->seeds, w, &s.mean, &s.sd);
  s.seconds = fc_io_wall_seconds () - t0;
  free (w);
  free (x);
  return s;
}
