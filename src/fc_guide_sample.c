/* src/fc_guide_sample.c -- sampling by a guided flow (fc_guide.h).
 *
 * The flow of the guided field carries N(0, I) at t = 0 to the law the
 * field generates at t = 1: the prior for FC_GUIDE_NONE, the exact
 * posterior for FC_GUIDE_EXACT and FC_GUIDE_EXACT_SPLIT (N §Going through
 * the diffusion ODE, in the canonical convention: claim S6), an
 * approximation of it for the reconstruction-guidance fields (G4-G6).  */
#include <config.h>

#include <gsl/gsl_errno.h>

#include "fc_guide.h"
#include "fc_rng.h"

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
  return fc_ode_fixed (fc_guide_field_velocity, f, method, d, n, x, NULL,
                       0.0, 1.0, steps, NULL);
}
