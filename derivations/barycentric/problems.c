/* derivations/barycentric/problems.c -- the interpolation problems of
 * B1-B5, B9 and B10, the coefficient vectors they are checked at, and the
 * shortest scale of rho that sets an order study's band.
 *
 * "planar": K + 1 = 3 marginals in D = 2, a full-covariance Gaussian, the
 * 8gaussians mixture scaled by 1/2 and a three-component full-covariance
 * mixture; "line": three 1-D marginals (a Gaussian, two and three
 * components); "noise_8g" (B10): N(0, I) and 8gaussians.  Mixtures matter:
 * for Gaussian marginals g_k is affine in x and several identities become
 * trivially linear.  */
#include <config.h>

#include <math.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "barycentric_internal.h"
#include "fc_gmm.h"
#include "fc_rng.h"

fc_gmm *
bc_gmm_packed (size_t dim, size_t n, const double *w, const double *mean,
               const double *cov)
{
  fc_gmm *g = fc_gmm_alloc (dim, n);
  int status = g != NULL ? GSL_SUCCESS : GSL_ENOMEM;
  for (size_t k = 0; k < n && status == GSL_SUCCESS; k++)
    status = fc_gmm_set_component (g, k, w[k], mean + k * dim,
                                   cov + k * dim * dim);
  if (status == GSL_SUCCESS)
    status = fc_gmm_prepare (g);
  if (status)
    {
      fc_gmm_free (g);
      GSL_ERROR_NULL ("cannot build a marginal", GSL_EFAILED);
    }
  return g;
}

/* 8gaussians scaled by S (fc_gmm_affine with A = S I). */
static fc_gmm *
bc_8gaussians (double s)
{
  fc_gmm *g = fc_module_builtin ("8gaussians"), *h = NULL;
  const double a[4] = { s, 0.0, 0.0, s };
  if (g != NULL)
    h = fc_gmm_affine (g, 2, a, NULL, 0.0);
  fc_gmm_free (g);
  if (h == NULL)
    GSL_ERROR_NULL ("cannot build the scaled 8gaussians", GSL_EFAILED);
  return h;
}

/* The marginals of problem P into M (returns their number): weights,
   means (n, D) and covariances (n, D, D) of each.  */
static size_t
bc_marginals (bc_problem p, fc_gmm *m[BC_NM])
{
  static const double one[1] = { 1.0 };
  static const double gauss2_m[2] = { 0.618034, -0.381966 };
  static const double gauss2_c[4] = { 1.0, 0.3, 0.3, 0.7 };
  static const double tri2_w[3] = { 0.5, 0.3, 0.2 };
  static const double tri2_m[6] = { -1.2, 0.4, 0.9, 1.1, 0.3, -1.3 };
  static const double tri2_c[12] = { 0.3, 0.12, 0.12, 0.1,
                                     0.08, -0.03, -0.03, 0.2,
                                     0.15, 0.0, 0.0, 0.06 };
  static const double noise2_m[2] = { 0.0, 0.0 };
  static const double noise2_c[4] = { 1.0, 0.0, 0.0, 1.0 };
  static const double gauss1_m[1] = { 0.381966 }, gauss1_c[1] = { 0.8 };
  static const double two1_w[2] = { 0.6, 0.4 }, two1_m[2] = { -1.5, 1.2 };
  static const double two1_c[2] = { 0.1, 0.25 };
  static const double three1_w[3] = { 0.3, 0.5, 0.2 };
  static const double three1_m[3] = { -2.0, 0.4, 2.5 };
  static const double three1_c[3] = { 0.05, 0.3, 0.08 };
  switch (p)
    {
    case BC_PLANAR:
      m[0] = bc_gmm_packed (2, 1, one, gauss2_m, gauss2_c);
      m[1] = bc_8gaussians (0.5);
      m[2] = bc_gmm_packed (2, 3, tri2_w, tri2_m, tri2_c);
      return 3;
    case BC_LINE:
      m[0] = bc_gmm_packed (1, 1, one, gauss1_m, gauss1_c);
      m[1] = bc_gmm_packed (1, 2, two1_w, two1_m, two1_c);
      m[2] = bc_gmm_packed (1, 3, three1_w, three1_m, three1_c);
      return 3;
    default:
      m[0] = bc_gmm_packed (2, 1, one, noise2_m, noise2_c);
      m[1] = bc_8gaussians (1.0);
      return 2;
    }
}

fc_interp *
bc_problem_alloc (bc_problem p)
{
  fc_gmm *m[BC_NM] = { NULL, NULL, NULL };
  size_t n = bc_marginals (p, m), built = 0;
  for (size_t k = 0; k < n; k++)
    built += m[k] != NULL;
  fc_interp *ip = NULL;
  if (built == n)
    ip = fc_interp_alloc (n, (const fc_gmm *const *) m);
  for (size_t k = 0; k < n; k++)
    fc_gmm_free (m[k]);
  return ip;
}

