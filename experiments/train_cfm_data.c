/* experiments/train_cfm_data.c -- the laws of train-cfm: mixtures and point
 * generators, seeded draws, and the mixture the exact field sees.
 *
 * Mixtures: "gaussian" (N(0, I) in 2-D, the source of Tong et al.'s
 * N -> X problems), the built-ins of fc_spec (tcfm-8gaussians is torchcfm's
 * 8 Gaussians, src/fc_datasets.c) and spec files.
 *
 * Point generators, not mixtures:
 *
 *   tcfm-moons  torchcfm's sample_moons (torchcfm/utils.py): x0, _ =
 *               torchdyn.datasets.generate_moons (n, noise = 0.2), returned
 *               as x0 * 3 - 1.  torchdyn's generate_moons (static_datasets.py)
 *               is not sklearn's make_moons: it puts n // 2 points at
 *               linspace (0, pi, n // 2) on the upper arc (cos s, sin s) and
 *               the other n - n // 2 at linspace (0, pi, n - n // 2) on the
 *               lower arc (1 - cos s, 1 - sin s - 1/2), evenly spaced, not
 *               drawn, and adds ONE uniform draw u in [0, noise) to both
 *               coordinates of each point (np.random.rand (n, 1) * noise
 *               broadcast over the two columns).  So a batch of n points is
 *               a grid along the arcs shifted along the diagonal: the law
 *               depends on n (only through the grid), which is kept here.
 *   scurve      the s-curve of Tong et al.'s runner (runner/src/datamodules/
 *               distribution_datamodule.py, SKLearnDataModule): sklearn's
 *               make_s_curve (n, noise = 0.05), t = 3 pi (U - 1/2),
 *               (sin t, 2 V, sign(t) (cos t - 1)) + 0.05 N(0, I_3), keeping
 *               coordinates 0 and 2, times 1.5.
 *
 * Draws: each law takes its numbers from one stream (fc_rng.h), so a
 * sample depends on (seed, stream, n) only.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>

#include "fc_gmm.h"
#include "fc_path_field.h"
#include "fc_rng.h"
#include "fc_spec.h"
#include "train_cfm.h"

#define FC_EXP_NAME TC_NAME
#include "exp_args.h"

const char *const tc_generator_names[] = { "tcfm-moons", "scurve", NULL };

#define TC_MOONS_NOISE 0.2  /* torchcfm sample_moons */
#define TC_SCURVE_NOISE 0.05 /* the runner's make_s_curve */
#define TC_SCURVE_SCALE 1.5

/* The standard Gaussian in 2-D as a one-component mixture.  */
static fc_gmm *
tc_standard_gaussian (void)
{
  fc_gmm *g = fc_gmm_alloc (2, 1);
  const double mu[2] = { 0.0, 0.0 }, c[4] = { 1.0, 0.0, 0.0, 1.0 };
  int status = g ? fc_gmm_set_component (g, 0, 1.0, mu, c) : GSL_ENOMEM;
  return fc_gmm_finish (g, status);
}

void
tc_law_load (const char *opt, const char *name, tc_law *law)
{
  memset (law, 0, sizeof *law);
  snprintf (law->name, sizeof law->name, "%s", name);
  if (strcmp (name, "tcfm-moons") == 0)
    {
      law->kind = TC_LAW_MOONS;
      return;
    }
  if (strcmp (name, "scurve") == 0)
    {
      law->kind = TC_LAW_SCURVE;
      return;
    }
  law->kind = TC_LAW_MIXTURE;
  char err[512];
  if (strcmp (name, "gaussian") == 0)
    {
      law->gmm = tc_standard_gaussian ();
      law->gaussian = 1;
      snprintf (err, sizeof err, "no memory");
    }
  else
    law->gmm = fc_spec_load (name, err, sizeof err);
  if (law->gmm == NULL)
    {
      fprintf (stderr, TC_NAME ": %s: %s\n", opt, err);
      exit (2);
    }
  if (law->gmm->dim > TC_DIM_MAX)
    fc_exp_usage_error (opt, "dimension above 64");
}

void
tc_law_free (tc_law *law)
{
  fc_gmm_free (law->gmm);
  law->gmm = NULL;
}

size_t
tc_law_dim (const tc_law *law)
{
  return law->kind == TC_LAW_MIXTURE ? law->gmm->dim : 2;
}

/* torchcfm's sample_moons (file comment); R gives the n uniform draws.  */
static void
tc_moons (gsl_rng *r, size_t n, double *x)
{
  size_t n_out = n / 2, n_in = n - n_out;
  for (size_t i = 0; i < n; i++)
    {
      int outer = i < n_out;
      size_t m = outer ? n_out : n_in, k = outer ? i : i - n_out;
      double s = m > 1 ? M_PI * (double) k / (double) (m - 1) : 0.0;
      double px = outer ? cos (s) : 1.0 - cos (s);
      double py = outer ? sin (s) : 1.0 - sin (s) - 0.5;
      double u = gsl_rng_uniform (r) * TC_MOONS_NOISE;
      x[2 * i] = 3.0 * (px + u) - 1.0;
      x[2 * i + 1] = 3.0 * (py + u) - 1.0;
    }
}

/* The runner's s-curve (file comment).  */
static void
tc_scurve (gsl_rng *r, size_t n, double *x)
{
  for (size_t i = 0; i < n; i++)
    {
      double t = 3.0 * M_PI * (gsl_rng_uniform (r) - 0.5);
      gsl_rng_uniform (r); /* the dropped second coordinate, 2 V */
      double e0 = gsl_ran_gaussian (r, TC_SCURVE_NOISE);
      gsl_ran_gaussian (r, TC_SCURVE_NOISE);
      double e2 = gsl_ran_gaussian (r, TC_SCURVE_NOISE);
      double z = (t > 0.0 ? 1.0 : t < 0.0 ? -1.0 : 0.0) * (cos (t) - 1.0);
      x[2 * i] = TC_SCURVE_SCALE * (sin (t) + e0);
      x[2 * i + 1] = TC_SCURVE_SCALE * (z + e2);
    }
}

int
tc_law_sample (const tc_law *law, unsigned long seed, unsigned long stream,
               size_t n, double *x)
{
  if (law->kind == TC_LAW_MIXTURE)
    return fc_path_field_sample_data (law->gmm,
                                      fc_rng_stream_seed (seed, stream), n, x);
  gsl_rng *r = fc_rng_alloc (seed, stream);
  if (r == NULL)
    GSL_ERROR ("no memory", GSL_ENOMEM);
  if (law->kind == TC_LAW_MOONS)
    tc_moons (r, n, x);
  else
    tc_scurve (r, n, x);
  gsl_rng_free (r);
  return GSL_SUCCESS;
}

fc_gmm *
tc_law_mixture (const tc_law *law, unsigned long seed, unsigned long stream,
                size_t n_points)
{
  if (law->kind == TC_LAW_MIXTURE)
    return fc_gmm_clone (law->gmm);
  double *pts = malloc (2 * n_points * sizeof (double));
  if (pts == NULL)
    GSL_ERROR_NULL ("no memory", GSL_ENOMEM);
  fc_gmm *g = NULL;
  if (tc_law_sample (law, seed, stream, n_points, pts) == GSL_SUCCESS)
    g = fc_gmm_point_masses (2, n_points, pts, NULL);
  free (pts);
  return g;
}
