/* derivations/continuity/marginal.c -- claim C2: the posterior-weighted
 * marginal field u_t solves the marginal continuity equation (N §marginal
 * vf; L "Justification"), for four kinds of data: a Gaussian mixture
 * (8gaussians), a random full-covariance mixture in three dimensions, the
 * uniform square (as an exact quadrature mixture) and an empirical cloud of
 * point masses.  Each is an order study on the plan of residual.c.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_math.h>

#include "continuity_internal.h"
#include "fc_path.h"
#include "fc_rng.h"

/* The square's quadrature (ct_sizes.square_nodes nodes per axis).  Its p_t
   integrates N(x; alpha y, sigma^2 I) over y in [-1, 1]^2, a kernel of
   width w = sigma/alpha >= 0.25 at the studied times; m nodes are exact to
   degree 2m - 1, and the Chebyshev coefficients of exp(-y^2 / (2 w^2))
   beyond degree 2m fall like (1/(8 w^2))^m / m! (5e-11 for m = 16), so the
   rule is the square to round-off.  Its measured relative error is judged
   against CT_QUAD_TOL, ~ sqrt(eps): round-off of a K-term sum, with
   room.  */
#define CT_QUAD_TOL 1e-8

/* The uniform law on [-1, 1]^2 as the tensor Gauss-Legendre point-mass
   mixture: weights w_i w_j / 4 (density 1/4 on the square).  */
static fc_gmm *
ct_square_quadrature (size_t m)
{
  gsl_integration_glfixed_table *tab = gsl_integration_glfixed_table_alloc (m);
  double *pts = malloc (2 * m * m * sizeof *pts); /* (m^2, 2) */
  double *w = malloc (m * m * sizeof *w);         /* (m^2) */
  fc_gmm *g = NULL;
  if (tab != NULL && pts != NULL && w != NULL)
    {
      for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < m; j++)
          {
            double xi, wi, xj, wj;
            gsl_integration_glfixed_point (-1.0, 1.0, i, &xi, &wi, tab);
            gsl_integration_glfixed_point (-1.0, 1.0, j, &xj, &wj, tab);
            pts[2 * (i * m + j)] = xi;
            pts[2 * (i * m + j) + 1] = xj;
            w[i * m + j] = 0.25 * wi * wj;
          }
      g = fc_gmm_point_masses (2, m * m, pts, w);
    }
  if (tab != NULL)
    gsl_integration_glfixed_table_free (tab);
  free (pts), free (w);
  if (g == NULL)
    GSL_ERROR_NULL ("cannot build the square's quadrature mixture", GSL_ENOMEM);
  return g;
}

/* Closed form of p_t for x1 uniform on [-1, 1]^D:
   prod_j [Phi((x_j + alpha)/sigma) - Phi((x_j - alpha)/sigma)] / (2 alpha),
   each difference taken on the tail where it does not cancel.  */
static double
ct_square_density (size_t dim, const double *x, double alpha, double sigma)
{
  double p = 1.0;
  for (size_t j = 0; j < dim; j++)
    {
      double a = (x[j] + alpha) / sigma, b = (x[j] - alpha) / sigma;
      double d = b > 0.0 ? gsl_cdf_ugaussian_Q (b) - gsl_cdf_ugaussian_Q (a)
                         : gsl_cdf_ugaussian_P (a) - gsl_cdf_ugaussian_P (b);
      p *= d / (2.0 * alpha);
    }
  return p;
}

/* rms(p_quad - p_exact) / rms(p_exact) at the square study's own points
   (same seed, so the same draws) over the studied times.  */
static int
ct_square_quad_error (const fc_gmm *gq, size_t n, unsigned long seed,
                      double *err)
{
  fc_path_field_source src = { FC_SCHEDULE_LINEAR, 2, gq, NULL };
  double *x = malloc (2 * n * sizeof *x), *lp = malloc (n * sizeof *lp);
  double num = 0.0, den = 0.0;
  int status = x != NULL && lp != NULL ? GSL_SUCCESS : GSL_ENOMEM;
  for (size_t j = 0; j < CT_NT && status == GSL_SUCCESS; j++)
    {
      fc_schedule_value sv;
      status = fc_schedule_eval (FC_SCHEDULE_LINEAR, ct_times[j], &sv);
      if (status == GSL_SUCCESS)
        status = fc_path_field_points (ct_times[j], fc_rng_stream_seed (seed, j),
                                       n, x, &src);
      if (status == GSL_SUCCESS)
        status = fc_path_eval (gq, FC_SCHEDULE_LINEAR, ct_times[j], FC_Q_LOGP,
                               n, x, lp);
      for (size_t i = 0; status == GSL_SUCCESS && i < n; i++)
        {
          double pe = ct_square_density (2, x + 2 * i, sv.alpha, sv.sigma);
          num += gsl_pow_2 (exp (lp[i]) - pe);
          den += pe * pe;
        }
    }
  free (x), free (lp);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the quadrature check", GSL_ENOMEM);
  *err = sqrt (num / den);
  return status;
}

/* A random full-covariance mixture in D = 3: 3 components, means
   N(0, 1.5^2 I), covariances with Haar-random orientation and eigenvalues
   in [0.05, 2] (elongated, not diagonal, condition number at most 40).  */
