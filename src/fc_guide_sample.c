/* src/fc_guide_sample.c -- sampling by a guided flow (fc_guide.h).
 *
 * The flow of the guided field carries N(0, I) at t = 0 to the law the
 * field generates at t = 1: the prior for FC_GUIDE_NONE, the exact
 * posterior for FC_GUIDE_EXACT and FC_GUIDE_EXACT_SPLIT (N §Going through
 * the diffusion ODE, in the canonical convention: claim S6), an
 * approximation of it for the reconstruction-guidance fields (G4-G6).  */
#include <config.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_minmax.h>

#include "fc_guide.h"
#include "fc_rng.h"

/* Points per block of the flow: a multiple of the field's chunks
   (FC_GUIDE_CHUNK, the path kernel's 64), so that every point sits at the
   same place in its chunk as in one batch of all N, and so gets the same
   bits.  */
#define FC_GUIDE_SAMPLE_BLOCK 256

/* Carry X (n, D) from t = 0 to 1, one block of points per thread through
   all the steps.  The points move independently, and one parallel region
   around the whole flow replaces the one per field evaluation that a
   batch of all N would open (4 a step for RK4): between such short
   regions the idle threads spin in OpenMP's active wait, and the nested
   regions of the field now run on their block's thread.  The status is
   that of the lowest failing block, whatever the thread count.  */
static int
fc_guide_sample_blocks (fc_guide_field *f, fc_ode_fixed_method method,
                        size_t steps, size_t n, double *x)
{
  size_t d = f->prior->dim;
  long n_blocks = (long) ((n + FC_GUIDE_SAMPLE_BLOCK - 1)
                          / FC_GUIDE_SAMPLE_BLOCK);
  int status = GSL_SUCCESS;
  long failed = n_blocks;
#pragma omp parallel for schedule(dynamic, 1) if (n_blocks > 1)
  for (long b = 0; b < n_blocks; b++)
    {
      size_t i0 = (size_t) b * FC_GUIDE_SAMPLE_BLOCK;
      size_t nb = GSL_MIN (FC_GUIDE_SAMPLE_BLOCK, n - i0);
      int s = fc_ode_fixed (fc_guide_field_velocity, f, method, d, nb,
                            x + i0 * d, NULL, 0.0, 1.0, steps, NULL);
      if (s != GSL_SUCCESS)
#pragma omp critical(fc_guide_sample_status)
        if (b < failed)
          {
            failed = b;
            status = s;
          }
    }
  return status;
}

int
fc_guide_sample (fc_guide_field *f, unsigned long seed,
                 unsigned long stream_base, fc_ode_fixed_method method,
                 size_t steps, size_t n, double *x)
{
  if (f == NULL || x == NULL)
    GSL_ERROR ("guided sampling needs a field and an output buffer",
               GSL_EINVAL);
  if (steps == 0 || (int) method < 0 || method >= FC_ODE_FIXED_COUNT)
    GSL_ERROR ("guided sampling needs a fixed-step method and steps >= 1",
               GSL_EINVAL);
  size_t d = f->prior->dim;
  int status = fc_rng_gaussian_fill (seed, stream_base, n * d, x);
  if (status != GSL_SUCCESS)
    return status;
  return fc_guide_sample_blocks (f, method, steps, n, x);
}
