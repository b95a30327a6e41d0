/* derivations/guidance/sample_distance.c -- how G3 and G6 run a guided
 * sampler and score it against the exact posterior.
 *
 * Sliced W2 distances are dominated, for a multimodal posterior, by the
 * binomial fluctuation of the mass in each mode, which shrinks only like
 * n^(-1/4); one sampler run against one exact sample cannot resolve much.
 * Samplers are therefore run on NREP independent blocks of N particles
 * (integrated as one batch) and judged by the mean of the blocks' W2, each
 * against its own exact posterior sample (stream 1000 + r of SEED).  When
 * the sampler is exact, each block's W2 is one draw of the two-exact-sample
 * statistic (fc_compare_w2_noise: mean m0, sd s0 over NREP0 pairs), so the
 * difference of the two means has standard error
 * s0 sqrt(1/NREP + 1/NREP0); the band is m0 + GD_Z_MAX times that.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_statistics_double.h>

#include "fc_compare.h"
#include "fc_rng.h"
#include "fc_stats.h"
#include "guidance_internal.h"

int
gd_all_finite (size_t n, const double *x)
{
  for (size_t i = 0; i < n; i++)
    if (!gsl_finite (x[i]))
      return 0;
  return 1;
}

/* A numerical failure of a field on points that ran off (non-finite input,
   overflow, a covariance no longer positive definite).  Other statuses (no
   memory, bad arguments) are errors.  */
int
gd_diverged (int status)
{
  return status == GSL_EBADFUNC || status == GSL_EOVRFLW
         || status == GSL_ERANGE || status == GSL_EDOM || status == GSL_ESING;
}

int
gd_push (fc_velocity_fn f, void *params, double t0, double t1, size_t steps,
         size_t dim, size_t n, const double *z, double *x, double *traj)
{
  if (x != z)
    memcpy (x, z, n * dim * sizeof *x);
  int status = fc_ode_fixed (f, params, FC_ODE_RK4, dim, n, x, NULL, t0,
                             t1, steps, traj);
  /* A run that blows up is as far off as it gets.  */
  if (gd_diverged (status))
    x[0] = GSL_POSINF, status = GSL_SUCCESS;
  return status;
}

double
gd_band (double m0, double s0, size_t nrep, size_t nrep0)
{
  return m0 + GD_Z_MAX * s0 * sqrt (1.0 / (double) nrep + 1.0 / (double) nrep0);
}

int
gd_blocks_w2 (const fc_gmm *post, size_t nrep, size_t n, const double *x,
              unsigned long seed, double *w)
{
  size_t d = post->dim;
  if (!gd_all_finite (nrep * n * d, x))
    {
      for (size_t r = 0; r < nrep; r++)
        w[r] = GSL_POSINF;
      return GSL_SUCCESS;
    }
  double *ref = gd_alloc (n * d); /* (n, D) */
  int status = ref != NULL ? GSL_SUCCESS : GSL_ENOMEM;
  for (size_t r = 0; status == GSL_SUCCESS && r < nrep; r++)
    {
      status = fc_gmm_sample (post, fc_rng_stream_seed (seed, 1000 + r), n, ref);
      w[r] = fc_stats_sliced_w2 (d, n, x + r * n * d, n, ref,
                                 GD_NPROJ, seed);
    }
  free (ref);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the block distances", GSL_ENOMEM);
  return status;
}

void
gd_blocks_mean_sd (size_t nrep, const double *w, double *mean, double *sd)
{
  if (!gd_all_finite (nrep, w))
    {
      *mean = GSL_POSINF, *sd = NAN;
      return;
    }
  *mean = gsl_stats_mean (w, 1, nrep);
  *sd = nrep > 1 ? gsl_stats_sd_m (w, 1, nrep, *mean) : NAN;
}

int
gd_w2_noise (const fc_gmm *post, size_t n, unsigned long seed, double *mean,
             double *sd)
{
  return fc_compare_w2_noise (post, n, GD_NREP_NOISE, GD_NPROJ, seed, mean, sd);
}