static fc_gmm *
ct_random_gmm3 (unsigned long seed)
{
  const fc_gmm_random_params p = { 1.0, 2.0, 1.5, 0.05, 2.0 };
  return fc_gmm_random (CT_DIM_MAX, 3, &p, seed, 0);
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

/* The control CT_CONTROL_C2_FLATTENED: the true p_t with the posterior
   q(x1|x) replaced by (1 - f) q(x1|x) + f q(x1).  The conditional field is
   affine in x1, so the field is (1 - f) u_t + f ubar_t, ubar_t the
   unweighted average of C3 (ct_unweighted_velocity).  */
typedef struct
{
  fc_path_field_params path;
  double mean[CT_DIM_MAX]; /* the data mean */
  double flatten;          /* f */
} ct_flat_params;

static int
ct_flattened_field (double t, size_t n, const double *x, double *p, double *u,
                    void *params)
{
  ct_flat_params *a = params;
  size_t dim = a->path.g->dim;
  fc_schedule_value sv;
  double ubar[CT_DIM_MAX];
  int status = fc_schedule_eval (a->path.s, t, &sv);
  if (status == GSL_SUCCESS)
    status = fc_path_field_density (t, n, x, p, u, &a->path);
  for (size_t i = 0; status == GSL_SUCCESS && i < n; i++)
    {
      ct_unweighted_velocity (&sv, dim, a->mean, x + i * dim, ubar);
      for (size_t j = 0; j < dim; j++)
        u[i * dim + j] = (1.0 - a->flatten) * u[i * dim + j] + a->flatten * ubar[j];
    }
  return status;
}

/* The order study NAME of data G (linear schedule) at N points per time
   from stream SEED: the marginal field, or the control's flattened one.  */
static int
ct_c2_study (const fc_run_options *opt, const fc_gmm *g, size_t n,
             unsigned long seed, const char *name, fc_order_study *st)
{
  fc_path_field_source src = { FC_SCHEDULE_LINEAR, g->dim, g, NULL };
  ct_flat_params par = { { g, FC_SCHEDULE_LINEAR }, { 0 }, CT_C2_FLATTEN };
  if (fc_control_variant (opt) != CT_CONTROL_C2_FLATTENED)
    return ct_study_run (fc_path_field_density, &par.path, &src, n, seed,
                         name, st);
  double cov[CT_DIM_MAX * CT_DIM_MAX];
  int status = g->dim <= CT_DIM_MAX ? fc_gmm_moments (g, par.mean, cov)
                                    : GSL_EBADLEN;
  if (status == GSL_SUCCESS)
    status = ct_study_run (ct_flattened_field, &par, &src, n, seed, name, st);
  return status;
}

/* The four data laws of C2 (8gaussians, random 3-D mixture, square,
   empirical cloud) and their studies, linear schedule.  */
static int
ct_c2_studies (const fc_run_options *opt, fc_order_study st[CT_C2_N],
               double *quad_err)
{
  static const char *const names[CT_C2_N]
      = { "gmm", "gmm3d", "square", "empirical" };
  const ct_sizes *sz = FC_SIZES (ct_sizes_plan, opt);
  fc_gmm *g[CT_C2_N];
  g[0] = fc_module_builtin ("8gaussians");
  g[1] = ct_random_gmm3 (fc_module_seed (opt, CT_TAG_C2 + 10));
  g[2] = ct_square_quadrature (sz->square_nodes);
  g[3] = ct_empirical_cloud (sz->cloud, fc_module_seed (opt, CT_TAG_C2 + 11));
  int status = GSL_SUCCESS;
  for (size_t i = 0; i < CT_C2_N; i++)
    if (g[i] == NULL)
      status = GSL_EFAILED;
  for (size_t i = 0; i < CT_C2_N && status == GSL_SUCCESS; i++)
    status = ct_c2_study (opt, g[i], sz->n_points,
                          fc_module_seed (opt, CT_TAG_C2 + i), names[i], &st[i]);
  if (status == GSL_SUCCESS)
    status = ct_square_quad_error (g[2], sz->n_points,
                                   fc_module_seed (opt, CT_TAG_C2 + 2), quad_err);
  for (size_t i = 0; i < CT_C2_N; i++)
    fc_gmm_free (g[i]);
  return status;
}

int
ct_check_c2 (const fc_run_options *opt, fc_verdict *v)
{
  fc_order_study st[CT_C2_N];
  double quad_err = NAN;
  int status = ct_c2_studies (opt, st, &quad_err);
  if (status)
    return status;
  fc_verdict_kind k[CT_C2_N + 1];
  ct_record_studies (opt, v, CT_C2_N, st, k);
  ct_store_studies (opt, CT_ORDER_C2, CT_C2_N, st);
  fc_verdict_add (v, "quadrature_rel_error", quad_err, CT_QUAD_TOL);
  /* The square's verdict stands for the square only if the quadrature
     mixture is the square's law at the test points.  */
  k[CT_C2_N] = quad_err <= CT_QUAD_TOL ? FC_VERDICT_CONFIRMED
                                       : FC_VERDICT_APPROXIMATE;
  v->verdict = fc_verdict_combine (CT_C2_N + 1, k);
  fc_verdict_note (v, "fitted orders gmm %.3f, gmm3d %.3f, square %.3f, "
                   "empirical %.3f (predicted 2); square quadrature error %.1e",
                   st[0].order, st[1].order, st[2].order, st[3].order,
                   quad_err);
  return GSL_SUCCESS;
}
