/* derivations/continuity/mixture_path.c -- claim C7 (L "Background:
 * continuity equation", option (1)): the mixture path
 *
 *   p_t = (1 - t) p0 + t p1,   dp_t/dt = p1 - p0,
 *
 * has a generating field, "not easy (nor unique)".  A field u solves
 * dp/dt + div(p u) = 0 when its flux J = p_t u has div J = p0 - p1, a
 * condition on J that does not involve t; u = J / p_t.
 *
 * 1-D (p0 = N(0, 1), p1 a two-component mixture): J' = p0 - p1 gives
 * J(x) = int_{-inf}^x (p0 - p1) + J(-inf) = F0(x) - F1(x) + c, so every
 * solution is u_c = (F0 - F1 + c)/p_t, and a flux that vanishes at -inf
 * (as it must if u decays there) has c = 0: the flux of the CDF
 * difference, u = (F0 - F1)/p_t, is the unique solution with decay at
 * infinity.  It decays at +inf too: F0 - F1 -> 1 - 1.  Any other solution
 * adds c/p_t, which grows like exp(x^2/2) in the tails.  Measured: the
 * order study of (p_t, u) and the flux identity p_t u = int_{-inf}^x
 * (p0 - p1) dy, the integral by QUADPACK from the densities alone (not
 * the CDF formula), at points spanning both tails.
 *
 * 2-D (p0 = N(0, I), p1 = sum_k w_k N(m_k, I)): two fluxes, both in closed
 * form, carry each N(0, I) to N(m_k, I) by translating it,
 *   straight:  along m_k,  J_k = e_k phi(x.e_k^perp) [Phi(x.e_k) -
 *              Phi(x.e_k - |m_k|)],  e_k = m_k/|m_k|;
 *   L-shaped:  first along e_1 by a_k, then along e_2 by b_k (m_k =
 *              (a_k, b_k)),  J_k = e_1 phi(x_2) [Phi(x_1) - Phi(x_1 - a_k)]
 *              + e_2 phi(x_1 - a_k) [Phi(x_2) - Phi(x_2 - b_k)];
 * each has div J_k = N(0, I) - N(m_k, I) (d/ds of the translated density
 * is minus the divergence of its flux), so J = sum_k w_k J_k has div J =
 * p0 - p1 and both u = J/p_t solve the equation.  They differ by the
 * divergence-free (J_L - J_S)/p_t: "nor unique".  Measured: both order
 * studies, and their relative L2(p_t) difference, which must exceed what
 * the studies could hide (their truncation scale).  */
#include <config.h>

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>

#include "continuity_internal.h"
#include "fc_rng.h"

/* The end laws.  1-D p1: weights 0.3, 0.7, means -1.5, 2, standard
   deviations 0.5, 0.8 (bimodal, skewed, narrower than p0).  2-D p1: unit
   covariances, means (2, 1), (-1.5, 2), (0.5, -2.5), weights 0.3, 0.3,
   0.4; in the control CT_CONTROL_C7_AXIS_MEANS the same means projected
   on the x axis, where the two translations coincide.  */
#define CT_C7_K1 2
#define CT_C7_K2 3
static const double ct_c7_w1[CT_C7_K1] = { 0.3, 0.7 };
static const double ct_c7_m1[CT_C7_K1] = { -1.5, 2.0 };
static const double ct_c7_s1[CT_C7_K1] = { 0.5, 0.8 };
static const double ct_c7_w2[CT_C7_K2] = { 0.3, 0.3, 0.4 };
static const double ct_c7_m2[CT_C7_K2][2]
    = { { 2.0, 1.0 }, { -1.5, 2.0 }, { 0.5, -2.5 } };

/* The shortest scales of p_t in x (fc_order_study's ell): the narrowest
   component, 0.5 in 1-D and 1 in 2-D.  In t, p_t is affine, and the
   central difference in t is exact.  */
#define CT_C7_ELL1 0.5
#define CT_C7_ELL2 1.0

