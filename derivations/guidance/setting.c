/* derivations/guidance/setting.c -- the observation setting every claim of
 * module `guidance` shares, its size plan and the points of p_t(x|y).  */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "fc_path_field.h"
#include "fc_rng.h"
#include "guidance_internal.h"

/* Sizes.  Residual and gradient studies: n_points per time (the pooled
   rel(h) of fc_study.h needs a few hundred points to be stable to a few
   per cent).  G3: the inner flow's RK4 error falls like (h/0.35)^4 (0.35
   the prior's narrowest standard deviation) and is measured against twice
   the steps (flow_error); every field evaluation of the coupled sampler
   integrates 5 inner flows per particle, so its blocks are small
   (ode_coupling.c states what each must resolve; G6 has its own plan per
   configuration in posterior_sampling.c).  guided-samples: the density
   grid of the figure.  */
const gd_sizes gd_sizes_plan[FC_SIZE_COUNT] = {
  [FC_SIZE_FULL] = { .n_points = 400, .g3_inner = 8, .g3_steps = 20,
                     .g3_n = 150, .fig_grid = 121 },
  [FC_SIZE_QUICK] = { .n_points = 64, .g3_inner = 4, .g3_steps = 12,
                      .g3_n = 40, .fig_grid = 41 },
};

const double gd_times[GD_NT] = { 0.25, 0.5, 0.8 };
const double gd_g4_times[GD_G4_NT] = { 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5,
                                       0.6,  0.7,  0.8, 0.9, 0.95, 0.98, 1.0 };
const double gd_g4_gammas[GD_G4_NG] = { 0.0, 0.1, 0.5, 1.0, 2.0 };

void
gd_setting_free (gd_setting *set)
{
  fc_gmm_free (set->prior);
  fc_obs_free (set->obs);
  fc_gmm_free (set->post);
  set->prior = set->post = NULL;
  set->obs = NULL;
}

/* A: Gaussian rows from stream (SEED, 0), each scaled to unit length; x*
   from the prior, stream (SEED, 1); e ~ N(0, I_m), stream (SEED, 2);
   y = A x* + sigma_y e.  The streams depend on SEED, m and D only, so one
   SEED gives the same A, x* and e for every sigma_y (G6 varies sigma_y
   alone), and the D = 2, m = 1 draws are those of the fixed setting the
   module had before it took any prior.  */
static int
gd_observe (gd_setting *set, unsigned long seed, size_t m, double sigma_y)
{
  size_t d = set->dim;
  double *xs = gd_alloc (d), *e = gd_alloc (m);
  int status = xs && e ? GSL_SUCCESS : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    status = fc_rng_gaussian_fill (fc_rng_stream_seed (seed, 0), 0, m * d,
                                   set->obs->a);
  if (status == GSL_SUCCESS)
    status = fc_gmm_sample (set->prior, fc_rng_stream_seed (seed, 1), 1, xs);
  if (status == GSL_SUCCESS)
    status = fc_rng_gaussian_fill (fc_rng_stream_seed (seed, 2), 0, m, e);
  for (size_t i = 0; status == GSL_SUCCESS && i < m; i++)
    {
      double *row = set->obs->a + i * d;
      double len = fc_study_norm (d, row), ax = 0.0;
      for (size_t j = 0; j < d; j++)
        row[j] /= len, ax += row[j] * xs[j];
      set->obs->y[i] = ax + sigma_y * e[i];
    }
  set->obs->sigma_y = sigma_y;
  free (xs), free (e);
  return status;
}

int
gd_setting_init_prior (gd_setting *set, fc_gmm *prior, unsigned long seed,
                       size_t m, double sigma_y)
{
  set->prior = prior;
  set->dim = prior != NULL ? prior->dim : 0;
  set->obs = NULL;
  set->post = NULL;
  int status = prior != NULL && set->dim <= GD_DIM_MAX && m >= 1
                       && m <= set->dim
                   ? GSL_SUCCESS
                   : GSL_EFAILED;
  if (status == GSL_SUCCESS)
    {
      set->obs = fc_obs_alloc (m, set->dim);
      status = set->obs != NULL ? GSL_SUCCESS : GSL_ENOMEM;
    }
  if (status == GSL_SUCCESS)
    status = gd_observe (set, seed, m, sigma_y);
  if (status == GSL_SUCCESS)
    {
      set->post = fc_gmm_condition (set->prior, m, set->obs->a, set->obs->y,
                                    sigma_y);
      if (set->post == NULL)
        status = GSL_EFAILED;
    }
  if (status)
    {
      gd_setting_free (set);
      GSL_ERROR ("cannot build the observation setting", status);
    }
  return GSL_SUCCESS;
}

