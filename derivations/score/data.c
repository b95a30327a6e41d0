/* derivations/score/data.c -- what every check of module `score` uses: the
 * size plan, the study times, the data sets, the exact law of the reversed
 * path and the sample comparison (score_internal.h).  */
#include <config.h>

#include <math.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>

#include "fc_path_field.h"
#include "score_internal.h"

/* Full sizes for `flowcheck run`, quick ones for the tests and valgrind.
   The two-sample tests use at most n_two points of each side; the figure
   sample is separate from the S3 sample and ten times as large (full).  */
const sc_sizes sc_sizes_plan[FC_SIZE_COUNT] = {
  [FC_SIZE_FULL] = { .n_points = 400, .pw_n_times = 24, .pw_n_points = 256,
                     .n_two = 500, .sde_n = 4000, .flow_n = 2000,
                     .fig_bins = 60, .s7_n = 1000, .s7_steps = 600,
                     .s7_grid_n = 1000 },
  [FC_SIZE_QUICK] = { .n_points = 64, .pw_n_times = 6, .pw_n_points = 48,
                      .n_two = 200, .sde_n = 500, .flow_n = 300,
                      .fig_bins = 25, .s7_n = 400, .s7_steps = 300,
                      .s7_grid_n = 300 },
};

const double sc_times[SC_NT] = { 0.25, 0.5, 0.75 };

fc_gmm *
sc_mixture_1d (void)
{
  static const double w[3] = { 0.5, 0.3, 0.2 };
  static const double mu[3] = { -1.5, 0.6, 2.2 };
  static const double var[3] = { 0.09, 0.25, 0.04 };
  fc_gmm *g = fc_gmm_alloc (1, 3);
  int status = g != NULL ? GSL_SUCCESS : GSL_ENOMEM;
  for (size_t k = 0; k < 3 && status == GSL_SUCCESS; k++)
    status = fc_gmm_set_component (g, k, w[k], &mu[k], &var[k]);
  if (status == GSL_SUCCESS)
    status = fc_gmm_prepare (g);
  if (status == GSL_SUCCESS)
    return g;
  fc_gmm_free (g);
  GSL_ERROR_NULL ("cannot build the 1-D mixture", GSL_EFAILED);
}

fc_gmm *
sc_mixture_random (const fc_run_options *opt)
{
  const fc_gmm_random_params p = { 0.5, 1.5, 1.5, 0.05, 0.05 * SC_RANDOM_COND };
  return fc_gmm_random (SC_DIM_MAX, 4, &p, fc_module_seed (opt, SC_TAG_DATA), 0);
}

/* N §Going through the diffusion ODE: x_r = (1-r) x0 + r x1, x1 ~ N(0, I). */
fc_gmm *
sc_marginal (const fc_gmm *g, double r)
{
  double a[SC_DIM_MAX * SC_DIM_MAX] = { 0 };
  if (g->dim > SC_DIM_MAX)
    GSL_ERROR_NULL ("dimension above SC_DIM_MAX", GSL_EBADLEN);
  for (size_t i = 0; i < g->dim; i++)
    a[i * g->dim + i] = 1.0 - r;
  return fc_gmm_affine (g, g->dim, a, NULL, r * r);
}

int
sc_points_reversed (double r, unsigned long seed, size_t n, double *x,
                    void *params)
{
  return fc_path_field_points (1.0 - r, seed, n, x, params);
}

int
sc_study_init (fc_order_study *st, const char *name, size_t dim, int reversed,
               fc_schedule s)
{
  double t[SC_NT];
  for (size_t j = 0; j < SC_NT; j++)
    t[j] = reversed ? 1.0 - sc_times[j] : sc_times[j];
  int status = fc_order_study_init (st, name, dim, SC_NT, sc_times, SC_NH,
                                    SC_H_MAX, SC_ORDER_FLOOR);
  if (status == GSL_SUCCESS)
    status = fc_path_field_scale (reversed ? FC_SCHEDULE_LINEAR : s, SC_NT, t,
                                  &st->scale);
  return status;
}

int
sc_compare (const fc_run_options *opt, const fc_gmm *g, size_t n,
            const double *x, int with_w2, unsigned long seed,
            fc_compare_result *c)
{
  const sc_sizes *sz = FC_SIZES (sc_sizes_plan, opt);
  const fc_compare_plan plan = { SC_NPROJ, with_w2 ? SC_W2_NREP : 0, SC_W2_Z,
                                 GSL_MIN (n, sz->n_two), SC_NPERM };
  return fc_compare_sample (g, n, x, &plan, seed, c);
}

fc_gmm *
sc_marginal_canonical (const fc_gmm *g, fc_schedule s, double t)
{
  double a[SC_DIM_MAX * SC_DIM_MAX] = { 0 };
  fc_schedule_value sv;
  if (g->dim > SC_DIM_MAX)
    GSL_ERROR_NULL ("dimension above SC_DIM_MAX", GSL_EBADLEN);
  if (fc_schedule_eval (s, t, &sv) != GSL_SUCCESS)
    return NULL;
  for (size_t i = 0; i < g->dim; i++)
    a[i * g->dim + i] = sv.alpha;
  return fc_gmm_affine (g, g->dim, a, NULL, sv.sigma2);
}

int
sc_bias_z (const fc_gmm *p, size_t n, double factor, const double *mh,
           const double *vh, const double *mo, const double *vo,
           double *bias_z)
{
  size_t d = p->dim;
  double mean[SC_DIM_MAX], cov[SC_DIM_MAX * SC_DIM_MAX], m4[SC_DIM_MAX];
  int status = fc_gmm_moments (p, mean, cov);
  if (status == GSL_SUCCESS)
    status = fc_gmm_fourth_moments (p, mean, m4);
  for (size_t i = 0; status == GSL_SUCCESS && i < d; i++)
    {
      double vi = cov[i * d + i];
      double se_m = sqrt (vi / (double) n);
      double se_v = sqrt ((m4[i] - vi * vi * (n - 3.0) / (n - 1.0)) / (double) n);
      double bm = factor * fabs (mh[i] - mo[i]);
      double bv = factor * fabs (vh[i] - vo[i]);
      *bias_z = GSL_MAX (*bias_z, GSL_MAX (bm / se_m, bv / se_v));
    }
  return status;
}