/* The flux identity is checked at CT_C7_NFLUX points spanning
   [-CT_C7_TAIL, CT_C7_TAIL], where p0 and p1 are below 1e-13: both tails.
   QUADPACK (qagil) is asked for CT_C7_QUAD_EPS absolute and relative; the
   identity holds within the error it reports plus the round-off of the
   flux, 64 eps (a flux is at most 1).  */
#define CT_C7_NFLUX 33
#define CT_C7_TAIL 8.0
#define CT_C7_QUAD_EPS 1e-12
#define CT_C7_QUAD_LIMIT 200
#define CT_C7_FLUX_ROUNDOFF (64.0 * GSL_DBL_EPSILON)

/* ---------------------------------------------------------- fluxes */

double
ct_normal_mass (double lo, double hi)
{
  if (lo > hi)
    return -ct_normal_mass (hi, lo);
  if (lo >= 0.0)
    return gsl_cdf_ugaussian_Q (lo) - gsl_cdf_ugaussian_Q (hi);
  return gsl_cdf_ugaussian_P (hi) - gsl_cdf_ugaussian_P (lo);
}

/* The fields of C7.  */
typedef enum
{
  CT_C7_CDF_FLUX = 0, /* 1-D: (F0 - F1 + c)/p_t */
  CT_C7_STRAIGHT,     /* 2-D: J_S / p_t */
  CT_C7_LSHAPE,       /* 2-D: J_L / p_t */
  CT_C7_ROTATION_UNWEIGHTED /* 2-D: J_S / p_t + (J_L - J_S), the control */
} ct_c7_kind;

typedef struct
{
  ct_c7_kind kind;
  double sign;       /* -1 in the control CT_CONTROL_C7_FLUX_SIGN */
  double constant;   /* c of the 1-D flux */
  const double (*mean)[2]; /* the 2-D means */
} ct_c7_field;

/* F0(x) - F1(x), each difference on its accurate tail.  */
static double
ct_c7_cdf_flux (double x)
{
  double j = 0.0;
  for (size_t k = 0; k < CT_C7_K1; k++)
    j += ct_c7_w1[k] * ct_normal_mass ((x - ct_c7_m1[k]) / ct_c7_s1[k], x);
  return j;
}

/* The straight and L-shaped fluxes at X (2) into J (2).  */
static void
ct_c7_flux_2d (const ct_c7_field *f, int lshape, const double *x, double *j)
{
  j[0] = j[1] = 0.0;
  for (size_t k = 0; k < CT_C7_K2; k++)
    {
      double a = f->mean[k][0], b = f->mean[k][1], w = ct_c7_w2[k];
      if (lshape)
        {
          j[0] += w * gsl_ran_ugaussian_pdf (x[1]) * ct_normal_mass (x[0] - a, x[0]);
          j[1] += w * gsl_ran_ugaussian_pdf (x[0] - a) * ct_normal_mass (x[1] - b, x[1]);
          continue;
        }
      double len = hypot (a, b), e0 = a / len, e1 = b / len;
      double par = x[0] * e0 + x[1] * e1, perp = -x[0] * e1 + x[1] * e0;
      double m = w * gsl_ran_ugaussian_pdf (perp) * ct_normal_mass (par - len, par);
      j[0] += m * e0;
      j[1] += m * e1;
    }
}

/* p0 and p1 at X (D).  */
static void
ct_c7_ends (const ct_c7_field *f, size_t dim, const double *x, double *p0,
            double *p1)
{
  *p1 = 0.0;
  if (dim == 1)
    {
      *p0 = gsl_ran_ugaussian_pdf (x[0]);
      for (size_t k = 0; k < CT_C7_K1; k++)
        *p1 += ct_c7_w1[k] * gsl_ran_gaussian_pdf (x[0] - ct_c7_m1[k], ct_c7_s1[k]);
      return;
    }
  *p0 = gsl_ran_ugaussian_pdf (x[0]) * gsl_ran_ugaussian_pdf (x[1]);
  for (size_t k = 0; k < CT_C7_K2; k++)
    *p1 += ct_c7_w2[k] * gsl_ran_ugaussian_pdf (x[0] - f->mean[k][0])
           * gsl_ran_ugaussian_pdf (x[1] - f->mean[k][1]);
}

