/* derivations/continuity.c -- marginal vs conditional continuity equations.
 *
 * Claims C1-C6 of DERIVATIONS.md (module `continuity`; N "marginal vf
 * induced by conditional vf", N "Ordinary differential equation",
 * L "Justification", L "Flow matching: algorithms").
 *
 * C1-C3 are order studies (fc_study.h): the continuity residual of
 * fc_fd.h at points drawn from p_t, at the times ct_times, over a
 * geometric sequence of steps h:
 *
 *   rel(h) = rms_i R_h(x_i) / rms_i dpdt_h(x_i)     (pooled over the times)
 *
 * A field that solves the equation has rel(h) = c2 h^2 + c4 h^4 + ...
 * (central differences), so the fitted log-log slope is 2 up to O(h_max^2);
 * a field that does not has rel(h) -> const != 0, slope 0.  C4 is a paired
 * Monte Carlo comparison plus a least-squares regressor, C5 integrates the
 * flow, C6 measures the growth of sup |u_t| as t -> 1.  Every decision rule
 * and tolerance is stated next to the constant it uses.  */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_machine.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_statistics_double.h>

#include "fc_fd.h"
#include "fc_gmm.h"
#include "fc_io.h"
#include "fc_module.h"
#include "fc_ode.h"
#include "fc_path.h"
#include "fc_path_field.h"
#include "fc_rng.h"
#include "fc_schedule.h"
#include "fc_spec.h"
#include "fc_stats.h"
#include "fc_study.h"

/* ------------------------------------------------------------ study plan */

#define CT_DIM 2     /* the planar claims (C1, C3-C6) */
#define CT_DIM_MAX 3 /* the random full-covariance mixture of C2 */

/* Times of the residual studies: early, middle and late on the path, all
   with t +- h_max inside (0, 1).  */
#define CT_NT 3
static const double ct_times[CT_NT] = { 0.25, 0.5, 0.8 };

/* Steps h_k = CT_H_MAX 2^-k, k < CT_NH: 0.04 .. 0.0025.  The smallest keeps
   the round-off of a central difference, ~ eps |p| / h ~ 1e-13 |p|, eight
   orders below the truncation error c2 h^2 it is meant to expose.  */
#define CT_NH 5
#define CT_H_MAX 0.04

/* Points drawn from p_t per time (full / quick). */
#define CT_NPTS_FULL 400
#define CT_NPTS_QUICK 64

/* Order band floor.  The fitted slope of c2 h^2 + c4 h^4 differs from 2 by
   about (c4/c2) h_max^2 ~ (h_max / ell)^2, ell the shortest length or time
   scale of p_t (fc_path_field_scale: min(sigma_t, 1/(|alpha'/alpha| +
   |sigma'/sigma|))).  Over the studies' times and schedules the smallest is
   ell = 0.133 (vp, t = 0.25), so the deviation is at most
   (0.04/0.133)^2 = 0.09, which the floor 0.1 covers; the measured
   deviations of the confirmed studies are below 0.007.  (The generic
   default of fc_study.h, 2.5 (h_max/ell)^2, adds a safety factor 2.5 that
   these studies do not need.)  fc_order_study_verdict adds the spread of
   the local orders and states the rest of the decision rule.  */
#define CT_ORDER_FLOOR 0.1

/* The z band of the Monte Carlo figures (5 sigma, as tests/fc_check.h's
   Z_MAX; a false alarm has probability ~6e-7 per figure with the fixed
   seed), and the catalog's 4 standard errors for C4's paired comparison.  */
#define CT_Z_MAX 5.0
#define CT_C4_Z 4.0

/* Sub-streams of opt->seed, one per study, so studies never share draws. */
enum
{
  CT_TAG_C1 = 0xC1000,
  CT_TAG_C2 = 0xC2000,
  CT_TAG_C3 = 0xC3000,
  CT_TAG_C4 = 0xC4000,
  CT_TAG_C5 = 0xC5000,
  CT_TAG_FIG = 0xCF000
};

/* Progress lines begin with the module's name. */
#define CT_PROGRESS(opt, ...) fc_module_progress ((opt), "continuity: " __VA_ARGS__)

static fc_gmm *
ct_builtin (const char *name)
{
  fc_gmm *g = fc_spec_builtin (name);
  if (g == NULL)
    GSL_ERROR_NULL ("built-in data set missing", GSL_EFAILED);
  return g;
}

/* ------------------------------------------------ density-field callbacks */

/* C1: the conditional path written from the claim itself (L "Probability
   flow in a simple setting"; N "marginal vf"), not from fc_path:
     p_t(x|x1) = N(x; alpha x1, sigma^2 I),
     u_t(x|x1) = alpha' x1 + sigma' (x - alpha x1) / sigma,
   and for the linear schedule the lecture's exercise verbatim:
     N(x; t x1, (1-t)^2 I) with v = (x1 - x) / (1 - t).  */
typedef struct
{
  fc_schedule s;
  size_t dim;
  const double *x1;
} ct_cond_params;

static int
ct_cond_field (double t, size_t n, const double *x, double *p, double *u,
               void *params)
{
  const ct_cond_params *c = params;
  fc_schedule_value sv;
  int status = fc_schedule_eval (c->s, t, &sv);
  if (status)
    return status;
  int lecture = c->s == FC_SCHEDULE_LINEAR;
  double a = lecture ? t : sv.alpha;
  double sd = lecture ? 1.0 - t : sv.sigma;
  if (!(sd > 0.0))
    GSL_ERROR ("conditional path is a point mass at this t", GSL_EDOM);
  double lognorm = -0.5 * (double) c->dim * log (2.0 * M_PI * sd * sd);
  for (size_t i = 0; i < n; i++)
    {
      const double *xi = x + i * c->dim;
      double d2 = 0.0;
      for (size_t j = 0; j < c->dim; j++)
        {
          double d = xi[j] - a * c->x1[j];
          d2 += d * d;
          u[i * c->dim + j] = lecture ? (c->x1[j] - xi[j]) / (1.0 - t)
                                      : sv.dalpha * c->x1[j] + sv.dsigma * d / sd;
        }
      p[i] = exp (lognorm - 0.5 * d2 / (sd * sd));
    }
  return GSL_SUCCESS;
}

/* C2 uses the marginal path itself, fc_path_field_density (fc_path_field.h). */

/* C3: the true p_t with the unweighted average of the conditional fields,
     int u_t(x|x1) q(x1) dx1 = alpha' m + sigma' (x - alpha m) / sigma,
   m the data mean (the field is affine in x1).  */
typedef struct
{
  const fc_gmm *g;
  fc_schedule s;
  double mean[CT_DIM_MAX];
} ct_avg_params;

static int
ct_average_field (double t, size_t n, const double *x, double *p, double *u,
                  void *params)
{
  const ct_avg_params *a = params;
  size_t dim = a->g->dim;
  fc_schedule_value sv;
  int status = fc_schedule_eval (a->s, t, &sv);
  if (status == GSL_SUCCESS)
    status = fc_path_eval (a->g, a->s, t, FC_Q_LOGP, n, x, p);
  if (status)
    return status;
  for (size_t i = 0; i < n; i++)
    {
      p[i] = exp (p[i]);
      for (size_t j = 0; j < dim; j++)
        u[i * dim + j] = sv.dalpha * a->mean[j]
                         + sv.dsigma * (x[i * dim + j] - sv.alpha * a->mean[j])
                               / sv.sigma;
    }
  return GSL_SUCCESS;
}

/* ------------------------------------------------------- residual studies */

