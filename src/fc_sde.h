/* src/fc_sde.h -- batch Euler-Maruyama for particles with additive noise.
 *
 *   dX = f(t, X) dt + g(t) dW,   X in R^D,  W a D-dimensional Brownian motion,
 *
 * with g a scalar: the SDE of the diffusion convention (claim S3,
 * g(t) = sqrt(2t/(1-t))) and the Brownian and Ornstein-Uhlenbeck bridges of
 * Doob's h-transform (claims H1-H3, constant sigma).
 *
 * The scheme.  On the grid t_k = t0 + k h, h = (t1 - t0) / steps,
 *   X_{k+1} = X_k + h f(t_k, X_k) + g(t_k) dW_k,      k = 0 .. steps - 1.
 * Drift and diffusion are evaluated at the LEFT end of each step (Ito), so
 * neither is ever evaluated at t1: a drift singular at the final time, like
 * the bridge drift (x_T - x)/(T - t), is safe.  With additive noise the
 * scheme coincides with Milstein's and has strong order 1, weak order 1.
 *
 * Brownian paths.  Increments are drawn on a FINE grid of fine_steps equal
 * steps over [t0, t1] and summed in groups of r = fine_steps / steps to make
 * the coarse dW_k.  Runs that differ only in steps (divisors of fine_steps)
 * therefore follow the same Brownian path, and X_h(t1) - X_ref(t1) is a
 * strong error (H3: "against a fine-step reference on the same Brownian
 * paths").  The fine increment of particle i, coordinate d, fine step j is
 * sqrt(t1 - t0) / sqrt(fine_steps) * z, with z a standard normal drawn as
 * follows.  Particle i belongs to chunk c = i / FC_RNG_CHUNK, which draws
 * from stream (seed, stream_base + c) (fc_rng.h), fine step by fine step:
 *   for j in 0 .. fine_steps - 1
 *     for slot in 0 .. FC_RNG_CHUNK - 1      (particle c FC_RNG_CHUNK + slot)
 *       for d in 0 .. D - 1
 *         z = gsl_ran_gaussian_ziggurat (r, 1)
 * Every chunk draws for all FC_RNG_CHUNK slots, also the last, partial one
 * (draws of missing particles are discarded), so the path of particle i
 * depends only on (seed, stream_base, i, D, fine_steps, t1 - t0): not on n,
 * on steps, or on the thread count.  Use a stream_base distinct from the
 * streams that drew the initial states (e.g. fc_rng_gaussian_fill with the
 * same seed and stream base 0 would reuse the same normals).
 *
 * Parallelism.  OpenMP over chunks of FC_RNG_CHUNK particles; each chunk is
 * integrated from t0 to t1 on its own, the drift called once per step with
 * n = the chunk's size (at most FC_RNG_CHUNK).  Results are bitwise the
 * same for any thread count.  Scratch is allocated once per thread per
 * call.  */
#ifndef FC_SDE_H
#define FC_SDE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A batched drift: for N points X (n, D) at time T write F (n, D).
   Returns a GSL status; non-zero aborts the integration with that status.
   It may be called concurrently from several threads on distinct chunks.  */
typedef int (*fc_drift_fn) (double t, size_t n, const double *x, double *f,
                            void *params);

/* A scalar diffusion coefficient g(t).  Called from the calling thread
   only, once per coarse step, at the left ends t_0 .. t_{steps-1}.  */
typedef double (*fc_diffusion_fn) (double t, void *params);

/* The SDE dX = drift(t, X) dt + g(t) dW in dimension DIM, with
   g = DIFFUSION (t, PARAMS) when DIFFUSION is not NULL, else the constant
   SIGMA.  PARAMS is passed to both callbacks.  */
typedef struct
{
  fc_drift_fn drift;
  fc_diffusion_fn diffusion;
  double sigma;
  size_t dim;
  void *params;
} fc_sde_system;

/* The time grid and the Brownian paths of a run.
   - [T0, T1], T0 < T1, divided into STEPS coarse (Euler-Maruyama) steps;
   - FINE_STEPS: the Brownian grid, a multiple of STEPS; 0 means STEPS;
   - SEED, STREAM_BASE: chunk c draws from stream (SEED, STREAM_BASE + c);
   - DETERMINISTIC_LAST_STEP: when non-zero the last step is drift only,
     X_steps = X_{steps-1} + h f(t_{steps-1}, X_{steps-1}).  For a bridge
     this removes the O(h^{1/2}) endpoint error of the last step's noise
     (claim H3); the discarded increment is still drawn, so the Brownian
     path up to t_{steps-1} is unchanged.  */
typedef struct
{
  double t0, t1;
  size_t steps;
  size_t fine_steps;
  unsigned long seed;
  unsigned long stream_base;
  int deterministic_last_step;
} fc_sde_grid;

/* Grid time t_K = t0 + K (t1 - t0) / steps, computed exactly as the
   integrator computes it (K = steps gives t1 exactly).  Use it to build
   save times.  NaN when K > steps or steps == 0.  */
double
fc_sde_grid_time (const fc_sde_grid *grid, size_t k);

/* Advance X (n, D) from GRID->t0 to GRID->t1 by Euler-Maruyama.
   When N_SAVE > 0, X_SAVE (n_save, n, D) receives the states at the times
   T_SAVE (n_save), in any order; each must be a grid time t_k, 0 <= k <=
   steps (t0 gives the initial states, t1 the final ones).  A save time is
   matched to the nearest t_k up to the round-off of forming t_k, so
   fc_sde_grid_time and t0 + k (t1 - t0) / steps both match.
   Errors (GSL_ERROR): GSL_EINVAL for a NULL system, drift or X with n > 0,
   or NULL T_SAVE / X_SAVE with n_save > 0, fine_steps not a multiple of
   steps, or a save time between grid times; GSL_EDOM for dim == 0,
   steps == 0, non-finite or unordered limits (t1 <= t0), a non-finite
   sigma or g(t_k), or a save time outside [t0, t1]; GSL_ENOMEM.  A failing
   drift status is returned as is: that of the lowest failing chunk, whatever
   the thread count; X (and X_SAVE) are then left partly advanced.  */
int
fc_sde_euler_maruyama (const fc_sde_system *sys, const fc_sde_grid *grid,
                       size_t n, double *x, size_t n_save,
                       const double *t_save, double *x_save);

/* The coarse Brownian increments dW_k the integrator would use for N
   particles in dimension DIM on GRID, into DW (steps, n, D) (including the
   last step's, even when the grid makes that step deterministic).  For
   exact solutions on the same paths and for tests.  Errors as
   fc_sde_euler_maruyama.  */
int
fc_sde_brownian_increments (const fc_sde_grid *grid, size_t dim, size_t n,
                            double *dw);

#ifdef __cplusplus
}
#endif
#endif /* FC_SDE_H */