/* The field F at X (D) with P = p_t(X) into U (D).  */
static void
ct_c7_velocity (const ct_c7_field *f, double p, const double *x, double *u)
{
  double js[2], jl[2];
  switch (f->kind)
    {
    case CT_C7_CDF_FLUX:
      u[0] = f->sign * (ct_c7_cdf_flux (x[0]) + f->constant) / p;
      return;
    case CT_C7_STRAIGHT:
    case CT_C7_LSHAPE:
      ct_c7_flux_2d (f, f->kind == CT_C7_LSHAPE, x, js);
      u[0] = f->sign * js[0] / p;
      u[1] = f->sign * js[1] / p;
      return;
    default:
      ct_c7_flux_2d (f, 0, x, js);
      ct_c7_flux_2d (f, 1, x, jl);
      for (size_t d = 0; d < 2; d++)
        u[d] = f->sign * (js[d] / p + (jl[d] - js[d]));
    }
}

/* An fc_density_field_fn: p_t and the field of PARAMS (a ct_c7_field).  */
static int
ct_c7_density_field (double t, size_t n, const double *x, double *p,
                     double *u, void *params)
{
  const ct_c7_field *f = params;
  size_t dim = f->kind == CT_C7_CDF_FLUX ? 1 : 2;
  for (size_t i = 0; i < n; i++)
    {
      double p0, p1;
      ct_c7_ends (f, dim, x + i * dim, &p0, &p1);
      p[i] = (1.0 - t) * p0 + t * p1;
      ct_c7_velocity (f, p[i], x + i * dim, u + i * dim);
    }
  return GSL_SUCCESS;
}

/* ------------------------------------------------------------ points */

/* An fc_study_points_fn: N draws of p_t = (1 - t) p0 + t p1 of the field
   PARAMS (a ct_c7_field), as one mixture.  */
static int
ct_c7_points (double t, unsigned long seed, size_t n, double *x, void *params)
{
  const ct_c7_field *f = params;
  int one = f->kind == CT_C7_CDF_FLUX;
  size_t dim = one ? 1 : 2, k1 = one ? CT_C7_K1 : CT_C7_K2;
  fc_gmm *g = fc_gmm_alloc (dim, k1 + 1);
  const double zero[2] = { 0.0, 0.0 }, eye[4] = { 1.0, 0.0, 0.0, 1.0 };
  int status = g != NULL ? GSL_SUCCESS : GSL_ENOMEM;
  /* Weights 0 are not allowed: the ends t = 0, 1 never occur here, as
     every t of the plan has t +- h_max inside (0, 1).  */
  if (status == GSL_SUCCESS)
    status = fc_gmm_set_component (g, 0, 1.0 - t, zero, eye);
  for (size_t k = 0; k < k1 && status == GSL_SUCCESS; k++)
    {
      double var = one ? ct_c7_s1[k] * ct_c7_s1[k] : 0.0;
      status = one ? fc_gmm_set_component (g, k + 1, t * ct_c7_w1[k],
                                           &ct_c7_m1[k], &var)
                   : fc_gmm_set_component (g, k + 1, t * ct_c7_w2[k],
                                           f->mean[k], eye);
    }
  g = fc_gmm_finish (g, status);
  if (g == NULL)
    GSL_ERROR ("cannot build the mixture path", GSL_EFAILED);
  status = fc_gmm_sample (g, seed, n, x);
  fc_gmm_free (g);
  return status;
}

/* The order study NAME of the field F.  */
static int
ct_c7_study (const fc_run_options *opt, ct_c7_field *f, unsigned long tag,
             const char *name, fc_order_study *st)
{
  int one = f->kind == CT_C7_CDF_FLUX;
  return ct_study_run_points (ct_c7_density_field, f, one ? 1 : 2,
                              one ? CT_C7_ELL1 : CT_C7_ELL2, ct_c7_points, f,
                              FC_SIZES (ct_sizes_plan, opt)->n_points,
                              fc_module_seed (opt, tag), name, st);
}

/* ------------------------------------------------------ 1-D figures */

