/* derivations/manifold/k1_reduction.c -- claim M9 (N §Interpolating between
 * noise to data distribution over SE(3), "manifolds"; split from the
 * catalog's M8 row): the note's K = 1 reduction of the interpolant
 * x(alpha) = exp_{x*}(alpha_0 log_{x*}(x0) + alpha_1 log_{x*}(x1)) writes
 * alpha(t) = (t-1, t).
 *
 * That alpha is off the simplex the interpolant is defined on (alpha_0 <
 * 0 and alpha_0 + alpha_1 = 2t - 1): simplex_violation, max over t of
 * |alpha_0 + alpha_1 - 1| + max(0, -alpha_0) + max(0, -alpha_1), is 3 at t
 * = 0 (HOLDS, band 2 eps: the rounding of 1 - t and of the sum).  With the
 * note's own anchor x* = x0 the alpha_0 term multiplies log_{x0}(x0) = 0,
 * so the curve happens to be the geodesic (reported); with any other
 * anchor, which the note allows ("some arbitrary anchor"), x(alpha(0)) =
 * exp_{x*}(-log_{x*}(x0)) is x0 reflected through x*, not x0:
 * endpoint_x0_err = max d(x(alpha(0)), x0) (HOLDS, band 4
 * MF_SO3_ROUNDOFF).  The stated path joins the reflection to x1.
 *
 * The corrected alpha(t) = (1-t, t) (VALID figures): with anchor x0,
 * x(alpha(t)) = exp_{x0}(t log_{x0}(x1)) is the geodesic, checked through
 * distances only: d(x_t, x0) = t d0 and d(x_t, x1) = (1-t) d0
 * (corrected_geodesic_err); with a general anchor it joins x0 to x1
 * (corrected_ends_err), though it is not the geodesic there (reported).
 * Both to the round-off of a log, an exp and a distance (band 4
 * MF_SO3_ROUNDOFF).  */
#include <config.h>

#include <float.h>
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>

#include "fc_rng.h"
#include "manifold_internal.h"

/* The weights of a K = 1 reduction at T: the note's (t-1, t), the
   corrected (1-t, t), or the corrected broken by (1 + MF_M9_PERTURB) on
   alpha_1 (the broken_corrected control).  */
typedef enum
{
  MF_K1_NOTE,
  MF_K1_CORRECTED,
  MF_K1_BROKEN
} mf_k1_form;

static void
mf_k1_alpha (mf_k1_form form, double t, double alpha[2])
{
  alpha[0] = form == MF_K1_NOTE ? t - 1.0 : 1.0 - t;
  alpha[1] = form == MF_K1_BROKEN ? t * (1.0 + MF_M9_PERTURB) : t;
}

/* x = x* exp(alpha_0 u0 + alpha_1 u1), u_k = log(x*^T x_k).  */
static int
mf_k1_point (const double anchor[9], const double u0[3], const double u1[3],
             const double alpha[2], double x[9])
{
  double v[3];
  for (int i = 0; i < 3; i++)
    v[i] = alpha[0] * u0[i] + alpha[1] * u1[i];
  for (int i = 0; i < 9; i++)
    x[i] = anchor[i];
  return mf_step (x, v);
}

static double
mf_k1_simplex_violation (mf_k1_form form, size_t nt)
{
  double worst = 0.0;
  for (size_t q = 0; q < nt; q++)
    {
      double alpha[2], t = (double) q / (double) (nt - 1);
      mf_k1_alpha (form, t, alpha);
      worst = fmax (worst, fabs (alpha[0] + alpha[1] - 1.0)
                               + fmax (0.0, -alpha[0]) + fmax (0.0, -alpha[1]));
    }
  return worst;
}

/* Max over t of the geodesic defect |d(x_t, x0) - t d0| + |d(x_t, x1) -
   (1-t) d0| of x_t = x(alpha(t)) with anchor ANCHOR (x0 or another).  */
static int
mf_k1_geodesic_defect (const double anchor[9], const double x0[9],
                       const double x1[9], mf_k1_form form, size_t nt,
                       double *worst)
{
  double u0[3], u1[3], x[9], d0 = fc_so3_dist (x0, x1);
  int status = mf_log_body (anchor, x0, u0);
  if (!status)
    status = mf_log_body (anchor, x1, u1);
  for (size_t q = 0; q < nt && !status; q++)
    {
      double alpha[2], t = (double) q / (double) (nt - 1);
      mf_k1_alpha (form, t, alpha);
      status = mf_k1_point (anchor, u0, u1, alpha, x);
      *worst = fmax (*worst, fabs (fc_so3_dist (x, x0) - t * d0)
                                 + fabs (fc_so3_dist (x, x1) - (1.0 - t) * d0));
    }
  return status;
}

/* d(x(alpha(0)), x0) and d(x(alpha(1)), x1) with anchor ANCHOR.  */
static int
mf_k1_ends (const double anchor[9], const double x0[9], const double x1[9],
            mf_k1_form form, double *start, double *end)
{
  double u0[3], u1[3], alpha[2], x[9];
  int status = mf_log_body (anchor, x0, u0);
  if (!status)
    status = mf_log_body (anchor, x1, u1);
  mf_k1_alpha (form, 0.0, alpha);
  if (!status)
    status = mf_k1_point (anchor, u0, u1, alpha, x);
  *start = fc_so3_dist (x, x0);
  mf_k1_alpha (form, 1.0, alpha);
  if (!status)
    status = mf_k1_point (anchor, u0, u1, alpha, x);
  *end = fc_so3_dist (x, x1);
  return status;
}

