/* src/fc_datasets.c -- the built-in data sets: fixed 2-D Gaussian mixtures
 * standing for the toy distributions of the flow-matching literature.
 *
 * All have equal weights.  The exact specs (the README quotes them):
 *
 *   8gaussians    8 components; mean_j = 2 sqrt(2) (cos a_j, sin a_j),
 *                 a_j = 2 pi j / 8, j = 0..7; covariance 0.125 I.  This is
 *                 the usual benchmark (centres at radius 4, std 0.5) scaled
 *                 by 1/sqrt(2).
 *
 *   moons         16 components, 8 along each of two half-moon arcs,
 *                 at th_j = pi (j + 1/2) / 8, j = 0..7 (the midpoints of
 *                 eight equal sub-arcs of [0, pi]):
 *                   upper arc  p = (cos th, sin th),
 *                   lower arc  p = (1 - cos th, 1/2 - sin th);
 *                 mean 2 (p - (1/2, 1/4)) (shifted and scaled so the data
 *                 is centred with unit-ish spread), covariance
 *                 s_t^2 t t^T + s_n^2 n n^T with t = (-sin th, cos th) the
 *                 arc tangent, n = (cos th, sin th) the normal,
 *                 s_t = pi / 10 (the scaled arc spacing 2 pi / 8 over
 *                 2.5: wide enough that the density along an arc has no
 *                 visible ripple, narrow enough that the tips of the two
 *                 moons stay apart) and s_n = 0.16 (normal std 0.08 before
 *                 scaling).
 *
 *   checkerboard  32 components: the 8 squares (i, j), i, j = 0..3,
 *                 i + j even, of the 4 x 4 board of unit squares on
 *                 [-2, 2]^2 (square (i, j) is [-2 + i, -1 + i] x
 *                 [-2 + j, -1 + j]), each represented by 4 components at
 *                 its quarter-square centres (-2 + i + a, -2 + j + b),
 *                 a, b in {1/4, 3/4}, with covariance I / 48: 1/48 is the
 *                 variance per coordinate of the uniform law on a quarter
 *                 square of side 1/2 (side^2 / 12).
 *
 *   grid25        25 components on {-4, -2, 0, 2, 4}^2, covariance 0.04 I
 *                 (std 0.2).
 *
 *   tcfm-8gaussians  torchcfm's 8 Gaussians (torchcfm/utils.py,
 *                 sample_8gaussians = eight_normal_sample (n, 2, scale = 5,
 *                 var = 0.1)): 8 components, mean_j = 5 (cos a_j, sin a_j),
 *                 a_j = 2 pi j / 8 (the same eight centres, listed there in
 *                 another order), covariance sqrt(0.1) I: the code passes
 *                 math.sqrt(var) * I as the covariance_matrix of its
 *                 MultivariateNormal, so the variance per coordinate is
 *                 sqrt(0.1) = 0.316 (std 0.562), not 0.1.  It differs from
 *                 8gaussians above (radius 2 sqrt(2), covariance 0.125 I),
 *                 hence a distinct name (issue 13, experiments/train-cfm).  */
#include <config.h>

#include <math.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>

#include "fc_gmm.h"
#include "fc_spec.h"

/* Component K of G: weight 1, mean (X, Y), covariance C (2, 2).  */
static int
fc_datasets_put (fc_gmm *g, size_t k, double x, double y, const double *c)
{
  double mu[2] = { x, y };
  return fc_gmm_set_component (g, k, 1.0, mu, c);
}

static fc_gmm *
fc_datasets_8gaussians (void)
{
  fc_gmm *g = fc_gmm_alloc (2, 8);
  const double c[4] = { 0.125, 0.0, 0.0, 0.125 }, r = 2.0 * M_SQRT2;
  int status = g ? GSL_SUCCESS : GSL_ENOMEM;
  for (size_t j = 0; j < 8 && status == GSL_SUCCESS; j++)
    {
      double a = 2.0 * M_PI * (double) j / 8.0;
      status = fc_datasets_put (g, j, r * cos (a), r * sin (a), c);
    }
  return fc_gmm_finish (g, status);
}

/* Component on a moon arc at angle TH: P the arc point before the shift
   and scaling.  */
