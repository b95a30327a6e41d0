/* src/fc_sde.c -- batch Euler-Maruyama for particles with additive noise.
 *
 *   X_{k+1} = X_k + h f(t_k, X_k) + g(t_k) dW_k
 *
 * (Kloeden and Platen, "Numerical Solution of Stochastic Differential
 * Equations", §10.2).  GSL has no SDE integrator, so the scheme is written
 * here; the normals come from fc_rng_gaussian_batch (GSL's ziggurat draws,
 * a fine step's at once) on the chunk streams of fc_rng.h.  Each chunk of FC_RNG_CHUNK particles is integrated
 * over the whole interval by one thread, drawing its Brownian path fine
 * step by fine step as it goes, so no path is ever stored and the numbers
 * do not depend on which thread ran the chunk (ARCHITECTURE.md "Numerical
 * habits").  The draw order is documented in fc_sde.h.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_machine.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "fc_rng.h"
#include "fc_sde.h"

/* t_k = t0 + k h with h = (t1 - t0) / steps, and t_steps = t1 exactly:
   the one formula for grid times, shared by the integrator and
   fc_sde_grid_time so that saved states are labelled consistently.  */
static double
fc_sde_time (double t0, double t1, size_t steps, size_t k)
{
  if (k == steps)
    return t1;
  return t0 + (double) k * ((t1 - t0) / (double) steps);
}

double
fc_sde_grid_time (const fc_sde_grid *grid, size_t k)
{
  if (grid == NULL || grid->steps == 0 || k > grid->steps)
    return GSL_NAN;
  return fc_sde_time (grid->t0, grid->t1, grid->steps, k);
}

/* Check the grid and return the number of fine steps per coarse step in
   *R.  */
static int
fc_sde_grid_check (const fc_sde_grid *grid, size_t dim, size_t *r)
{
  if (grid == NULL)
    GSL_ERROR ("grid must not be NULL", GSL_EINVAL);
  if (dim == 0 || grid->steps == 0)
    GSL_ERROR ("dim and steps must be positive", GSL_EDOM);
  if (!isfinite (grid->t0) || !isfinite (grid->t1) || !(grid->t1 > grid->t0))
    GSL_ERROR ("need finite limits with t0 < t1", GSL_EDOM);
  size_t fine = grid->fine_steps ? grid->fine_steps : grid->steps;
  if (fine % grid->steps != 0)
    GSL_ERROR ("fine_steps must be a multiple of steps", GSL_EINVAL);
  *r = fine / grid->steps;
  return GSL_SUCCESS;
}

/* The coarse increments of one step for the M particles of a chunk into
   DW (m, D): R fine steps of standard normals, each drawn for all
   FC_RNG_CHUNK slots in slot-then-coordinate order (the order of fc_sde.h),
   summed per particle and scaled by SCALE = sqrt(fine step).  */
static void
fc_sde_draw (gsl_rng *rng, size_t m, size_t dim, size_t r, double scale,
             double *z, double *dw)
{
  size_t md = m * dim;
  memset (dw, 0, md * sizeof (double));
  for (size_t j = 0; j < r; j++)
    {
      /* Draws of slots beyond the last particle are discarded so that a
         particle's path does not depend on n.  */
      fc_rng_gaussian_batch (rng, FC_RNG_CHUNK * dim, z);
      for (size_t s = 0; s < md; s++)
        dw[s] += z[s];
    }
  for (size_t s = 0; s < md; s++)
    dw[s] *= scale;
}

/* Everything the chunks share.  */
typedef struct
{
  const fc_sde_system *sys;
  size_t dim, n, steps, r;
  double h, scale;       /* coarse step; sqrt of the fine step */
  const double *t, *g;   /* (steps) left ends t_k and g(t_k) */
  unsigned long seed, stream_base;
  int det_last;
  size_t n_save;
  const size_t *save_k;  /* (n_save) grid index of each save time */
  double *x, *x_save, *dw_out;
} fc_sde_job;

/* Per-thread scratch: one allocation for the drift, the normals of a fine
   step and the increments of a chunk, and the thread's generator
   (reseeded per chunk).  */
typedef struct
{
  double *block, *f, *z, *dw;
  gsl_rng *rng;
} fc_sde_scratch;

