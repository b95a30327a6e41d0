/* derivations/continuity/marginal.c -- claim C2: the posterior-weighted
 * marginal field u_t solves the marginal continuity equation (N §marginal
 * vf; L "Justification"), for four kinds of data: a Gaussian mixture
 * (8gaussians), a random full-covariance mixture in three dimensions, the
 * uniform square (as an exact quadrature mixture) and an empirical cloud of
 * point masses.  Each is an order study on the plan of residual.c.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>

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
      p *= ct_normal_mass (b, a) / (2.0 * alpha);
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
  return fc_gmm_random (3, 3, &p, seed, 0);
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

/* The order study NAME of data G under schedule S at N points per time
   from stream SEED: the marginal field, or the control's flattened one.  */
static int
ct_c2_study (const fc_run_options *opt, const fc_gmm *g, fc_schedule s,
             unsigned long seed, const char *name, fc_order_study *st)
{
  size_t n = FC_SIZES (ct_sizes_plan, opt)->n_points;
  fc_path_field_source src = { s, g->dim, g, NULL };
  ct_flat_params par = { { g, s }, { 0 }, CT_C2_FLATTEN };
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

/* The data of C2: the three breadth sets under every schedule, the random
   3-D mixture and the square under the linear schedule only.  The square's
   quadrature has CT_C2_COARSE_NODES nodes per axis in the control
   CT_CONTROL_C2_COARSE_QUADRATURE.  */
static const ct_data ct_c2_data[CT_C2_NDATA]
    = { CT_DATA_GMM, CT_DATA_EMPIRICAL, CT_DATA_GMM6D };
#define CT_C2_GMM3D CT_C2_NDATA
#define CT_C2_SQUARE (CT_C2_NDATA + 1)

/* The stream tag of study I (CT_C2_NDATA per schedule, then gmm3d and the
   square): the four linear studies of the first version of C2 keep their
   streams (gmm 0, gmm3d 1, square 2, empirical 3).  */
static unsigned long
ct_c2_tag (size_t i)
{
  static const unsigned long linear[CT_C2_NDATA + 2] = { 0, 3, 16 + 2, 1, 2 };
  if (i < CT_C2_NDATA)
    return CT_TAG_C2 + linear[i];
  if (i >= CT_NS * CT_C2_NDATA)
    return CT_TAG_C2 + linear[i - (CT_NS - 1) * CT_C2_NDATA];
  return CT_TAG_C2 + 16 + i;
}

static int
ct_c2_load (const fc_run_options *opt, fc_gmm *g[CT_C2_NDATA + 2])
{
  int coarse = fc_control_variant (opt) == CT_CONTROL_C2_COARSE_QUADRATURE;
  int status = ct_data_load_all (opt, CT_C2_NDATA, ct_c2_data, g);
  g[CT_C2_GMM3D] = ct_random_gmm3 (fc_module_seed (opt, CT_TAG_C2 + 10));
  g[CT_C2_SQUARE] = ct_square_quadrature (
      coarse ? CT_C2_COARSE_NODES : FC_SIZES (ct_sizes_plan, opt)->square_nodes);
  if (g[CT_C2_GMM3D] == NULL || g[CT_C2_SQUARE] == NULL)
    status = GSL_EFAILED;
  return status;
}

/* Every study of C2, in the order of the figure record: the breadth sets
   schedule by schedule, then linear_gmm3d and linear_square.  */
static int
ct_c2_studies (const fc_run_options *opt, fc_order_study st[CT_C2_N],
               double *quad_err)
{
  fc_gmm *g[CT_C2_NDATA + 2];
  int status = ct_c2_load (opt, g);
  for (size_t i = 0; i < CT_C2_N && status == GSL_SUCCESS; i++)
    {
      size_t s = i < CT_NS * CT_C2_NDATA ? i / CT_C2_NDATA : 0;
      size_t d = i < CT_NS * CT_C2_NDATA ? i % CT_C2_NDATA
                                         : i - (CT_NS - 1) * CT_C2_NDATA;
      const char *name = d == CT_C2_GMM3D    ? "linear_gmm3d"
                         : d == CT_C2_SQUARE ? "linear_square"
                                             : ct_case_name (s, ct_c2_data[d]);
      status = ct_c2_study (opt, g[d], ct_schedules[s],
                            fc_module_seed (opt, ct_c2_tag (i)), name, &st[i]);
    }
  if (status == GSL_SUCCESS)
    status = ct_square_quad_error (g[CT_C2_SQUARE],
                                   FC_SIZES (ct_sizes_plan, opt)->n_points,
                                   fc_module_seed (opt, CT_TAG_C2 + 2), quad_err);
  ct_data_free_all (CT_C2_NDATA + 2, g);
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
  ct_record_studies (opt, v, CT_C2_N, st);
  ct_store_studies (opt, CT_ORDER_C2, CT_C2_N, st);
  /* The square's studies stand for the square only if the quadrature
     mixture is the square's law at the test points: a VALID figure (the
     check is shown to test the square).  */
  fc_verdict_decide (v, FC_TEST_VALID, "quadrature_rel_error", quad_err,
                     CT_QUAD_TOL, quad_err <= CT_QUAD_TOL);
  double lo, hi;
  ct_order_range (CT_C2_N, st, &lo, &hi);
  fc_verdict_note (v, "fitted orders %.3f .. %.3f over %d studies (3 schedules "
                   "x gmm, empirical, gmm6d; linear gmm3d, square; predicted "
                   "2); square quadrature error %.1e",
                   lo, hi, CT_C2_N, quad_err);
  return GSL_SUCCESS;
}