static double
ct_c7_density_gap (double y, void *params)
{
  const ct_c7_field *f = params;
  double p0, p1;
  ct_c7_ends (f, 1, &y, &p0, &p1);
  return p0 - p1;
}

/* The flux identity: the largest |p_t u - int_{-inf}^x (p0 - p1)| over the
   points of [-tail, tail] and the study times into *ERR, and the largest
   error QUADPACK reports plus the flux round-off into *TOL.  */
static int
ct_c7_flux_identity (ct_c7_field *f, double *err, double *tol)
{
  gsl_integration_workspace *w = gsl_integration_workspace_alloc (CT_C7_QUAD_LIMIT);
  if (w == NULL)
    GSL_ERROR ("no memory for the flux quadrature", GSL_ENOMEM);
  gsl_function gap = { ct_c7_density_gap, f };
  int status = GSL_SUCCESS;
  *err = 0.0;
  *tol = 0.0;
  for (size_t i = 0; i < CT_C7_NFLUX && status == GSL_SUCCESS; i++)
    {
      double x = -CT_C7_TAIL + 2.0 * CT_C7_TAIL * (double) i / (CT_C7_NFLUX - 1);
      double integral, abserr;
      status = gsl_integration_qagil (&gap, x, CT_C7_QUAD_EPS, CT_C7_QUAD_EPS,
                                      CT_C7_QUAD_LIMIT, w, &integral, &abserr);
      for (size_t j = 0; status == GSL_SUCCESS && j < CT_NT; j++)
        {
          double p, u;
          ct_c7_density_field (ct_times[j], 1, &x, &p, &u, f);
          *err = GSL_MAX (*err, fabs (p * u - integral));
        }
      *tol = GSL_MAX (*tol, abserr + CT_C7_FLUX_ROUNDOFF);
    }
  gsl_integration_workspace_free (w);
  return status;
}

/* |u| of F at the two ends of [-tail, tail], the larger, at t = 1/2.  */
static double
ct_c7_tail_speed (ct_c7_field *f)
{
  double x[2] = { -CT_C7_TAIL, CT_C7_TAIL }, p[2], u[2];
  ct_c7_density_field (0.5, 2, x, p, u, f);
  return GSL_MAX (fabs (u[0]), fabs (u[1]));
}

/* ------------------------------------------------------ 2-D figures */

/* The relative L2(p_t) difference of the fields A and B, pooled over the
   study times, N points per time from stream SEED.  */
static int
ct_c7_field_difference (ct_c7_field *a, ct_c7_field *b, size_t n,
                        unsigned long seed, double *rel)
{
  double *x = malloc (n * 2 * sizeof *x), *p = malloc (n * sizeof *p);
  double *ua = malloc (n * 2 * sizeof *ua), *ub = malloc (n * 2 * sizeof *ub);
  double num = 0.0, den = 0.0;
  int status = x && p && ua && ub ? GSL_SUCCESS : GSL_ENOMEM;
  for (size_t j = 0; j < CT_NT && status == GSL_SUCCESS; j++)
    {
      status = ct_c7_points (ct_times[j], fc_rng_stream_seed (seed, j), n, x, a);
      if (status == GSL_SUCCESS)
        status = ct_c7_density_field (ct_times[j], n, x, p, ua, a);
      if (status == GSL_SUCCESS)
        status = ct_c7_density_field (ct_times[j], n, x, p, ub, b);
      for (size_t i = 0; status == GSL_SUCCESS && i < 2 * n; i++)
        {
          num += gsl_pow_2 (ua[i] - ub[i]);
          den += gsl_pow_2 (ua[i]);
        }
    }
  free (x), free (p), free (ua), free (ub);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the field difference", GSL_ENOMEM);
  *rel = sqrt (num / den);
  return status;
}

/* ------------------------------------------------------------ check */

/* The three fields of the run OPT: F[0] the 1-D CDF flux, F[1] the
   straight and F[2] the L-shaped 2-D field, each with the control's
   change.  */