static int
fc_sde_scratch_alloc (fc_sde_scratch *s, size_t dim)
{
  s->block = malloc (3 * FC_RNG_CHUNK * dim * sizeof (double));
  s->rng = gsl_rng_alloc (fc_rng_mt19937);
  s->f = s->block;
  s->z = s->block ? s->block + FC_RNG_CHUNK * dim : NULL;
  s->dw = s->block ? s->block + 2 * FC_RNG_CHUNK * dim : NULL;
  return s->block && s->rng ? GSL_SUCCESS : GSL_ENOMEM;
}

static void
fc_sde_scratch_free (fc_sde_scratch *s)
{
  free (s->block);
  if (s->rng)
    gsl_rng_free (s->rng);
}

/* Copy the chunk's states XC (m, D) into every save slot of grid index K. */
static void
fc_sde_save (const fc_sde_job *job, size_t k, size_t i0, size_t m,
             const double *xc)
{
  for (size_t j = 0; j < job->n_save; j++)
    if (job->save_k[j] == k)
      memcpy (job->x_save + (j * job->n + i0) * job->dim, xc,
              m * job->dim * sizeof (double));
}

/* Integrate chunk C from t0 to t1 (or, with DW_OUT, only write its
   increments).  Returns the drift's status on failure.  */
static int
fc_sde_chunk (const fc_sde_job *job, size_t c, fc_sde_scratch *s)
{
  size_t dim = job->dim, i0 = c * FC_RNG_CHUNK;
  size_t m = i0 + FC_RNG_CHUNK < job->n ? FC_RNG_CHUNK : job->n - i0;
  size_t md = m * dim;
  double *xc = job->x ? job->x + i0 * dim : NULL;
  fc_rng_reseed (s->rng, job->seed, job->stream_base + (unsigned long) c);
  if (xc)
    fc_sde_save (job, 0, i0, m, xc);
  for (size_t k = 0; k < job->steps; k++)
    {
      /* The increment is drawn even for a deterministic last step, so the
         stream is consumed the same way in every mode.  */
      fc_sde_draw (s->rng, m, dim, job->r, job->scale, s->z, s->dw);
      if (job->dw_out)
        {
          memcpy (job->dw_out + (k * job->n + i0) * dim, s->dw,
                  md * sizeof (double));
          continue;
        }
      /* Left end t_k only: the drift is never evaluated at t1, where a
         bridge drift is singular (claim H3).  */
      int status = job->sys->drift (job->t[k], m, xc, s->f, job->sys->params);
      if (status)
        return status;
      double h = job->h, g = job->g[k];
      if (job->det_last && k + 1 == job->steps)
        for (size_t q = 0; q < md; q++)
          xc[q] += h * s->f[q];
      else
        for (size_t q = 0; q < md; q++)
          xc[q] += h * s->f[q] + g * s->dw[q];
      fc_sde_save (job, k + 1, i0, m, xc);
    }
  return GSL_SUCCESS;
}

/* Run every chunk, OpenMP over chunks, and return the status of the lowest
   failing chunk (so the result does not depend on the thread count).  */
static int
fc_sde_run (const fc_sde_job *job)
{
  size_t n_chunks = (job->n + FC_RNG_CHUNK - 1) / FC_RNG_CHUNK;
  if (n_chunks == 0)
    return GSL_SUCCESS;
  int *res = calloc (n_chunks, sizeof *res);
  if (res == NULL)
    GSL_ERROR ("cannot allocate chunk results", GSL_ENOMEM);
  int failed = 0;
#pragma omp parallel if (n_chunks > 1)
  {
    fc_sde_scratch s;
    int ok = fc_sde_scratch_alloc (&s, job->dim) == GSL_SUCCESS;
    if (!ok)
      {
#pragma omp atomic write
        failed = 1;
      }
    long c;
#pragma omp for schedule(static)
    for (c = 0; c < (long) n_chunks; c++)
      if (ok)
        res[c] = fc_sde_chunk (job, (size_t) c, &s);
    fc_sde_scratch_free (&s);
  }
  int status = GSL_SUCCESS;
  for (size_t c = 0; c < n_chunks && status == GSL_SUCCESS; c++)
    status = res[c];
  free (res);
  if (failed)
    GSL_ERROR ("cannot allocate integrator scratch", GSL_ENOMEM);
  return status;
}

/* Grid index of each save time into SAVE_K.  Two evaluations of the same
   grid time t0 + k (t1 - t0) / steps (a subtraction, a division, a product
   and a sum, each rounding by at most eps/2 of a magnitude below
   |t0| + |t1|) differ by at most 4 eps (|t0| + |t1|): that is the matching
   tolerance, far below half a step for any practical step count.  */