/* The order study NAME of the pair F at N points per time drawn from SRC
   (fc_path_field_points), on the module's plan: times ct_times, steps
   CT_H_MAX 2^-k, k < CT_NH, scale of p_t from SRC's schedule.  */
static int
ct_study_run (fc_density_field_fn f, void *params, fc_path_field_source *src,
              size_t n, unsigned long seed, const char *name,
              fc_order_study *st)
{
  int status = fc_order_study_init (st, name, src->dim, CT_NT, ct_times, CT_NH,
                                    CT_H_MAX, CT_ORDER_FLOOR);
  if (status == GSL_SUCCESS)
    status = fc_path_field_scale (src->s, CT_NT, ct_times, &st->scale);
  if (status == GSL_SUCCESS)
    status = fc_order_study_run (st, f, params, fc_path_field_points, src, n,
                                 seed);
  return status;
}

static void
ct_study_record (fc_verdict *v, const fc_order_study *st,
                 const fc_run_options *opt, const char *claim)
{
  char line[256];
  fc_order_study_record (v, st);
  fc_order_study_describe (st, line, sizeof line);
  CT_PROGRESS (opt, "%s %s", claim, line);
}


/* ------------------------------------------------------------------ C1 */

#define CT_C1_N 3

static int
ct_c1_studies (const fc_run_options *opt, fc_order_study st[CT_C1_N])
{
  static const fc_schedule sched[CT_C1_N]
      = { FC_SCHEDULE_LINEAR, FC_SCHEDULE_COSINE, FC_SCHEDULE_VP };
  static const double x1[CT_DIM] = { 1.381966, -0.618034 };
  size_t n = opt->quick ? CT_NPTS_QUICK : CT_NPTS_FULL;
  int status = GSL_SUCCESS;
  for (size_t i = 0; i < CT_C1_N && status == GSL_SUCCESS; i++)
    {
      ct_cond_params par = { sched[i], CT_DIM, x1 };
      fc_path_field_source src = { sched[i], CT_DIM, NULL, x1 };
      status = ct_study_run (ct_cond_field, &par, &src, n,
                             fc_module_seed (opt, CT_TAG_C1 + i),
                             fc_schedule_name (sched[i]), &st[i]);
    }
  return status;
}

static int
ct_check_c1 (const fc_run_options *opt, fc_verdict *v)
{
  fc_order_study st[CT_C1_N];
  int status = ct_c1_studies (opt, st);
  if (status)
    return status;
  fc_verdict_kind k[CT_C1_N];
  for (size_t i = 0; i < CT_C1_N; i++)
    {
      ct_study_record (v, &st[i], opt, "C1");
      k[i] = st[i].kind;
    }
  v->verdict = fc_verdict_combine (CT_C1_N, k);
  fc_verdict_note (v, "fitted orders linear %.3f, cosine %.3f, vp %.3f "
                   "(2 within bands %.2f/%.2f/%.2f); rel(h=%.4g) <= %.2g",
                   st[0].order, st[1].order, st[2].order, st[0].band,
                   st[1].band, st[2].band, st[0].h[CT_NH - 1],
                   GSL_MAX (st[0].rel[CT_NH - 1],
                            GSL_MAX (st[1].rel[CT_NH - 1], st[2].rel[CT_NH - 1])));
  return GSL_SUCCESS;
}

/* ------------------------------------------------------------------ C2 */

#define CT_C2_N 4
/* Gauss-Legendre nodes per axis for the uniform square (full / quick).
   Its p_t integrates N(x; alpha y, sigma^2 I) over y in [-1, 1]^2, a
   kernel of width w = sigma/alpha >= 0.25 at the studied times; m nodes
   are exact to degree 2m - 1, and the Chebyshev coefficients of
   exp(-y^2 / (2 w^2)) beyond degree 2m fall like (1/(8 w^2))^m / m!
   (5e-11 for m = 16), so the rule is the square to round-off.  */
#define CT_SQUARE_M_FULL 32
#define CT_SQUARE_M_QUICK 16
#define CT_QUAD_TOL 1e-8 /* ~ sqrt(eps): round-off of a K-term sum, with room */
/* Size of the empirical cloud (full / quick). */
#define CT_CLOUD_FULL 400
#define CT_CLOUD_QUICK 64

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
  fc_gmm *src = ct_builtin ("moons");
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

/* The four data laws of C2 (8gaussians, random 3-D mixture, square,
   empirical cloud) and their studies, linear schedule.  */
static int
ct_c2_studies (const fc_run_options *opt, fc_order_study st[CT_C2_N],
               double *quad_err)
{
  static const char *const names[CT_C2_N]
      = { "gmm", "gmm3d", "square", "empirical" };
  size_t n = opt->quick ? CT_NPTS_QUICK : CT_NPTS_FULL;
  fc_gmm *g[CT_C2_N];
  g[0] = ct_builtin ("8gaussians");
  g[1] = ct_random_gmm3 (fc_module_seed (opt, CT_TAG_C2 + 10));
  g[2] = ct_square_quadrature (opt->quick ? CT_SQUARE_M_QUICK
                                          : CT_SQUARE_M_FULL);
  g[3] = ct_empirical_cloud (opt->quick ? CT_CLOUD_QUICK : CT_CLOUD_FULL,
                             fc_module_seed (opt, CT_TAG_C2 + 11));
  int status = GSL_SUCCESS;
  for (size_t i = 0; i < CT_C2_N; i++)
    if (g[i] == NULL)
      status = GSL_EFAILED;
  for (size_t i = 0; i < CT_C2_N && status == GSL_SUCCESS; i++)
    {
      fc_path_field_params par = { g[i], FC_SCHEDULE_LINEAR };
      fc_path_field_source src = { FC_SCHEDULE_LINEAR, g[i]->dim, g[i], NULL };
      status = ct_study_run (fc_path_field_density, &par, &src, n,
                             fc_module_seed (opt, CT_TAG_C2 + i), names[i],
                             &st[i]);
    }
  if (status == GSL_SUCCESS)
    status = ct_square_quad_error (g[2], n, fc_module_seed (opt, CT_TAG_C2 + 2),
                                   quad_err);
  for (size_t i = 0; i < CT_C2_N; i++)
    fc_gmm_free (g[i]);
  return status;
}

