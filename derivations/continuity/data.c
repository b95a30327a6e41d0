/* derivations/continuity/data.c -- the schedules and data sets the claims
 * of module `continuity` run on across their breadth (C2, C3 and C5 on
 * every schedule and three data sets, one in D = 6).
 *
 *   gmm        the built-in 8gaussians (D = 2)
 *   empirical  equal-weight point masses at draws of the built-in moons:
 *              data that is not a Gaussian mixture (C2, C3; it has no
 *              density, so C5 uses moons itself)
 *   moons      the built-in moons (D = 2, 16 elongated components)
 *   gmm6d      a fixed random mixture in D = 6 (no built-in has D >= 5):
 *              4 components drawn by fc_gmm_random from the fixed stream
 *              (CT_GMM6D_SEED, 0), weights uniform in [1, 2), means
 *              N(0, 1.5^2 I), full covariances of Haar-random orientation
 *              with eigenvalues uniform in [0.1, 1.5]: elongated, not
 *              diagonal, condition number at most 15; the same mixture in
 *              every run, whatever the run seed.  */
#include <config.h>

#include <stdlib.h>

#include <gsl/gsl_errno.h>

#include "continuity_internal.h"

const fc_schedule ct_schedules[CT_NS]
    = { FC_SCHEDULE_LINEAR, FC_SCHEDULE_COSINE, FC_SCHEDULE_VP };

/* The stream of the D = 6 mixture: a constant, so the data set is fixed. */
#define CT_GMM6D_SEED 6UL
#define CT_GMM6D_COMP 4

/* Names of a case "SCHEDULE_DATA", indexed as ct_schedules and ct_data:
   static strings, as an order study keeps its name as a pointer.  */
static const char *const ct_case_names[CT_NS][CT_DATA_COUNT] = {
  { "linear_gmm", "linear_empirical", "linear_gmm6d", "linear_moons" },
  { "cosine_gmm", "cosine_empirical", "cosine_gmm6d", "cosine_moons" },
  { "vp_gmm", "vp_empirical", "vp_gmm6d", "vp_moons" },
};

const char *
ct_case_name (size_t schedule, ct_data data)
{
  return ct_case_names[schedule][data];
}

/* N equal-weight point masses at draws of the built-in `moons`. */
static fc_gmm *
ct_empirical_cloud (size_t n, unsigned long seed)
{
  fc_gmm *src = fc_module_builtin ("moons");
  double *pts = malloc (n * CT_DIM * sizeof *pts); /* (n, 2) */
  fc_gmm *g = NULL;
  if (src != NULL && pts != NULL
      && fc_gmm_sample (src, seed, n, pts) == GSL_SUCCESS)
    g = fc_gmm_point_masses (CT_DIM, n, pts, NULL);
  fc_gmm_free (src);
  free (pts);
  if (g == NULL)
    GSL_ERROR_NULL ("cannot build the empirical cloud", GSL_EFAILED);
  return g;
}

static fc_gmm *
ct_gmm6d (void)
{
  const fc_gmm_random_params p = { 1.0, 2.0, 1.5, 0.1, 1.5 };
  return fc_gmm_random (6, CT_GMM6D_COMP, &p, CT_GMM6D_SEED, 0);
}

fc_gmm *
ct_data_load (const fc_run_options *opt, ct_data data)
{
  switch (data)
    {
    case CT_DATA_GMM:
      return fc_module_builtin ("8gaussians");
    case CT_DATA_EMPIRICAL:
      /* The cloud's stream is the module's, not a claim's: C2 and C3 see
         the same cloud.  */
      return ct_empirical_cloud (FC_SIZES (ct_sizes_plan, opt)->cloud,
                                 fc_module_seed (opt, CT_TAG_CLOUD));
    case CT_DATA_GMM6D:
      return ct_gmm6d ();
    case CT_DATA_MOONS:
      return fc_module_builtin ("moons");
    default:
      GSL_ERROR_NULL ("no such data set", GSL_EINVAL);
    }
}

int
ct_data_load_all (const fc_run_options *opt, size_t n, const ct_data *data,
                  fc_gmm **g)
{
  int status = GSL_SUCCESS;
  for (size_t d = 0; d < n; d++)
    if ((g[d] = ct_data_load (opt, data[d])) == NULL)
      status = GSL_EFAILED;
  return status;
}

void
ct_data_free_all (size_t n, fc_gmm **g)
{
  for (size_t d = 0; d < n; d++)
    fc_gmm_free (g[d]);
}