static int
fc_sde_save_index (const fc_sde_grid *grid, size_t n_save,
                   const double *t_save, size_t *save_k)
{
  double t0 = grid->t0, t1 = grid->t1;
  double tol = 4.0 * GSL_DBL_EPSILON * (fabs (t0) + fabs (t1));
  double h = (t1 - t0) / (double) grid->steps;
  for (size_t j = 0; j < n_save; j++)
    {
      double ts = t_save[j];
      if (!(ts >= t0 - tol && ts <= t1 + tol))
        GSL_ERROR ("save time outside [t0, t1]", GSL_EDOM);
      double kr = nearbyint ((ts - t0) / h);
      size_t k = kr < 0.0 ? 0 : (size_t) kr;
      if (k > grid->steps)
        k = grid->steps;
      if (!(fabs (ts - fc_sde_time (t0, t1, grid->steps, k)) <= tol))
        GSL_ERROR ("save time is not a grid time", GSL_EINVAL);
      save_k[j] = k;
    }
  return GSL_SUCCESS;
}

/* Left ends t_k and g(t_k), k < steps, evaluated once on the calling
   thread (the diffusion callback need not be thread safe).  */
static int
fc_sde_tabulate (const fc_sde_system *sys, const fc_sde_grid *grid,
                 double *t, double *g)
{
  for (size_t k = 0; k < grid->steps; k++)
    {
      t[k] = fc_sde_time (grid->t0, grid->t1, grid->steps, k);
      g[k] = sys->diffusion ? sys->diffusion (t[k], sys->params) : sys->sigma;
      if (!isfinite (g[k]))
        GSL_ERROR ("diffusion coefficient is not finite", GSL_EDOM);
    }
  return GSL_SUCCESS;
}

int
fc_sde_euler_maruyama (const fc_sde_system *sys, const fc_sde_grid *grid,
                       size_t n, double *x, size_t n_save,
                       const double *t_save, double *x_save)
{
  size_t r;
  if (sys == NULL || sys->drift == NULL || (x == NULL && n > 0))
    GSL_ERROR ("system, drift and states must not be NULL", GSL_EINVAL);
  if (n_save > 0 && (t_save == NULL || x_save == NULL))
    GSL_ERROR ("save times and save buffer must not be NULL", GSL_EINVAL);
  int status = fc_sde_grid_check (grid, sys->dim, &r);
  if (status)
    return status;
  if (sys->diffusion == NULL && !isfinite (sys->sigma))
    GSL_ERROR ("sigma must be finite", GSL_EDOM);
  size_t steps = grid->steps;
  double *tg = malloc ((2 * steps) * sizeof (double));
  size_t *save_k = malloc ((n_save ? n_save : 1) * sizeof (size_t));
  if (tg == NULL || save_k == NULL)
    {
      free (tg);
      free (save_k);
      GSL_ERROR ("cannot allocate the time grid", GSL_ENOMEM);
    }
  status = fc_sde_save_index (grid, n_save, t_save, save_k);
  if (status == GSL_SUCCESS)
    status = fc_sde_tabulate (sys, grid, tg, tg + steps);
  if (status == GSL_SUCCESS)
    {
      double len = grid->t1 - grid->t0;
      fc_sde_job job
          = { sys,          sys->dim,
              n,            steps,
              r,            len / (double) steps,
              sqrt (len / (double) (steps * r)),
              tg,           tg + steps,
              grid->seed,   grid->stream_base,
              grid->deterministic_last_step != 0,
              n_save,       save_k,
              x,            x_save,
              NULL };
      status = fc_sde_run (&job);
    }
  free (tg);
  free (save_k);
  return status;
}

int
fc_sde_brownian_increments (const fc_sde_grid *grid, size_t dim, size_t n,
                            double *dw)
{
  size_t r;
  int status = fc_sde_grid_check (grid, dim, &r);
  if (status)
    return status;
  if (dw == NULL && n > 0)
    GSL_ERROR ("increment buffer must not be NULL", GSL_EINVAL);
  double len = grid->t1 - grid->t0;
  fc_sde_job job = { NULL, dim, n, grid->steps, r, len / (double) grid->steps,
                     sqrt (len / (double) (grid->steps * r)), NULL, NULL,
                     grid->seed, grid->stream_base, 0, 0, NULL, NULL, NULL,
                     dw };
  return fc_sde_run (&job);
}