static int
ct_check_c2 (const fc_run_options *opt, fc_verdict *v)
{
  fc_order_study st[CT_C2_N];
  double quad_err;
  int status = ct_c2_studies (opt, st, &quad_err);
  if (status)
    return status;
  fc_verdict_kind k[CT_C2_N + 1];
  for (size_t i = 0; i < CT_C2_N; i++)
    {
      ct_study_record (v, &st[i], opt, "C2");
      k[i] = st[i].kind;
    }
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

/* ------------------------------------------------------------------ C3 */

static int
ct_c3_study (const fc_run_options *opt, fc_order_study *st)
{
  fc_gmm *g = ct_builtin ("8gaussians");
  if (g == NULL)
    return GSL_EFAILED;
  ct_avg_params par = { g, FC_SCHEDULE_LINEAR, { 0 } };
  fc_path_field_source src = { FC_SCHEDULE_LINEAR, g->dim, g, NULL };
  double cov[CT_DIM_MAX * CT_DIM_MAX];
  int status = g->dim <= CT_DIM_MAX ? fc_gmm_moments (g, par.mean, cov)
                                    : GSL_EBADLEN;
  if (status == GSL_SUCCESS)
    status = ct_study_run (ct_average_field, &par, &src,
                           opt->quick ? CT_NPTS_QUICK : CT_NPTS_FULL,
                           fc_module_seed (opt, CT_TAG_C3), "unweighted", st);
  fc_gmm_free (g);
  return status;
}

static int
ct_check_c3 (const fc_run_options *opt, fc_verdict *v)
{
  fc_order_study st;
  int status = ct_c3_study (opt, &st);
  if (status)
    return status;
  ct_study_record (v, &st, opt, "C3");
  v->verdict = st.kind;
  fc_verdict_note (v, "unweighted average: rel(h) %.3g at h = %.4g, %.3g at "
                   "h = %.4g (fitted order %.3f): the residual does not shrink",
                   st.rel[0], st.h[0], st.rel[CT_NH - 1], st.h[CT_NH - 1],
                   st.order);
  return GSL_SUCCESS;
}

/* ------------------------------------------------------------------ C4 */

/* Paired comparison of the two losses (L "Flow matching: algorithms"):
   D_i(v) = ||v(x_t) - (x1 - x0)||^2 - ||v(x_t) - u_t(x_t)||^2, linear
   schedule, so (x1 - x_t)/(1 - t) = x1 - x0.  Stratified times
   t_j = (j + 1/2)/CT_C4_NT stand for t ~ U(0, 1) (midpoint rule); the claim
   holds at every t, so every paired difference has mean 0 if it is true.  */
#define CT_C4_NT 16
#define CT_C4_NPER_FULL 8000
#define CT_C4_NPER_QUICK 500
#define CT_C4_NV 4

/* Regressor at fixed t: sizes, fresh evaluation points, and the rate it
   must beat.  With P = G^2 + 3 features, G = round(2 n^(1/6)), the
   variance term sqrt(P/n) falls like n^(-1/3) while the grid refines and
   the bias falls with it; half that rate, -1/6, is the least accepted.  */
#define CT_C4_TFIT 0.5
#define CT_C4_GRID_C 2.0 /* G = round(2 n^(1/6)) */
#define CT_C4_NFRESH 2000
#define CT_C4_RATE_MAX (-1.0 / 6.0)
static const size_t ct_c4_nfit_full[] = { 500, 2000, 8000, 32000 };
static const size_t ct_c4_nfit_quick[] = { 400, 1600, 6400 };
#define CT_C4_NFIT_MAX 4

/* The fields compared: 0, an affine map, the exact u_t, u_t plus a bump. */
static void
ct_c4_field (size_t which, const double *x, const double *u, double *v)
{
  static const double a[4] = { 0.381966, -0.7, 0.5, -0.2 };
  static const double b[2] = { 0.3, -0.1 }, xc[2] = { 1.0, 0.5 };
  static const double e[2] = { 0.6, 0.8 };
  double bump = 1.5 * exp (-0.5 * (gsl_pow_2 (x[0] - xc[0])
                                   + gsl_pow_2 (x[1] - xc[1])));
  for (size_t j = 0; j < CT_DIM; j++)
    switch (which)
      {
      case 0:
        v[j] = 0.0;
        break;
      case 1:
        v[j] = a[2 * j] * x[0] + a[2 * j + 1] * x[1] + b[j];
        break;
      case 2:
        v[j] = u[j];
        break;
      default:
        v[j] = u[j] + bump * e[j];
        break;
      }
}

/* N draws at time T: XT = t x1 + (1-t) x0, Y = x1 - x0, U = u_t(XT). */
static int
ct_c4_draw (const fc_gmm *g, double t, unsigned long seed, size_t n,
            double *xt, double *y, double *u)
{
  double *x0 = malloc (n * CT_DIM * sizeof *x0); /* (n, 2) */
  if (x0 == NULL)
    GSL_ERROR ("no memory for noise draws", GSL_ENOMEM);
  int status = fc_gmm_sample (g, fc_rng_stream_seed (seed, 1), n, y);
  if (status == GSL_SUCCESS)
    status = fc_rng_gaussian_fill (fc_rng_stream_seed (seed, 2), 0,
                                   n * CT_DIM, x0);
  for (size_t i = 0; status == GSL_SUCCESS && i < n * CT_DIM; i++)
    {
      xt[i] = t * y[i] + (1.0 - t) * x0[i];
      y[i] -= x0[i];
    }
  if (status == GSL_SUCCESS && u != NULL)
    status = fc_path_eval (g, FC_SCHEDULE_LINEAR, t, FC_Q_VELOCITY, n, xt, u);
  free (x0);
  return status;
}

static double
ct_c4_loss_gap (const double *xt, const double *y, const double *u,
                size_t which)
{
  double v[CT_DIM], dy[CT_DIM], du[CT_DIM];
  ct_c4_field (which, xt, u, v);
  for (size_t j = 0; j < CT_DIM; j++)
    {
      dy[j] = v[j] - y[j];
      du[j] = v[j] - u[j];
    }
  return fc_study_sumsq (CT_DIM, dy) - fc_study_sumsq (CT_DIM, du);
}

/* Largest paired z over the pairs of fields, and the mean of D(0). */
static int
ct_c4_pairs (const fc_run_options *opt, const fc_gmm *g, double *max_z,
             double *gap)
{
  size_t nper = opt->quick ? CT_C4_NPER_QUICK : CT_C4_NPER_FULL;
  size_t ntot = nper * CT_C4_NT;
  unsigned long seed = fc_module_seed (opt, CT_TAG_C4);
  double *xt = malloc (nper * CT_DIM * sizeof *xt);  /* (nper, 2) */
  double *y = malloc (nper * CT_DIM * sizeof *y);    /* (nper, 2) */
  double *u = malloc (nper * CT_DIM * sizeof *u);    /* (nper, 2) */
  double *dv = malloc (CT_C4_NV * ntot * sizeof *dv); /* (NV, ntot) */
  double *d = malloc (ntot * sizeof *d);             /* (ntot) */
  int status = xt && y && u && dv && d ? GSL_SUCCESS : GSL_ENOMEM;
  for (size_t j = 0; j < CT_C4_NT && status == GSL_SUCCESS; j++)
    {
      status = ct_c4_draw (g, (j + 0.5) / CT_C4_NT,
                           fc_rng_stream_seed (seed, j), nper, xt, y, u);
      for (size_t i = 0; status == GSL_SUCCESS && i < nper; i++)
        for (size_t w = 0; w < CT_C4_NV; w++)
          dv[w * ntot + j * nper + i]
              = ct_c4_loss_gap (xt + i * CT_DIM, y + i * CT_DIM,
                                u + i * CT_DIM, w);
    }
  *max_z = 0.0;
  for (size_t a = 0; status == GSL_SUCCESS && a < CT_C4_NV; a++)
    for (size_t b = a + 1; b < CT_C4_NV; b++)
      {
        for (size_t i = 0; i < ntot; i++)
          d[i] = dv[a * ntot + i] - dv[b * ntot + i];
        double m = gsl_stats_mean (d, 1, ntot);
        double se = gsl_stats_sd_m (d, 1, ntot, m) / sqrt ((double) ntot);
        *max_z = GSL_MAX (*max_z, fabs (m) / se);
      }
  if (status == GSL_SUCCESS)
    *gap = gsl_stats_mean (dv, 1, ntot);
  free (xt), free (y), free (u), free (dv), free (d);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the paired losses", GSL_ENOMEM);
  return status;
}

/* Regression features: 1, x, y and Gaussian bumps of width = spacing on a
   G x G grid over [-box, box]^2.  */
typedef struct
{
  size_t grid;
  double box;
} ct_basis;

static size_t
ct_basis_size (const ct_basis *b)
{
  return 3 + b->grid * b->grid;
}

static void
ct_basis_eval (const ct_basis *b, const double *x, double *phi)
{
  double step = 2.0 * b->box / (double) (b->grid - 1);
  phi[0] = 1.0;
  phi[1] = x[0];
  phi[2] = x[1];
  for (size_t i = 0; i < b->grid; i++)
    for (size_t j = 0; j < b->grid; j++)
      {
        double dx = x[0] + b->box - i * step, dy = x[1] + b->box - j * step;
        phi[3 + i * b->grid + j] = exp (-0.5 * (dx * dx + dy * dy) / (step * step));
      }
}

/* Least-squares coefficients C (2, P) of Y (n, 2) on the features of XT.
   Bumps far in the tails of p_t see few samples and the design is close to
   rank-deficient there, so the fit is ridge-regularised with the parameter
   chosen by generalised cross-validation (GSL's gcv over CT_C4_NGCV
   candidate values): a data-driven choice, not a tuned constant.  */
#define CT_C4_NGCV 40
static int
ct_c4_solve (const ct_basis *b, size_t n, const double *xt, const double *y,
             double *c)
{
  size_t p = ct_basis_size (b);
  gsl_matrix *x = gsl_matrix_alloc (n, p);
  gsl_vector *yv = gsl_vector_alloc (n);
  gsl_vector *reg = gsl_vector_alloc (CT_C4_NGCV), *gcv = gsl_vector_alloc (CT_C4_NGCV);
  gsl_multifit_linear_workspace *w = gsl_multifit_linear_alloc (n, p);
  int status = x && yv && reg && gcv && w ? GSL_SUCCESS : GSL_ENOMEM;
  for (size_t i = 0; status == GSL_SUCCESS && i < n; i++)
    ct_basis_eval (b, xt + i * CT_DIM, gsl_matrix_ptr (x, i, 0));
  if (status == GSL_SUCCESS)
    status = gsl_multifit_linear_svd (x, w);
  for (size_t j = 0; status == GSL_SUCCESS && j < CT_DIM; j++)
    {
      gsl_vector_view cj = gsl_vector_view_array (c + j * p, p);
      double lambda, g_lambda, rnorm, snorm;
      for (size_t i = 0; i < n; i++)
        gsl_vector_set (yv, i, y[i * CT_DIM + j]);
      status = gsl_multifit_linear_gcv (yv, reg, gcv, &lambda, &g_lambda, w);
      if (status == GSL_SUCCESS)
        status = gsl_multifit_linear_solve (lambda, x, yv, &cj.vector, &rnorm,
                                            &snorm, w);
    }
  gsl_matrix_free (x), gsl_vector_free (yv);
  gsl_vector_free (reg), gsl_vector_free (gcv);
  if (w != NULL)
    gsl_multifit_linear_free (w);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the regression", GSL_ENOMEM);
  return status;
}

/* Relative L2(p_t) error of the fitted field against u_t on FRESH draws. */
static int
ct_c4_fit_error (const fc_gmm *g, size_t n, unsigned long seed, double *err)
{
  fc_schedule_value sv;
  int status = fc_schedule_eval (FC_SCHEDULE_LINEAR, CT_C4_TFIT, &sv);
  ct_basis b = { (size_t) lround (CT_C4_GRID_C * pow ((double) n, 1.0 / 6.0)),
                 fc_path_field_box (g, sv.alpha, sv.sigma2) };
  size_t p = ct_basis_size (&b), m = GSL_MAX (n, CT_C4_NFRESH);
  double *xt = malloc (m * CT_DIM * sizeof *xt), *y = malloc (m * CT_DIM * sizeof *y);
  double *u = malloc (m * CT_DIM * sizeof *u), *c = malloc (CT_DIM * p * sizeof *c);
  double *phi = malloc (p * sizeof *phi), num = 0.0, den = 0.0;
  if (!xt || !y || !u || !c || !phi)
    status = GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    status = ct_c4_draw (g, CT_C4_TFIT, fc_rng_stream_seed (seed, 0), n, xt, y, NULL);
  if (status == GSL_SUCCESS)
    status = ct_c4_solve (&b, n, xt, y, c);
  if (status == GSL_SUCCESS)
    status = ct_c4_draw (g, CT_C4_TFIT, fc_rng_stream_seed (seed, 1),
                         CT_C4_NFRESH, xt, y, u);
  for (size_t i = 0; status == GSL_SUCCESS && i < CT_C4_NFRESH; i++)
    {
      ct_basis_eval (&b, xt + i * CT_DIM, phi);
      for (size_t j = 0; j < CT_DIM; j++)
        {
          double v = 0.0;
          for (size_t k = 0; k < p; k++)
            v += c[j * p + k] * phi[k];
          num += gsl_pow_2 (v - u[i * CT_DIM + j]);
          den += gsl_pow_2 (u[i * CT_DIM + j]);
        }
    }
  free (xt), free (y), free (u), free (c), free (phi);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the regression check", GSL_ENOMEM);
  *err = sqrt (num / den);
  return status;
}

static int
ct_check_c4 (const fc_run_options *opt, fc_verdict *v)
{
  const size_t *sizes = opt->quick ? ct_c4_nfit_quick : ct_c4_nfit_full;
  size_t ns = opt->quick ? 3 : CT_C4_NFIT_MAX;
  double nd[CT_C4_NFIT_MAX], err[CT_C4_NFIT_MAX], max_z, gap, rate, lc, se;
  fc_gmm *g = ct_builtin ("8gaussians");
  int status = g != NULL ? ct_c4_pairs (opt, g, &max_z, &gap) : GSL_EFAILED;
  for (size_t s = 0; status == GSL_SUCCESS && s < ns; s++)
    {
      nd[s] = (double) sizes[s];
      status = ct_c4_fit_error (g, sizes[s],
                                fc_module_seed (opt, CT_TAG_C4 + 100 + s), &err[s]);
      CT_PROGRESS (opt, "C4 regressor n = %zu: L2(p_t) relative error %.4g",
                   sizes[s], err[s]);
    }
  if (status == GSL_SUCCESS)
    status = fc_fd_order_fit (ns, nd, err, &rate, &lc, &se);
  fc_gmm_free (g);
  if (status)
    return status;
  fc_verdict_add (v, "max_z", max_z, CT_C4_Z);
  fc_verdict_add (v, "loss_gap", gap, NAN);
  for (size_t s = 0; s < ns; s++)
    {
      char name[FC_VERDICT_NAME_LEN];
      snprintf (name, sizeof name, "reg_error_n%zu", sizes[s]);
      fc_verdict_add (v, name, err[s], NAN);
    }
  fc_verdict_add (v, "reg_rate", rate, CT_C4_RATE_MAX);
  /* CONFIRMED: no pair of fields tells the losses' difference apart
     (|z| <= 4) and the regressor converges to u_t (rate <= -1/6).  */
  v->verdict = max_z <= CT_C4_Z && rate <= CT_C4_RATE_MAX
                   ? FC_VERDICT_CONFIRMED : FC_VERDICT_REFUTED;
  fc_verdict_note (v, "L_CFM - L_FM = %.4f for all 4 fields (max |z| %.2f); "
                   "regressor error %.3g -> %.3g, rate n^%.3f",
                   gap, max_z, err[0], err[ns - 1], rate);
  return GSL_SUCCESS;
}

/* ------------------------------------------------------------------ C5 */

/* (a) instantaneous change of variables at three ODE tolerances; (b) moments
   and sliced W2 of pushed samples against exact draws of q.  */
#define CT_C5_NA_FULL 500
#define CT_C5_NA_QUICK 100
#define CT_C5_NB_FULL 2000
#define CT_C5_NB_QUICK 400
#define CT_C5_NTOL 3
static const double ct_c5_tol[CT_C5_NTOL] = { 1e-4, 1e-6, 1e-8 };
#define CT_C5_TOL_PUSH 1e-6 /* (b): ODE error far below the sample noise */
/* A controller bounding the local error by tol gives a global error that
   follows tol^1 for a smooth field; half that slope is the least accepted. */
#define CT_C5_SLOPE_MIN 0.5
#define CT_C5_NREP 8   /* pairs of exact samples measuring the W2 noise */
#define CT_C5_NPROJ 64 /* sliced W2 directions */

/* Predicted bound on |log N(x0) + logdet - log q(x(1))| of particle I:
   each of N_STEPS accepted steps commits at most tol (1 + |y|) per state
   component (the standard odeiv2 control, epsabs = epsrel = tol), summed
   without amplification; an error dx in x moves log q by |score| |dx|.  */
static double
ct_c5_bound (size_t n_steps, double tol, const double *x, double logdet,
             const double *score)
{
  double xmax = 0.0;
  for (size_t j = 0; j < CT_DIM; j++)
    xmax = GSL_MAX (xmax, fabs (x[j]));
  return (double) n_steps * tol
         * ((1.0 + fabs (logdet))
            + fc_study_norm (CT_DIM, score) * sqrt ((double) CT_DIM) * (1.0 + xmax));
}

/* Worst log-density error ERR and its bound BOUND after pushing X0 (n, 2)
   at tolerance TOL; X receives the endpoints.  */
static int
ct_c5_push_logq (const fc_gmm *g, size_t n, const double *x0, double tol,
                 double *x, double *work, double *err, double *bound)
{
  double *logdet = work, *logq = work + n, *score = work + 2 * n; /* n, n, (n, 2) */
  fc_path_field_params par = { g, FC_SCHEDULE_LINEAR };
  fc_ode_stats stats;
  memcpy (x, x0, n * CT_DIM * sizeof *x);
  memset (logdet, 0, n * sizeof *logdet);
  int status = fc_ode_adaptive (fc_path_field_velocity, &par, CT_DIM, n, x, logdet, 0.0,
                                1.0, tol, tol, &stats);
  if (status == GSL_SUCCESS)
    status = fc_gmm_log_density (g, n, x, logq);
  if (status == GSL_SUCCESS)
    status = fc_gmm_score (g, n, x, score);
  *err = 0.0;
  *bound = 0.0;
  for (size_t i = 0; status == GSL_SUCCESS && i < n; i++)
    {
      const double *z = x0 + i * CT_DIM;
      double logn = -0.5 * fc_study_sumsq (CT_DIM, z) - 0.5 * CT_DIM * log (2.0 * M_PI);
      *err = GSL_MAX (*err, fabs (logn + logdet[i] - logq[i]));
      *bound = GSL_MAX (*bound, ct_c5_bound (stats.n_steps_max, tol,
                                             x + i * CT_DIM, logdet[i],
                                             score + i * CT_DIM));
    }
  return status;
}

typedef struct
{
  double err[CT_C5_NTOL], bound[CT_C5_NTOL];
  double slope;   /* log err vs log tol */
  double speed1;  /* max |u_1(x(1))|: the field at t = 1 */
  double z_mean, z_var;
  double w_push, w_noise, w_tol;
} ct_c5_result;

static int
ct_c5_change_of_variables (const fc_run_options *opt, const fc_gmm *g,
                           ct_c5_result *res)
{
  size_t n = opt->quick ? CT_C5_NA_QUICK : CT_C5_NA_FULL;
  double *x0 = malloc (n * CT_DIM * sizeof *x0);   /* (n, 2) */
  double *x = malloc (n * CT_DIM * sizeof *x);     /* (n, 2) */
  double *work = malloc (4 * n * sizeof *work);    /* see ct_c5_push_logq */
  double lc, se;
  int status = x0 && x && work ? GSL_SUCCESS : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    status = fc_rng_gaussian_fill (fc_module_seed (opt, CT_TAG_C5), 0, n * CT_DIM, x0);
  for (size_t k = 0; status == GSL_SUCCESS && k < CT_C5_NTOL; k++)
    {
      status = ct_c5_push_logq (g, n, x0, ct_c5_tol[k], x, work,
                                &res->err[k], &res->bound[k]);
      CT_PROGRESS (opt, "C5 tol %.0e: max |log p_1 - log q| %.3g (bound %.3g)",
                   ct_c5_tol[k], res->err[k], res->bound[k]);
    }
  if (status == GSL_SUCCESS)
    status = fc_fd_order_fit (CT_C5_NTOL, ct_c5_tol, res->err, &res->slope,
                              &lc, &se);
  /* The field at t = 1 on the endpoints: finite (u_1(x) = E[x1|x] - E[x0|x]
     with C_k = S_k positive definite).  */
  if (status == GSL_SUCCESS)
    status = fc_path_eval (g, FC_SCHEDULE_LINEAR, 1.0, FC_Q_VELOCITY, n, x, x0);
  res->speed1 = 0.0;
  for (size_t i = 0; status == GSL_SUCCESS && i < n; i++)
    res->speed1 = GSL_MAX (res->speed1, fc_study_norm (CT_DIM, x0 + i * CT_DIM));
  free (x0), free (x), free (work);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the change of variables", GSL_ENOMEM);
  return status;
}

/* Exact E[(x_i - m_i)^4] of the mixture: sum_k w_k (d^4 + 6 d^2 v + 3 v^2)
   with d = mu_ki - m_i, v = S_k,ii.  */
static void
ct_gmm_kurt (const fc_gmm *g, const double *mean, double *kurt)
{
  size_t dim = g->dim;
  for (size_t i = 0; i < dim; i++)
    {
      kurt[i] = 0.0;
      for (size_t k = 0; k < g->n_comp; k++)
        {
          double d = g->mean[k * dim + i] - mean[i];
          double s = g->cov[(k * dim + i) * dim + i];
          kurt[i] += g->weight[k] * (d * d * d * d + 6.0 * d * d * s + 3.0 * s * s);
        }
    }
}

/* Sliced W2 of R pairs of independent exact samples of size N: the noise
   level of the pushed-vs-exact distance, mean and standard deviation.  */
static int
ct_c5_w2_noise (const fc_gmm *g, size_t n, unsigned long seed, double *a,
                double *b, double *mean, double *sd)
{
  double w[CT_C5_NREP];
  int status = GSL_SUCCESS;
  for (size_t r = 0; status == GSL_SUCCESS && r < CT_C5_NREP; r++)
    {
      status = fc_gmm_sample (g, fc_rng_stream_seed (seed, 2 * r + 10), n, a);
      if (status == GSL_SUCCESS)
        status = fc_gmm_sample (g, fc_rng_stream_seed (seed, 2 * r + 11), n, b);
      w[r] = fc_stats_sliced_w2 (CT_DIM, n, a, n, b, CT_C5_NPROJ, seed);
    }
  *mean = gsl_stats_mean (w, 1, CT_C5_NREP);
  *sd = gsl_stats_sd_m (w, 1, CT_C5_NREP, *mean);
  return status;
}

static int
ct_c5_samples (const fc_run_options *opt, const fc_gmm *g, ct_c5_result *res)
{
  size_t n = opt->quick ? CT_C5_NB_QUICK : CT_C5_NB_FULL;
  unsigned long seed = fc_module_seed (opt, CT_TAG_C5 + 1);
  double *x = malloc (n * CT_DIM * sizeof *x);   /* (n, 2) pushed */
  double *a = malloc (n * CT_DIM * sizeof *a);   /* (n, 2) exact */
  double *b = malloc (n * CT_DIM * sizeof *b);   /* (n, 2) exact */
  double mean[CT_DIM], cov[CT_DIM * CT_DIM], kurt[CT_DIM], sd = NAN;
  fc_path_field_params par = { g, FC_SCHEDULE_LINEAR };
  int status = x && a && b ? GSL_SUCCESS : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    status = fc_rng_gaussian_fill (seed, 0, n * CT_DIM, x);
  if (status == GSL_SUCCESS)
    status = fc_ode_adaptive (fc_path_field_velocity, &par, CT_DIM, n, x, NULL, 0.0, 1.0,
                              CT_C5_TOL_PUSH, CT_C5_TOL_PUSH, NULL);
  if (status == GSL_SUCCESS)
    status = fc_gmm_moments (g, mean, cov);
  ct_gmm_kurt (g, mean, kurt);
  if (status == GSL_SUCCESS)
    status = fc_stats_moment_z (n, CT_DIM, x, mean, cov, kurt, &res->z_mean,
                                &res->z_var);
  if (status == GSL_SUCCESS)
    status = fc_gmm_sample (g, fc_rng_stream_seed (seed, 1), n, a);
  if (status == GSL_SUCCESS)
    {
      res->w_push = fc_stats_sliced_w2 (CT_DIM, n, x, n, a, CT_C5_NPROJ, seed);
      status = ct_c5_w2_noise (g, n, seed, a, b, &res->w_noise, &sd);
    }
  /* The pushed-vs-exact distance is one draw of the same statistic as the
     exact-vs-exact ones when the claim holds: within Z_MAX of their spread. */
  res->w_tol = res->w_noise + CT_Z_MAX * sd;
  free (x), free (a), free (b);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the pushed samples", GSL_ENOMEM);
  return status;
}

static int
ct_check_c5 (const fc_run_options *opt, fc_verdict *v)
{
  ct_c5_result r;
  fc_gmm *g = ct_builtin ("8gaussians");
  int status = g != NULL ? ct_c5_change_of_variables (opt, g, &r) : GSL_EFAILED;
  if (status == GSL_SUCCESS)
    status = ct_c5_samples (opt, g, &r);
  fc_gmm_free (g);
  if (status)
    return status;
  static const char *const names[CT_C5_NTOL]
      = { "logq_error_tol1e-4", "logq_error_tol1e-6", "logq_error_tol1e-8" };
  for (size_t k = 0; k < CT_C5_NTOL; k++)
    fc_verdict_add (v, names[k], r.err[k], r.bound[k]);
  fc_verdict_add (v, "logq_error_slope", r.slope, CT_C5_SLOPE_MIN);
  fc_verdict_add (v, "max_speed_t1", r.speed1, NAN);
  fc_verdict_add (v, "z_mean", r.z_mean, CT_Z_MAX);
  fc_verdict_add (v, "z_var", r.z_var, CT_Z_MAX);
  fc_verdict_add (v, "sliced_w2", r.w_push, r.w_tol);
  fc_verdict_add (v, "sliced_w2_noise", r.w_noise, NAN);
  int ok = r.slope >= CT_C5_SLOPE_MIN && r.err[CT_C5_NTOL - 1] <= r.bound[CT_C5_NTOL - 1]
           && isfinite (r.speed1) && r.z_mean <= CT_Z_MAX && r.z_var <= CT_Z_MAX
           && r.w_push <= r.w_tol;
  v->verdict = ok ? FC_VERDICT_CONFIRMED : FC_VERDICT_REFUTED;
  fc_verdict_note (v, "log-density error %.2g -> %.2g (slope %.2f in tol); "
                   "moments |z| <= %.2f; sliced W2 %.4f vs noise %.4f",
                   r.err[0], r.err[CT_C5_NTOL - 1], r.slope,
                   GSL_MAX (r.z_mean, r.z_var), r.w_push, r.w_noise);
  return GSL_SUCCESS;
}

/* ------------------------------------------------------------------ C6 */

/* sup |u_t| over a grid on [-4, 4]^2 at t = 1 - 10^-k, k = 1 .. 5, linear
   schedule.  Bounded data: sup |u_t| -> sup |u_1| < inf, exponent 0.
   Dirac data: u_t(x) = (E[x1|x] - x)/(1 - t), exponent -1.  Band: the
   two predictions are 1 apart; with sup|u| = A (1-t)^e (1 + B (1-t)) the
   fitted slope over 1-t in [1e-5, 0.1] is off by about B/10; 0.15 allows
   B up to 1.5 and still separates the two cases by 0.7.  */
#define CT_C6_NK 5
#define CT_C6_BOX 4.0
#define CT_C6_GRID_FULL 161
#define CT_C6_GRID_QUICK 41
#define CT_C6_BAND 0.15

static int
ct_sup_speed (const fc_gmm *g, double t, size_t grid, double *sup)
{
  size_t n = grid * grid;
  double *x = malloc (n * CT_DIM * sizeof *x), *u = malloc (n * CT_DIM * sizeof *u);
  if (x == NULL || u == NULL)
    {
      free (x), free (u);
      GSL_ERROR ("no memory for the speed grid", GSL_ENOMEM);
    }
  double step = 2.0 * CT_C6_BOX / (double) (grid - 1);
  for (size_t i = 0; i < grid; i++)
    for (size_t j = 0; j < grid; j++)
      {
        x[2 * (i * grid + j)] = -CT_C6_BOX + i * step;
        x[2 * (i * grid + j) + 1] = -CT_C6_BOX + j * step;
      }
  int status = fc_path_eval (g, FC_SCHEDULE_LINEAR, t, FC_Q_VELOCITY, n, x, u);
  *sup = 0.0;
  for (size_t i = 0; status == GSL_SUCCESS && i < n; i++)
    *sup = GSL_MAX (*sup, fc_study_norm (CT_DIM, u + i * CT_DIM));
  free (x), free (u);
  return status;
}

static int
ct_growth_exponent (const fc_gmm *g, size_t grid, double *sup, double *expo)
{
  double gap[CT_C6_NK], lc, se;
  int status = GSL_SUCCESS;
  for (size_t k = 0; k < CT_C6_NK && status == GSL_SUCCESS; k++)
    {
      gap[k] = pow (10.0, -(double) (k + 1));
      status = ct_sup_speed (g, 1.0 - gap[k], grid, &sup[k]);
    }
  if (status == GSL_SUCCESS)
    status = fc_fd_order_fit (CT_C6_NK, gap, sup, expo, &lc, &se);
  return status;
}

static int
ct_check_c6 (const fc_run_options *opt, fc_verdict *v)
{
  size_t grid = opt->quick ? CT_C6_GRID_QUICK : CT_C6_GRID_FULL;
  double sup_s[CT_C6_NK], sup_d[CT_C6_NK], e_s = NAN, e_d = NAN, sup1 = NAN;
  fc_gmm *g = ct_builtin ("8gaussians"), *dirac = NULL;
  if (g != NULL)
    dirac = fc_gmm_point_masses (g->dim, g->n_comp, g->mean, g->weight);
  int status = g && dirac ? GSL_SUCCESS : GSL_EFAILED;
  if (status == GSL_SUCCESS)
    status = ct_growth_exponent (g, grid, sup_s, &e_s);
  if (status == GSL_SUCCESS)
    status = ct_growth_exponent (dirac, grid, sup_d, &e_d);
  if (status == GSL_SUCCESS)
    status = ct_sup_speed (g, 1.0, grid, &sup1);
  fc_gmm_free (g), fc_gmm_free (dirac);
  if (status)
    return status;
  CT_PROGRESS (opt, "C6 sup|u| smooth %.4g .. %.4g (t = 1: %.4g), Dirac %.4g .. %.4g",
               sup_s[0], sup_s[CT_C6_NK - 1], sup1, sup_d[0], sup_d[CT_C6_NK - 1]);
  fc_verdict_add (v, "growth_exponent_smooth", e_s, CT_C6_BAND);
  fc_verdict_add (v, "growth_exponent_dirac", e_d, CT_C6_BAND);
  fc_verdict_add (v, "sup_u_t1_smooth", sup1, NAN);
  fc_verdict_add (v, "sup_u_dirac_1e-5", sup_d[CT_C6_NK - 1], NAN);
  /* CONFIRMED: bounded (exponent 0, finite at t = 1) for smooth data and
     unbounded like 1/(1-t) (exponent -1) for Dirac data.  */
  int ok = fabs (e_s) <= CT_C6_BAND && fabs (e_d + 1.0) <= CT_C6_BAND
           && isfinite (sup1);
  v->verdict = ok ? FC_VERDICT_CONFIRMED : FC_VERDICT_REFUTED;
  fc_verdict_note (v, "sup|u_t| ~ (1-t)^%.3f for 8gaussians (%.3g at t = 1), "
                   "(1-t)^%.3f for its Dirac centres (%.3g at 1-t = 1e-5)",
                   e_s, sup1, e_d, sup_d[CT_C6_NK - 1]);
  return GSL_SUCCESS;
}

/* ----------------------------------------------------------- figure data */

#define CT_FIG_NT 3
static const double ct_fig_times[CT_FIG_NT] = { 0.1, 0.5, 0.9 };
#define CT_FIG_FINE_FULL 121   /* density grid per axis */
#define CT_FIG_FINE_QUICK 41
#define CT_FIG_COARSE_FULL 21  /* arrow grid per axis */
#define CT_FIG_COARSE_QUICK 11
#define CT_FIG_ARROW 0.8       /* arrow length in coarse-grid spacings */
#define CT_FIG_NPATH 60
#define CT_FIG_STEPS 100
#define CT_FIG_NDATA 1000

/* Open OUT_DIR/NAME with the writing command and COLUMNS in its header. */

/* continuity-order.dat: rel(h) of every C1, C2 and C3 study. */
static int
ct_write_order (const fc_run_options *opt)
{
  fc_order_study st[CT_C1_N + CT_C2_N + 1];
  double quad_err;
  int status = ct_c1_studies (opt, st);
  if (status == GSL_SUCCESS)
    status = ct_c2_studies (opt, st + CT_C1_N, &quad_err);
  if (status == GSL_SUCCESS)
    status = ct_c3_study (opt, st + CT_C1_N + CT_C2_N);
  if (status)
    return status;
  fc_datafile *f = fc_module_datafile (opt, "continuity-order.dat",
                                "h rel_C1_linear rel_C1_cosine rel_C1_vp "
                                "rel_C2_gmm rel_C2_gmm3d rel_C2_square "
                                "rel_C2_empirical rel_C3_unweighted");
  if (f == NULL)
    return GSL_EFAILED;
  FILE *out = fc_datafile_stream (f);
  fprintf (out, "# rel(h) = rms R_h / rms dp/dt over points from p_t at "
           "t = 0.25, 0.5, 0.8; fitted orders:");
  for (size_t i = 0; i < CT_C1_N + CT_C2_N + 1; i++)
    fprintf (out, " %.4f", st[i].order);
  fputc ('\n', out);
  for (size_t k = 0; k < CT_NH; k++)
    {
      fprintf (out, "%.17g", st[0].h[k]);
      for (size_t i = 0; i < CT_C1_N + CT_C2_N + 1; i++)
        fprintf (out, " %.17g", st[i].rel[k]);
      fputc ('\n', out);
    }
  return fc_module_commit (f, GSL_SUCCESS);
}

/* Points of an N x N grid over [-box, box]^2 into X (n^2, 2), x outer. */
static void
ct_grid (size_t n, double box, double *x)
{
  double step = 2.0 * box / (double) (n - 1);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++)
      {
        x[2 * (i * n + j)] = -box + i * step;
        x[2 * (i * n + j) + 1] = -box + j * step;
      }
}