/* gmm3d: 4 components in D = 3, means N(0, 2^2 I), full covariances of
   Haar-random orientation with eigenvalues in [0.1, 1] (standard
   deviations 0.32 .. 1, close to 8gaussians' 0.35, so the step sizes
   planned for 8gaussians resolve it too), weights in [1, 2).  Drawn once
   from the fixed stream (GD_GMM3D_SEED, 0): the same data set at every
   run seed, as a built-in is.  */
#define GD_GMM3D_SEED 0x6D3DUL

fc_gmm *
gd_data_set (const char *name)
{
  if (name != NULL && strcmp (name, "gmm3d") == 0)
    {
      const fc_gmm_random_params p = { 1.0, 2.0, 2.0, 0.1, 1.0 };
      return fc_gmm_random (3, 4, &p, GD_GMM3D_SEED, 0);
    }
  return fc_module_builtin (name);
}

int
gd_setting_init_data (gd_setting *set, const char *data, unsigned long seed,
                      size_t m, double sigma_y)
{
  return gd_setting_init_prior (set, gd_data_set (data), seed, m, sigma_y);
}

int
gd_setting_init (gd_setting *set, unsigned long seed, size_t m,
                 double sigma_y)
{
  return gd_setting_init_data (set, "8gaussians", seed, m, sigma_y);
}

int
gd_on_line_setting (const fc_run_options *opt, gd_setting_fn fn,
                    const void *params, fc_verdict *v)
{
  gd_setting set;
  int status = gd_setting_init (&set, fc_module_seed (opt, GD_TAG_SETTING), 1,
                                GD_SIGMA_Y);
  if (status)
    return status;
  status = fn (opt, &set, params, v);
  gd_setting_free (&set);
  return status;
}

const gd_data_case gd_data_cases[GD_NDATA] = {
  { "8gaussians", "8g", 1 },
  { "gmm3d", "g3d", 2 },
};

void
gd_case_name (char *buf, size_t size, const char *prefix, const gd_case *c)
{
  if (c->one_schedule)
    snprintf (buf, size, "%s_%s", prefix, gd_data_cases[c->data].tag);
  else
    snprintf (buf, size, "%s_%s_%s", prefix, gd_data_cases[c->data].tag,
              fc_schedule_name (c->s));
}

unsigned long
gd_case_seed (const fc_run_options *opt, unsigned long tag, const gd_case *c)
{
  return fc_module_seed (opt, tag + 0x10UL * (unsigned long) c->s
                                  + 0x100UL * c->data);
}

int
gd_case_is_reference (const gd_case *c)
{
  return c->data == 0 && c->s == FC_SCHEDULE_LINEAR;
}

int
gd_on_cases (const fc_run_options *opt, size_t ns, gd_case_fn fn,
             const void *params, fc_verdict *v)
{
  int status = GSL_SUCCESS;
  for (size_t d = 0; d < GD_NDATA && status == GSL_SUCCESS; d++)
    {
      gd_setting set;
      status = gd_setting_init_data (&set, gd_data_cases[d].data,
                                     fc_module_seed (opt, GD_TAG_SETTING),
                                     gd_data_cases[d].m, GD_SIGMA_Y);
      if (status)
        break;
      for (size_t s = 0; s < ns && status == GSL_SUCCESS; s++)
        {
          gd_case c = { &set, d, (fc_schedule) s, ns == 1 };
          status = fn (opt, &c, params, v);
        }
      gd_setting_free (&set);
    }
  return status;
}

fc_gmm *
gd_gaussian_prior_of (const fc_gmm *prior)
{
  size_t d = prior->dim;
  fc_gmm *g = fc_gmm_alloc (d, 1);
  double *mean = gd_alloc (d), *cov = gd_alloc (d * d);
  int status = g && mean && cov ? fc_gmm_moments (prior, mean, cov)
                                : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    status = fc_gmm_set_component (g, 0, 1.0, mean, cov);
  if (status == GSL_SUCCESS)
    status = fc_gmm_prepare (g);
  free (mean), free (cov);
  if (status == GSL_SUCCESS)
    return g;
  fc_gmm_free (g);
  GSL_ERROR_NULL ("cannot build the single-Gaussian prior", status);
}

fc_gmm *
gd_gaussian_prior (void)
{
  fc_gmm *g8 = fc_module_builtin ("8gaussians");
  fc_gmm *g = g8 != NULL ? gd_gaussian_prior_of (g8) : NULL;
  fc_gmm_free (g8);
  return g;
}

double *
gd_alloc (size_t n)
{
  return malloc ((n > 0 ? n : 1) * sizeof (double));
}

int
gd_post_points (const gd_setting *set, fc_schedule s, double t,
                unsigned long seed, size_t n, double *x)
{
  fc_path_field_source src = { s, set->dim, set->post, NULL };
  return fc_path_field_points (t, seed, n, x, &src);
}