int
bc_check_start (const fc_run_options *opt, bc_problem p, int *variant,
                fc_interp **ip)
{
  *variant = fc_control_variant (opt);
  *ip = bc_problem_alloc (p);
  return *ip != NULL ? GSL_SUCCESS : GSL_EFAILED;
}

/* The first half of the vectors are Dirichlet(1, .., 1) draws (the
   interior, uniformly); the j-th of the rest lies within
   eps_j = 10^(-3 (j + 1)) of the vertex e_{j mod (K+1)}, the remaining
   mass spread by another Dirichlet draw.  */
int
bc_alphas (unsigned long seed, size_t nm, size_t n_alpha, int with_vertex,
           double *alpha)
{
  gsl_rng *r = fc_rng_alloc (seed, 0);
  if (r == NULL)
    GSL_ERROR ("no memory for a generator", GSL_ENOMEM);
  const double ones[BC_NM] = { 1.0, 1.0, 1.0 };
  size_t n_int = (n_alpha + 1) / 2;
  for (size_t a = 0; a < n_alpha; a++)
    {
      double *al = alpha + a * nm, th[BC_NM];
      gsl_ran_dirichlet (r, nm, ones, th);
      if (a < n_int)
        memcpy (al, th, nm * sizeof *al);
      else
        {
          size_t j = a - n_int, v = j % nm;
          double eps = pow (10.0, -3.0 * (double) (j + 1));
          for (size_t k = 0; k < nm; k++)
            al[k] = eps * th[k] + (k == v ? 1.0 - eps : 0.0);
        }
    }
  if (with_vertex)
    for (size_t k = 0; k < nm; k++)
      alpha[(n_alpha - 1) * nm + k] = k == 1 ? 1.0 : 0.0;
  gsl_rng_free (r);
  return GSL_SUCCESS;
}

/* The scale of one tuple c of the mixture rho(beta): in x the smallest
   standard deviation s_c = sqrt(lambda_min(C_c)); in t the time over which
   the mean moves by s_c or the covariance by its own size,
   1 / (|m_c'| / s_c + ||C_c'||_F / (2 s_c^2)).  m_c is linear and C_c
   quadratic in beta, so central differences of the mixture's parameters
   at beta +- delta dbeta give m_c' and C_c' exactly (up to round-off) for
   any delta; delta = 1/4 keeps beta - delta dbeta admissible (C_c is
   positive definite for every beta != 0 when the marginals' components
   are).  */
#define BC_SCALE_DELTA 0.25

static double
bc_tuple_scale (const fc_gmm *g0, const fc_gmm *gp, const fc_gmm *gm,
                size_t c)
{
  size_t dim = g0->dim;
  double lo = GSL_POSINF, dm2 = 0.0, dc2 = 0.0;
  for (size_t d = 0; d < dim; d++)
    {
      lo = GSL_MIN (lo, g0->eigval[c * dim + d]);
      dm2 += gsl_pow_2 ((gp->mean[c * dim + d] - gm->mean[c * dim + d])
                        / (2.0 * BC_SCALE_DELTA));
      for (size_t e = 0; e < dim; e++)
        {
          size_t i = (c * dim + d) * dim + e;
          dc2 += gsl_pow_2 ((gp->cov[i] - gm->cov[i]) / (2.0 * BC_SCALE_DELTA));
        }
    }
  double s = sqrt (lo), rate = sqrt (dm2) / s + sqrt (dc2) / (2.0 * lo);
  return rate > 0.0 ? GSL_MIN (s, 1.0 / rate) : s;
}

/* The shortest scale on which rho(beta(t), .) varies, over the tuples.  */
int
bc_scale (const fc_interp *ip, const double *beta, const double *dbeta,
          double *ell)
{
  size_t nm = fc_interp_n_marginals (ip);
  double bp[BC_NM], bm[BC_NM];
  for (size_t k = 0; k < nm; k++)
    {
      bp[k] = beta[k] + BC_SCALE_DELTA * dbeta[k];
      bm[k] = beta[k] - BC_SCALE_DELTA * dbeta[k];
    }
  fc_gmm *g0 = fc_interp_mixture (ip, beta);
  fc_gmm *gp = fc_interp_mixture (ip, bp), *gm = fc_interp_mixture (ip, bm);
  int status = g0 && gp && gm ? GSL_SUCCESS : GSL_EDOM;
  for (size_t c = 0; status == GSL_SUCCESS && c < g0->n_comp; c++)
    {
      double e = bc_tuple_scale (g0, gp, gm, c);
      *ell = c == 0 ? e : GSL_MIN (*ell, e);
    }
  fc_gmm_free (g0), fc_gmm_free (gp), fc_gmm_free (gm);
  if (status)
    GSL_ERROR ("inadmissible coefficients for the scale", status);
  return status;
}