/* One index block per time: p_t on the fine grid, a blank line after each
   scan row (gnuplot `with image` / pm3d).  */
static int
ct_write_density (const fc_run_options *opt, const fc_gmm *g, double box)
{
  size_t nf = opt->quick ? CT_FIG_FINE_QUICK : CT_FIG_FINE_FULL;
  double *x = malloc (nf * nf * CT_DIM * sizeof *x), *lp = malloc (nf * nf * sizeof *lp);
  fc_datafile *f = x && lp ? fc_module_datafile (opt, "vector-field-density.dat",
                                          "t x y p") : NULL;
  int status = f != NULL ? GSL_SUCCESS : GSL_EFAILED;
  if (f != NULL)
    fprintf (fc_datafile_stream (f), "# data 8gaussians, linear schedule; "
             "one index block per t (0.1, 0.5, 0.9), box [-%g, %g]^2\n", box, box);
  ct_grid (nf, box, x);
  for (size_t k = 0; status == GSL_SUCCESS && k < CT_FIG_NT; k++)
    {
      FILE *out = fc_datafile_stream (f);
      status = fc_path_eval (g, FC_SCHEDULE_LINEAR, ct_fig_times[k], FC_Q_LOGP,
                             nf * nf, x, lp);
      fprintf (out, "%s# t = %g\n", k > 0 ? "\n\n" : "", ct_fig_times[k]);
      for (size_t i = 0; status == GSL_SUCCESS && i < nf * nf; i++)
        fprintf (out, "%g %.17g %.17g %.17g\n%s", ct_fig_times[k], x[2 * i],
                 x[2 * i + 1], exp (lp[i]), (i + 1) % nf == 0 ? "\n" : "");
    }
  free (x), free (lp);
  if (status == GSL_SUCCESS)
    return fc_module_commit (f, GSL_SUCCESS);
  fc_datafile_abort (f);
  return status;
}

