/* derivations/doob/em_coupled.c -- Euler-Maruyama runs of several step
 * counts on the same Brownian paths in one pass (module `doob`: the order
 * ladder of H3, the doubled-step bias runs of H1's double wells).
 *
 * fc_sde_euler_maruyama draws a run's Brownian path on its fine grid and
 * sums the fine increments into the coarse ones; two runs that differ
 * only in their step counts follow the same path but draw it twice, and
 * the draws are the cost of these studies.  Here the runs advance
 * together, chunk by chunk of FC_RNG_CHUNK paths, each fine increment
 * drawn once in the order of fc_sde.h and added into every run's
 * increment in that same order, with fc_sde's arithmetic for the step:
 * each run gives, to the bit, the states fc_sde_euler_maruyama gives on
 * the grid {t0, t1, steps[a], fine, seed, 0} with a constant sigma.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "doob_internal.h"
#include "fc_rng.h"

/* Per-thread scratch: the runs' states and increment sums, the drift,
   the fine normals of both streams, the generators.  */
typedef struct
{
  double *block, *x, *acc, *f, *z, *zo;
  gsl_rng *rng, *rng_o;
} db_cp_scratch;

static int
db_cp_scratch_alloc (const db_coupled *c, db_cp_scratch *w)
{
  size_t cd = FC_RNG_CHUNK * c->sys->dim, runs = c->n_runs;
  w->block = malloc ((2 * runs + 3) * cd * sizeof *w->block);
  w->rng = gsl_rng_alloc (fc_rng_mt19937);
  w->rng_o = gsl_rng_alloc (fc_rng_mt19937);
  w->x = w->block;
  w->acc = w->block ? w->x + runs * cd : NULL;
  w->f = w->block ? w->acc + runs * cd : NULL;
  w->z = w->block ? w->f + cd : NULL;
  w->zo = w->block ? w->z + cd : NULL;
  return w->block && w->rng && w->rng_o ? GSL_SUCCESS : GSL_ENOMEM;
}

static void
db_cp_scratch_free (db_cp_scratch *w)
{
  free (w->block);
  if (w->rng)
    gsl_rng_free (w->rng);
  if (w->rng_o)
    gsl_rng_free (w->rng_o);
}

/* Step K of run A for the chunk's M paths XC: the increment is ACC (the
   sum of its fine normals) times sqrt(fine step), reset after use; XDET,
   when not NULL, receives the drift-only step.  */
static int
db_cp_step (const db_coupled *c, size_t a, size_t k, size_t m, double *xc,
            double *acc, double *f, double *xdet)
{
  size_t md = m * c->sys->dim, steps = c->steps[a];
  fc_sde_grid grid = { c->t0, c->t1, steps, c->fine, 0, 0, 0 };
  double len = c->t1 - c->t0, h = len / (double) steps, g = c->sys->sigma;
  double scale = sqrt (len / (double) c->fine);
  int status = c->sys->drift (fc_sde_grid_time (&grid, k), m, xc, f, c->sys->params);
  for (size_t q = 0; status == GSL_SUCCESS && q < md; q++)
    {
      double dw = acc[q] * scale;
      if (xdet)
        xdet[q] = xc[q] + h * f[q];
      xc[q] += h * f[q] + g * dw;
      acc[q] = 0.0;
    }
  return status;
}

/* Copy the M states XC of run A after its step K into every save slot
   whose time is t_K.  */
static void
db_cp_save (const db_coupled *c, size_t a, size_t k, size_t i0, size_t m,
            const double *xc)
{
  size_t d = c->sys->dim, nd = c->n * d;
  fc_sde_grid grid = { c->t0, c->t1, c->steps[a], c->fine, 0, 0, 0 };
  double t = fc_sde_grid_time (&grid, k), tol = 1e-9 * (c->t1 - c->t0);
  for (size_t j = 0; j < c->n_save; j++)
    if (fabs (c->t_save[j] - t) <= tol)
      memcpy (c->x_save + ((a * c->n_save + j) * nd) + i0 * d, xc,
              m * d * sizeof *xc);
}

/* Fine step J of every run of the chunk of paths I0 .. I0 + M.  */
static int
db_cp_fine_step (const db_coupled *c, size_t j, size_t i0, size_t m,
                 db_cp_scratch *w)
{
  size_t d = c->sys->dim, cd = FC_RNG_CHUNK * d, md = m * d, nd = c->n * d;
  int other = c->n_other > 0 && c->seed_other != c->seed;
  fc_rng_gaussian_batch (w->rng, cd, w->z);
  if (other)
    fc_rng_gaussian_batch (w->rng_o, cd, w->zo);
  int status = GSL_SUCCESS;
  for (size_t a = 0; a < c->n_runs && status == GSL_SUCCESS; a++)
    {
      size_t r = c->fine / c->steps[a], k = (j + 1) / r - 1;
      const double *z = other && a < c->n_other ? w->zo : w->z;
      double *xa = w->x + a * cd, *acc = w->acc + a * cd;
      for (size_t q = 0; q < md; q++)
        acc[q] += z[q];
      if ((j + 1) % r != 0)
        continue;
      int last = k + 1 == c->steps[a];
      double *xdet = last && c->x_det ? c->x_det + a * nd + i0 * d : NULL;
      status = db_cp_step (c, a, k, m, xa, acc, w->f, xdet);
      db_cp_save (c, a, k + 1, i0, m, xa);
    }
  return status;
}

/* Every run of chunk CH over [t0, t1] from X0.  */
static int
db_cp_chunk (const db_coupled *c, const double *x0, size_t ch, db_cp_scratch *w)
{
  size_t d = c->sys->dim, cd = FC_RNG_CHUNK * d, i0 = ch * FC_RNG_CHUNK;
  size_t m = GSL_MIN (FC_RNG_CHUNK, c->n - i0);
  fc_rng_reseed (w->rng, c->seed, (unsigned long) ch);
  fc_rng_reseed (w->rng_o, c->seed_other, (unsigned long) ch);
  memset (w->acc, 0, c->n_runs * cd * sizeof *w->acc);
  for (size_t a = 0; a < c->n_runs; a++)
    memcpy (w->x + a * cd, x0 + i0 * d, m * d * sizeof *x0);
  int status = GSL_SUCCESS;
  for (size_t j = 0; j < c->fine && status == GSL_SUCCESS; j++)
    status = db_cp_fine_step (c, j, i0, m, w);
  return status;
}

int
db_coupled_run (const db_coupled *c, const double *x0)
{
  for (size_t a = 0; a < c->n_runs; a++)
    if (c->steps[a] == 0 || c->fine % c->steps[a] != 0)
      GSL_ERROR ("every step count must divide the fine steps", GSL_EINVAL);
  size_t n_chunks = (c->n + FC_RNG_CHUNK - 1) / FC_RNG_CHUNK;
  int status = GSL_SUCCESS;
#pragma omp parallel if (n_chunks > 1)
  {
    db_cp_scratch w;
    int st = db_cp_scratch_alloc (c, &w);
#pragma omp for schedule(static)
    for (size_t ch = 0; ch < n_chunks; ch++)
      if (st == GSL_SUCCESS)
        st = db_cp_chunk (c, x0, ch, &w);
    db_cp_scratch_free (&w);
    if (st)
#pragma omp critical
      status = GSL_MAX (status, st);
  }
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the coupled runs' scratch", GSL_ENOMEM);
  return status;
}