static int
fc_datasets_moon_piece (fc_gmm *g, size_t k, double th, double px, double py)
{
  const double st = M_PI / 10.0, sn = 0.16;
  double t[2] = { -sin (th), cos (th) }, n[2] = { cos (th), sin (th) };
  double c[4];
  for (size_t i = 0; i < 2; i++)
    for (size_t j = 0; j < 2; j++)
      c[2 * i + j] = st * st * t[i] * t[j] + sn * sn * n[i] * n[j];
  return fc_datasets_put (g, k, 2.0 * (px - 0.5), 2.0 * (py - 0.25), c);
}

static fc_gmm *
fc_datasets_moons (void)
{
  fc_gmm *g = fc_gmm_alloc (2, 16);
  int status = g ? GSL_SUCCESS : GSL_ENOMEM;
  for (size_t j = 0; j < 8 && status == GSL_SUCCESS; j++)
    {
      double th = M_PI * ((double) j + 0.5) / 8.0;
      status = fc_datasets_moon_piece (g, j, th, cos (th), sin (th));
      if (status == GSL_SUCCESS)
        status = fc_datasets_moon_piece (g, 8 + j, th, 1.0 - cos (th),
                                         0.5 - sin (th));
    }
  return fc_gmm_finish (g, status);
}

static fc_gmm *
fc_datasets_checkerboard (void)
{
  fc_gmm *g = fc_gmm_alloc (2, 32);
  const double v = 1.0 / 48.0, c[4] = { v, 0.0, 0.0, v };
  const double q[2] = { 0.25, 0.75 };
  int status = g ? GSL_SUCCESS : GSL_ENOMEM;
  size_t k = 0;
  for (size_t i = 0; i < 4; i++)
    for (size_t j = 0; j < 4; j++)
      {
        if ((i + j) % 2 != 0)
          continue;
        for (size_t a = 0; a < 2 && status == GSL_SUCCESS; a++)
          for (size_t b = 0; b < 2 && status == GSL_SUCCESS; b++)
            status = fc_datasets_put (g, k++, -2.0 + (double) i + q[a],
                                      -2.0 + (double) j + q[b], c);
      }
  return fc_gmm_finish (g, status);
}

static fc_gmm *
fc_datasets_grid25 (void)
{
  fc_gmm *g = fc_gmm_alloc (2, 25);
  const double c[4] = { 0.04, 0.0, 0.0, 0.04 };
  int status = g ? GSL_SUCCESS : GSL_ENOMEM;
  for (size_t i = 0; i < 5 && status == GSL_SUCCESS; i++)
    for (size_t j = 0; j < 5 && status == GSL_SUCCESS; j++)
      status = fc_datasets_put (g, 5 * i + j, -4.0 + 2.0 * (double) i,
                                -4.0 + 2.0 * (double) j, c);
  return fc_gmm_finish (g, status);
}

/* torchcfm's 8 Gaussians (the file comment).  */
static fc_gmm *
fc_datasets_tcfm_8gaussians (void)
{
  fc_gmm *g = fc_gmm_alloc (2, 8);
  const double v = sqrt (0.1), c[4] = { v, 0.0, 0.0, v }, r = 5.0;
  int status = g ? GSL_SUCCESS : GSL_ENOMEM;
  for (size_t j = 0; j < 8 && status == GSL_SUCCESS; j++)
    {
      double a = 2.0 * M_PI * (double) j / 8.0;
      status = fc_datasets_put (g, j, r * cos (a), r * sin (a), c);
    }
  return fc_gmm_finish (g, status);
}

static const char *const fc_datasets_names[] = {
  "8gaussians", "moons", "checkerboard", "grid25", "tcfm-8gaussians", NULL
};

const char *const *
fc_spec_builtin_names (void)
{
  return fc_datasets_names;
}

fc_gmm *
fc_spec_builtin (const char *name)
{
  if (name == NULL)
    return NULL;
  if (strcmp (name, "8gaussians") == 0)
    return fc_datasets_8gaussians ();
  if (strcmp (name, "moons") == 0)
    return fc_datasets_moons ();
  if (strcmp (name, "checkerboard") == 0)
    return fc_datasets_checkerboard ();
  if (strcmp (name, "grid25") == 0)
    return fc_datasets_grid25 ();
  if (strcmp (name, "tcfm-8gaussians") == 0)
    return fc_datasets_tcfm_8gaussians ();
  return NULL;
}