/* One index block per time: u_t on the coarse grid as arrows of fixed
   length CT_FIG_ARROW grid spacings along u_t, and the speed |u_t| (the
   speed spans orders of magnitude between the modes and the box corners,
   so it is shown as a colour, not as a length).  */
static int
ct_write_arrows (const fc_run_options *opt, const fc_gmm *g, double box)
{
  size_t nc = opt->quick ? CT_FIG_COARSE_QUICK : CT_FIG_COARSE_FULL;
  double len = CT_FIG_ARROW * 2.0 * box / (double) (nc - 1);
  double *x = malloc (nc * nc * CT_DIM * sizeof *x), *u = malloc (nc * nc * CT_DIM * sizeof *u);
  fc_datafile *f = x && u ? fc_module_datafile (opt, "vector-field-arrows.dat",
                                         "t x y dx dy speed") : NULL;
  int status = f != NULL ? GSL_SUCCESS : GSL_EFAILED;
  if (f != NULL)
    fprintf (fc_datafile_stream (f), "# (dx, dy) = %.4g u_t/|u_t| (arrow length "
             "%.2g grid spacings); speed = |u_t|; one index block per t\n",
             len, CT_FIG_ARROW);
  ct_grid (nc, box, x);
  for (size_t k = 0; status == GSL_SUCCESS && k < CT_FIG_NT; k++)
    {
      FILE *out = fc_datafile_stream (f);
      status = fc_path_eval (g, FC_SCHEDULE_LINEAR, ct_fig_times[k],
                             FC_Q_VELOCITY, nc * nc, x, u);
      fprintf (out, "%s# t = %g\n", k > 0 ? "\n\n" : "", ct_fig_times[k]);
      for (size_t i = 0; status == GSL_SUCCESS && i < nc * nc; i++)
        {
          double s = fc_study_norm (CT_DIM, u + 2 * i), c = s > 0.0 ? len / s : 0.0;
          fprintf (out, "%g %.17g %.17g %.17g %.17g %.17g\n", ct_fig_times[k],
                   x[2 * i], x[2 * i + 1], c * u[2 * i], c * u[2 * i + 1], s);
        }
    }
  free (x), free (u);
  if (status == GSL_SUCCESS)
    return fc_module_commit (f, GSL_SUCCESS);
  fc_datafile_abort (f);
  return status;
}