static void
ct_c7_fields (const fc_run_options *opt, ct_c7_field f[3])
{
  static const double axis[CT_C7_K2][2]
      = { { 2.0, 0.0 }, { -1.5, 0.0 }, { 0.5, 0.0 } };
  int variant = fc_control_variant (opt);
  double sign = variant == CT_CONTROL_C7_FLUX_SIGN ? -1.0 : 1.0;
  const double (*mean)[2] = variant == CT_CONTROL_C7_AXIS_MEANS ? axis : ct_c7_m2;
  f[0] = (ct_c7_field){ CT_C7_CDF_FLUX, sign,
                        variant == CT_CONTROL_C7_FLUX_CONSTANT
                            ? CT_C7_FLUX_CONSTANT : 0.0, mean };
  f[1] = (ct_c7_field){ CT_C7_STRAIGHT, sign, 0.0, mean };
  f[2] = (ct_c7_field){ variant == CT_CONTROL_C7_UNWEIGHTED_ROTATION
                            ? CT_C7_ROTATION_UNWEIGHTED : CT_C7_LSHAPE,
                        sign, 0.0, mean };
}

/* What C7 measures.  */
typedef struct
{
  fc_order_study st[3];   /* 1d, 2d_straight, 2d_lshape */
  double flux_err, flux_tol; /* the 1-D flux identity */
  double speed_tail, speed_tail_alt; /* |u| at +-tail: u and u + c/p_t */
  double diff;            /* relative L2(p_t) difference of the 2-D fields */
} ct_c7_result;

static int
ct_c7_measure (const fc_run_options *opt, ct_c7_result *r)
{
  static const char *const names[3] = { "1d", "2d_straight", "2d_lshape" };
  ct_c7_field f[3];
  ct_c7_fields (opt, f);
  int status = GSL_SUCCESS;
  for (size_t i = 0; i < 3 && status == GSL_SUCCESS; i++)
    status = ct_c7_study (opt, &f[i], CT_TAG_C7 + i, names[i], &r->st[i]);
  if (status == GSL_SUCCESS)
    status = ct_c7_flux_identity (&f[0], &r->flux_err, &r->flux_tol);
  if (status == GSL_SUCCESS)
    status = ct_c7_field_difference (&f[1], &f[2],
                                     FC_SIZES (ct_sizes_plan, opt)->n_points,
                                     fc_module_seed (opt, CT_TAG_C7 + 3), &r->diff);
  ct_c7_field alt = f[0];
  alt.constant += CT_C7_FLUX_CONSTANT;
  r->speed_tail = ct_c7_tail_speed (&f[0]);
  r->speed_tail_alt = ct_c7_tail_speed (&alt);
  return status;
}

int
ct_check_c7 (const fc_run_options *opt, fc_verdict *v)
{
  ct_c7_result r;
  int status = ct_c7_measure (opt, &r);
  if (status)
    return status;
  ct_record_studies (opt, v, 3, r.st);
  fc_verdict_decide (v, FC_TEST_HOLDS, "flux_identity_1d", r.flux_err,
                     r.flux_tol, r.flux_err <= r.flux_tol);
  /* Two solutions are told apart only if they differ by more than the
     studies' truncation scale, the field error a study could not tell
     from discretisation.  */
  double diff_tol = GSL_MAX (r.st[1].trunc, r.st[2].trunc);
  fc_verdict_decide (v, FC_TEST_HOLDS, "field_difference_2d", r.diff,
                     diff_tol, r.diff > diff_tol);
  fc_verdict_report (v, "speed_tail_1d", r.speed_tail, NAN);
  fc_verdict_report (v, "speed_tail_1d_plus_c_over_p", r.speed_tail_alt, NAN);
  fc_verdict_note (v, "1-D: (F0 - F1)/p_t order %.3f, flux = int (p0 - p1) "
                   "to %.1e, |u(+-%g)| %.2g (with c = %g: %.2g); 2-D: "
                   "straight %.3f, L-shaped %.3f, differing by %.3g",
                   r.st[0].order, r.flux_err, CT_C7_TAIL, r.speed_tail,
                   CT_C7_FLUX_CONSTANT, r.speed_tail_alt, r.st[1].order,
                   r.st[2].order, r.diff);
  return GSL_SUCCESS;
}