/* What the M9 check measures.  */
typedef struct
{
  double stated_start, stated_end, stated_anchor_x0;
  double fixed_geodesic, fixed_ends, fixed_general_defect;
} mf_k1_figures;

/* Over N triples (x*, x0, x1), x0 and x1 at distance in [0.2, pi -
   MF_CUT_MARGIN) from x*, and N pairs (x0, x1) in the same range.  STATED
   is the form in the stated role, FIXED in the corrected role.  */
static int
mf_k1_measure (unsigned long seed, size_t n, size_t nt, mf_k1_form stated,
               mf_k1_form fixed, mf_k1_figures *f)
{
  double *P = malloc (63 * n * sizeof (double));
  if (P == NULL)
    GSL_ERROR ("no memory", GSL_ENOMEM);
  double *S = P, *X0 = P + 9 * n, *A = P + 18 * n, *B = P + 27 * n;
  double *X1 = P + 36 * n, *G0 = P + 45 * n, *G1 = P + 54 * n;
  int status = fc_so3_haar (fc_rng_stream_seed (seed, 0), n, S);
  if (!status)
    status = mf_points_around (fc_rng_stream_seed (seed, 1), n, 0.2, S, A, B,
                               X0);
  if (!status)
    status = mf_points_around (fc_rng_stream_seed (seed, 2), n, 0.2, S, A, B,
                               X1);
  if (!status)
    status = mf_pairs (fc_rng_stream_seed (seed, 3), n, 0.2, M_PI, G0, G1);
  *f = (mf_k1_figures){ 0 };
  for (size_t p = 0; p < n && !status; p++)
    {
      const double *s = S + 9 * p, *x0 = X0 + 9 * p, *x1 = X1 + 9 * p;
      double a, b;
      status = mf_k1_ends (s, x0, x1, stated, &a, &b);
      f->stated_start = fmax (f->stated_start, a);
      f->stated_end = fmax (f->stated_end, b);
      if (!status)
        status = mf_k1_ends (s, x0, x1, fixed, &a, &b);
      f->fixed_ends = fmax (f->fixed_ends, fmax (a, b));
      if (!status)
        status = mf_k1_geodesic_defect (s, x0, x1, fixed, nt,
                                        &f->fixed_general_defect);
      if (!status)
        status = mf_k1_geodesic_defect (G0 + 9 * p, G0 + 9 * p, G1 + 9 * p,
                                        fixed, nt, &f->fixed_geodesic);
      if (!status)
        status = mf_k1_geodesic_defect (G0 + 9 * p, G0 + 9 * p, G1 + 9 * p,
                                        stated, nt, &f->stated_anchor_x0);
    }
  free (P);
  return status;
}

int
mf_check_m9 (const fc_run_options *opt, fc_verdict *v)
{
  const mf_sizes *sz = FC_SIZES (mf_size_plan, opt);
  int variant = fc_control_variant (opt);
  mf_k1_form stated = variant == MF_M9_CORRECTED_FORM ? MF_K1_CORRECTED
                                                      : MF_K1_NOTE;
  mf_k1_form fixed = variant == MF_M9_BROKEN_CORRECTED ? MF_K1_BROKEN
                                                       : MF_K1_CORRECTED;
  mf_k1_figures f;
  int status = mf_k1_measure (fc_module_seed (opt, MF_TAG_M9), sz->m9_n,
                              sz->m9_nt, stated, fixed, &f);
  if (status)
    GSL_ERROR ("M9 failed", status);
  double simplex = mf_k1_simplex_violation (stated, sz->m9_nt);
  double band_simplex = 2.0 * DBL_EPSILON, band = 4.0 * MF_SO3_ROUNDOFF;
  fc_verdict_decide (v, FC_TEST_HOLDS, "simplex_violation", simplex,
                     band_simplex, simplex <= band_simplex);
  fc_verdict_decide (v, FC_TEST_HOLDS, "endpoint_x0_err", f.stated_start, band,
                     f.stated_start <= band);
  fc_verdict_decide (v, FC_TEST_VALID, "corrected_geodesic_err",
                     f.fixed_geodesic, band, f.fixed_geodesic <= band);
  fc_verdict_decide (v, FC_TEST_VALID, "corrected_ends_err", f.fixed_ends,
                     band, f.fixed_ends <= band);
  fc_verdict_report (v, "stated_end_x1_err", f.stated_end, band);
  fc_verdict_report (v, "stated_anchor_x0_geodesic_err", f.stated_anchor_x0,
                     band);
  fc_verdict_report (v, "corrected_other_anchor_geodesic_defect",
                     f.fixed_general_defect, NAN);
  fc_verdict_note (v, "%s: off the simplex by %.3g; d(x(alpha(0)), x0) <= "
                   "%.3g (anchor != x0); %s: geodesic defect %.3g, ends %.3g "
                   "(band %.2g); %zu triples",
                   stated == MF_K1_NOTE ? "(t-1, t)" : "(1-t, t)", simplex,
                   f.stated_start,
                   fixed == MF_K1_BROKEN ? "(1-t, t(1+1e-9))" : "(1-t, t)",
                   f.fixed_geodesic, f.fixed_ends, band, sz->m9_n);
  return GSL_SUCCESS;
}