static int
ct_write_vector_field (const fc_run_options *opt)
{
  fc_gmm *g = ct_builtin ("8gaussians");
  if (g == NULL)
    return GSL_EFAILED;
  double box = 0.0;
  for (size_t k = 0; k < CT_FIG_NT; k++)
    {
      fc_schedule_value sv;
      fc_schedule_eval (FC_SCHEDULE_LINEAR, ct_fig_times[k], &sv);
      box = GSL_MAX (box, fc_path_field_box (g, sv.alpha, sv.sigma2));
    }
  box = 0.5 * ceil (2.0 * box); /* a round half-width */
  int status = ct_write_density (opt, g, box);
  if (status == GSL_SUCCESS)
    status = ct_write_arrows (opt, g, box);
  fc_gmm_free (g);
  return status;
}

/* trajectories.dat, `moons`: index 0 the paths (one block each, t x y),
   index 1 their starts (noise), index 2 their ends, index 3 exact draws of
   q (t = 1) for comparison.  RK4 with CT_FIG_STEPS steps.  */
static void
ct_write_paths (FILE *out, const double *traj, const double *data, size_t nd)
{
  for (size_t i = 0; i < CT_FIG_NPATH; i++)
    {
      for (size_t s = 0; s <= CT_FIG_STEPS; s++)
        {
          const double *p = traj + (s * CT_FIG_NPATH + i) * CT_DIM;
          fprintf (out, "%.17g %.17g %.17g\n", (double) s / CT_FIG_STEPS, p[0], p[1]);
        }
      fputc ('\n', out);
    }
  for (size_t e = 0; e < 2; e++)
    {
      fprintf (out, "\n# %s\n", e == 0 ? "starts (t = 0)" : "ends (t = 1)");
      for (size_t i = 0; i < CT_FIG_NPATH; i++)
        {
          const double *p = traj + ((e * CT_FIG_STEPS) * CT_FIG_NPATH + i) * CT_DIM;
          fprintf (out, "%g %.17g %.17g\n", (double) e, p[0], p[1]);
        }
      fputc ('\n', out);
    }
  fprintf (out, "\n# exact draws of q\n");
  for (size_t i = 0; i < nd; i++)
    fprintf (out, "1 %.17g %.17g\n", data[2 * i], data[2 * i + 1]);
}

static int
ct_write_trajectories (const fc_run_options *opt)
{
  unsigned long seed = fc_module_seed (opt, CT_TAG_FIG);
  fc_gmm *g = ct_builtin ("moons");
  double *x = malloc (CT_FIG_NPATH * CT_DIM * sizeof *x); /* (npath, 2) */
  double *traj = malloc ((CT_FIG_STEPS + 1) * CT_FIG_NPATH * CT_DIM
                         * sizeof *traj); /* (steps + 1, npath, 2) */
  double *data = malloc (CT_FIG_NDATA * CT_DIM * sizeof *data); /* (ndata, 2) */
  int status = g && x && traj && data ? GSL_SUCCESS : GSL_EFAILED;
  fc_path_field_params par = { g, FC_SCHEDULE_LINEAR };
  if (status == GSL_SUCCESS)
    status = fc_rng_gaussian_fill (seed, 0, CT_FIG_NPATH * CT_DIM, x);
  if (status == GSL_SUCCESS)
    status = fc_ode_fixed (fc_path_field_velocity, &par, FC_ODE_RK4, CT_DIM, CT_FIG_NPATH,
                           x, NULL, 0.0, 1.0, CT_FIG_STEPS, traj);
  if (status == GSL_SUCCESS)
    status = fc_gmm_sample (g, fc_rng_stream_seed (seed, 1), CT_FIG_NDATA, data);
  fc_datafile *f = status == GSL_SUCCESS
                       ? fc_module_datafile (opt, "trajectories.dat", "t x y") : NULL;
  if (status == GSL_SUCCESS && f == NULL)
    status = GSL_EFAILED;
  if (status == GSL_SUCCESS)
    {
      fprintf (fc_datafile_stream (f), "# data moons, linear schedule, RK4 "
               "with %d steps; index 0 paths, 1 starts, 2 ends, 3 draws of q\n",
               CT_FIG_STEPS);
      ct_write_paths (fc_datafile_stream (f), traj, data, CT_FIG_NDATA);
      status = fc_module_commit (f, GSL_SUCCESS);
    }
  fc_gmm_free (g), free (x), free (traj), free (data);
  return status;
}

static int
ct_write_figure_data (const fc_run_options *opt)
{
  if (opt->out_dir == NULL)
    GSL_ERROR ("no output directory", GSL_EINVAL);
  int status = ct_write_order (opt);
  if (status == GSL_SUCCESS)
    status = ct_write_vector_field (opt);
  if (status == GSL_SUCCESS)
    status = ct_write_trajectories (opt);
  return status;
}

/* ------------------------------------------------------------ the module */

/* Until the figure writer renders the checks' record: the old writer. */
static int
ct_write_legacy (const fc_run_options *opt, const void *record)
{
  (void) record;
  return ct_write_figure_data (opt);
}

static const fc_claim ct_claims[] = {
  { "C1", "L 'Probability flow in a simple setting'",
    "p_t(x|x1) = N(alpha x1, sigma^2 I) with u = alpha' x1 + sigma' (x - alpha "
    "x1)/sigma (linear: (x1 - x)/(1-t)) solves dp/dt = -div(p u)",
    FC_VERDICT_CONFIRMED, ct_check_c1, NULL, 0 },
  { "C2", "N §marginal vf; L 'Justification'",
    "the posterior-weighted marginal field u_t solves the marginal continuity "
    "equation (GMM, uniform square, empirical data)",
    FC_VERDICT_CONFIRMED, ct_check_c2, NULL, 0 },
  { "C3", "N §marginal vf; L 'Justification'",
    "counter-example: the unweighted average int u_t(x|x1) q(x1) dx1 solves "
    "the marginal continuity equation",
    FC_VERDICT_REFUTED, ct_check_c3, NULL, 0 },
  { "C4", "L 'Flow matching: algorithms'",
    "u_t minimises E||v(x_t) - (x1 - x_t)/(1-t)||^2; L_CFM(v) - L_FM(v) does "
    "not depend on v",
    FC_VERDICT_CONFIRMED, ct_check_c4, NULL, 0 },
  { "C5", "N §Ordinary differential equation; L 'Sampling algorithm'",
    "integrating dx/dt = u_t(x) from N(0, I) yields q",
    FC_VERDICT_CONFIRMED, ct_check_c5, NULL, 0 },
  { "C6", "N §Ordinary differential equation",
    "the flow is a C1 diffeomorphism if u_t is C1 and bounded: u_t is bounded "
    "up to t = 1 for nonsingular data, grows like 1/(1-t) for Dirac data",
    FC_VERDICT_CONFIRMED, ct_check_c6, NULL, 0 },
};

const fc_module fc_module_continuity
    = { "continuity",
        "marginal vs conditional continuity equations (N §marginal vf, "
        "L 'Justification')",
        ct_claims, sizeof ct_claims / sizeof ct_claims[0],
        NULL, 0, 1, ct_write_legacy, NULL };
