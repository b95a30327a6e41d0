/* tests/check_wasserstein.c -- W2^2 between Gaussians and the Gelbrich
 * bound (fc_wasserstein.h) against independent forms:
 *   - 1-D: (m1 - m2)^2 + (s1 - s2)^2;
 *   - commuting (diagonal) covariances: the sum of the per-axis 1-D terms;
 *   - full 2 x 2 covariances: for a 2 x 2 PSD matrix M,
 *     tr M^{1/2} = sqrt(tr M + 2 sqrt(det M)), and the spectrum of
 *     S1^{1/2} S2 S1^{1/2} is that of S1 S2, so the cross term is
 *     sqrt(tr(S1 S2) + 2 sqrt(det S1 det S2)) with no square root of a
 *     matrix at all;
 *   - symmetry, translation invariance, W2(a, a) = 0, a point mass;
 *   - Gelbrich = W2 for one-component mixtures, and Gelbrich <= W2 for a
 *     1-D mixture pair whose W2^2 = int_0^1 (F^{-1}(u) - G^{-1}(u))^2 du is
 *     computed by quadrature of the quantile functions;
 *   - every error path.
 *
 * Round-off band: the cross term comes from an eigen-decomposition whose
 * eigenvalues are accurate to about D eps times the largest, and its square
 * roots amplify relative error by at most 1/2 times sqrt(KAPPA) (the ratio
 * of the largest to the smallest eigenvalue's square root), so W2^2 is
 * compared within TOL_W2 = TOL_EPS(16) D KAPPA times the scale
 * |m1 - m2|^2 + tr S1 + tr S2 (the terms that cancel).  */
#include <config.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_roots.h>

#include "fc_check.h"
#include "fc_gmm.h"
#include "fc_wasserstein.h"

/* Eigenvalue bounds of the covariances below (2 x 2: from trace and
   determinant; diagonal: the entries).  */
#define EIG_MIN 0.2
#define EIG_MAX 2.5
#define KAPPA (EIG_MAX / EIG_MIN)
#define TOL_W2(d) (TOL_EPS (16) * (d) * KAPPA)

static const double S1[4] = { 0.8, 0.3, 0.3, 0.5 };   /* eig 0.32, 0.98 */
static const double S2[4] = { 1.9, -0.6, -0.6, 0.7 }; /* eig 0.46, 2.14 */
static const double M1[2] = { 0.381966, -1.2 };
static const double M2[2] = { -0.7236, 0.45 };

static double
scale2 (const double *m1, const double *s1, const double *m2,
        const double *s2)
{
  double dm = (m1[0] - m2[0]) * (m1[0] - m2[0])
              + (m1[1] - m2[1]) * (m1[1] - m2[1]);
  return dm + s1[0] + s1[3] + s2[0] + s2[3];
}

/* The 2 x 2 closed form of the file comment.  */
static double
w2sq_2x2 (const double *m1, const double *s1, const double *m2,
          const double *s2)
{
  double tr12 = s1[0] * s2[0] + s1[1] * s2[2] + s1[2] * s2[1] + s1[3] * s2[3];
  double det1 = s1[0] * s1[3] - s1[1] * s1[2];
  double det2 = s2[0] * s2[3] - s2[1] * s2[2];
  double cross = sqrt (tr12 + 2.0 * sqrt (det1 * det2));
  double dm = (m1[0] - m2[0]) * (m1[0] - m2[0])
              + (m1[1] - m2[1]) * (m1[1] - m2[1]);
  return dm + s1[0] + s1[3] + s2[0] + s2[3] - 2.0 * cross;
}

FC_TEST ("closed form", test_one_dimension_is_mean_gap_plus_sd_gap)
{
  const double m1 = 0.381966, v1 = 0.7, m2 = -1.2, v2 = 2.3;
  double w;
  ck_assert_int_eq (fc_w2sq_gaussian (1, &m1, &v1, &m2, &v2, &w), GSL_SUCCESS);
  double e = (m1 - m2) * (m1 - m2) + (sqrt (v1) - sqrt (v2)) * (sqrt (v1) - sqrt (v2));
  fc_ck_assert_abs (w, e, TOL_W2 (1) * ((m1 - m2) * (m1 - m2) + v1 + v2),
                    "1-D W2^2");
}
END_TEST

FC_TEST ("closed form", test_diagonal_covariances_sum_per_axis_terms)
{
  const double m1[3] = { 0.1, -0.381966, 2.0 }, m2[3] = { 1.1, 0.25, -0.5 };
  const double s1[9] = { 0.3, 0, 0, 0, 1.7, 0, 0, 0, 2.5 };
  const double s2[9] = { 2.2, 0, 0, 0, 0.2, 0, 0, 0, 0.9 };
  double w, e = 0.0, sc = 0.0;
  for (size_t i = 0; i < 3; i++)
    {
      double a = sqrt (s1[4 * i]) - sqrt (s2[4 * i]);
      e += (m1[i] - m2[i]) * (m1[i] - m2[i]) + a * a;
      sc += (m1[i] - m2[i]) * (m1[i] - m2[i]) + s1[4 * i] + s2[4 * i];
    }
  ck_assert_int_eq (fc_w2sq_gaussian (3, m1, s1, m2, s2, &w), GSL_SUCCESS);
  fc_ck_assert_abs (w, e, TOL_W2 (3) * sc, "diagonal W2^2");
}
END_TEST

FC_TEST ("closed form", test_full_two_by_two_matches_trace_determinant_form)
{
  double w, e = w2sq_2x2 (M1, S1, M2, S2);
  ck_assert_int_eq (fc_w2sq_gaussian (2, M1, S1, M2, S2, &w), GSL_SUCCESS);
  fc_ck_assert_abs (w, e, TOL_W2 (2) * scale2 (M1, S1, M2, S2), "2x2 W2^2");
  /* Symmetry.  */
  double w21;
  ck_assert_int_eq (fc_w2sq_gaussian (2, M2, S2, M1, S1, &w21), GSL_SUCCESS);
  fc_ck_assert_abs (w21, w, TOL_W2 (2) * scale2 (M1, S1, M2, S2), "symmetry");
  /* Translation of both laws by the same vector.  */
  const double v[2] = { 3.7, -2.381966 };
  double a[2] = { M1[0] + v[0], M1[1] + v[1] }, b[2] = { M2[0] + v[0], M2[1] + v[1] };
  double wt;
  ck_assert_int_eq (fc_w2sq_gaussian (2, a, S1, b, S2, &wt), GSL_SUCCESS);
  fc_ck_assert_abs (wt, w, TOL_W2 (2) * scale2 (M1, S1, M2, S2),
                    "translation");
  /* The same law: 0 to round-off (the trace terms cancel).  */
  double w0;
  ck_assert_int_eq (fc_w2sq_gaussian (2, M1, S2, M1, S2, &w0), GSL_SUCCESS);
  fc_ck_assert_abs (w0, 0.0, TOL_W2 (2) * 2.0 * (S2[0] + S2[3]), "W2(a, a)");
  ck_assert (w0 >= 0.0);
}
END_TEST

/* A point mass at M1 (S = 0) and N(M2, S2): |m1 - m2|^2 + tr S2.  */
FC_TEST ("closed form", test_point_mass_costs_mean_gap_plus_trace)
{
  const double z[4] = { 0, 0, 0, 0 };
  double w;
  ck_assert_int_eq (fc_w2sq_gaussian (2, M1, z, M2, S2, &w), GSL_SUCCESS);
  double e = (M1[0] - M2[0]) * (M1[0] - M2[0])
             + (M1[1] - M2[1]) * (M1[1] - M2[1]) + S2[0] + S2[3];
  fc_ck_assert_abs (w, e, TOL_W2 (2) * e, "point mass");
}
END_TEST

static fc_gmm *
make_gmm (size_t d, size_t nc, const double *w, const double *mu,
          const double *s)
{
  fc_gmm *g = fc_gmm_alloc (d, nc);
  for (size_t k = 0; k < nc; k++)
    ck_assert_int_eq (fc_gmm_set_component (g, k, w[k], mu + k * d,
                                            s + k * d * d), GSL_SUCCESS);
  ck_assert_int_eq (fc_gmm_prepare (g), GSL_SUCCESS);
  return g;
}

FC_TEST ("closed form", test_gelbrich_equals_w2_for_single_gaussians)
{
  const double one = 1.0;
  fc_gmm *a = make_gmm (2, 1, &one, M1, S1), *b = make_gmm (2, 1, &one, M2, S2);
  double wg, w;
  ck_assert_int_eq (fc_w2sq_gelbrich (a, b, &wg), GSL_SUCCESS);
  ck_assert_int_eq (fc_w2sq_gaussian (2, M1, S1, M2, S2, &w), GSL_SUCCESS);
  fc_ck_assert_abs (wg, w, TOL_W2 (2) * scale2 (M1, S1, M2, S2), "Gelbrich");
  fc_gmm_free (a);
  fc_gmm_free (b);
}
END_TEST

/* ---------------------------------------- 1-D W2 by quantile quadrature */

typedef struct
{
  const fc_gmm *g;
  double u;
} cdf_arg;

/* F(x) - u for a 1-D mixture.  */
static double
cdf_minus_u (double x, void *p)
{
  const cdf_arg *a = p;
  double f = 0.0;
  for (size_t k = 0; k < a->g->n_comp; k++)
    f += a->g->weight[k]
         * gsl_cdf_gaussian_P (x - a->g->mean[k], sqrt (a->g->cov[k]));
  return f - a->u;
}

/* F^{-1}(u) by Brent's method on a bracket that contains every
   component's mean +- 40 sd (F is below 1e-300 or above 1 - 1e-16 beyond),
   to an absolute tolerance QUANTILE_TOL.  */
#define QUANTILE_TOL 1e-13
static double
quantile (const fc_gmm *g, double u)
{
  double lo = INFINITY, hi = -INFINITY;
  for (size_t k = 0; k < g->n_comp; k++)
    {
      double s = sqrt (g->cov[k]);
      lo = GSL_MIN (lo, g->mean[k] - 40.0 * s);
      hi = GSL_MAX (hi, g->mean[k] + 40.0 * s);
    }
  cdf_arg a = { g, u };
  gsl_function f = { cdf_minus_u, &a };
  gsl_root_fsolver *s = gsl_root_fsolver_alloc (gsl_root_fsolver_brent);
  gsl_root_fsolver_set (s, &f, lo, hi);
  double x = 0.5 * (lo + hi);
  for (int it = 0; it < 200; it++)
    {
      gsl_root_fsolver_iterate (s);
      x = gsl_root_fsolver_root (s);
      if (gsl_root_test_interval (gsl_root_fsolver_x_lower (s),
                                  gsl_root_fsolver_x_upper (s), QUANTILE_TOL,
                                  0.0) == GSL_SUCCESS)
        break;
    }
  gsl_root_fsolver_free (s);
  return x;
}

typedef struct
{
  const fc_gmm *a, *b;
} pair_arg;

static double
quantile_gap2 (double u, void *p)
{
  const pair_arg *q = p;
  double d = quantile (q->a, u) - quantile (q->b, u);
  return d * d;
}

/* int_0^1 (F^{-1} - G^{-1})^2 du by QAGS (the quantiles diverge like
   sqrt(log(1/u)) at the ends: integrable singularities, which QAGS's
   extrapolation handles) to relative accuracy QUAD_REL.  */
#define QUAD_REL 1e-8
static double
w2sq_quantile (const fc_gmm *a, const fc_gmm *b, double *abserr)
{
  gsl_integration_workspace *w = gsl_integration_workspace_alloc (200);
  pair_arg p = { a, b };
  gsl_function f = { quantile_gap2, &p };
  double r = 0.0;
  ck_assert_int_eq (gsl_integration_qags (&f, 0.0, 1.0, 0.0, QUAD_REL, 200,
                                          w, &r, abserr), GSL_SUCCESS);
  gsl_integration_workspace_free (w);
  return r;
}

/* The quadrature first reproduces the closed form for two Gaussians
   (within its error estimate plus QUAD_REL), then bounds the Gelbrich
   value of a mixture pair from above.  The pair is a bimodal mixture and
   a Gaussian with nearly the same two moments, so the bound is far from
   tight: Gelbrich must be below W2^2 by more than the quadrature error. */
FC_TEST ("closed form", test_gelbrich_is_below_quantile_w2_of_one_d_mixtures)
{
  const double w1[1] = { 1.0 }, mg[1] = { 0.3 }, vg[1] = { 1.4 };
  const double mg2[1] = { -0.9 }, vg2[1] = { 0.35 };
  fc_gmm *g1 = make_gmm (1, 1, w1, mg, vg), *g2 = make_gmm (1, 1, w1, mg2, vg2);
  double err, q = w2sq_quantile (g1, g2, &err), e;
  ck_assert_int_eq (fc_w2sq_gaussian (1, mg, vg, mg2, vg2, &e), GSL_SUCCESS);
  fc_ck_assert_abs (q, e, err + QUAD_REL * e, "quadrature vs closed form");

  const double wm[2] = { 0.381966, 0.618034 }, mm[2] = { -1.5, 1.1 };
  const double vm[2] = { 0.2, 0.45 };
  fc_gmm *mix = make_gmm (1, 2, wm, mm, vm);
  double mean, var;
  fc_gmm_moments (mix, &mean, &var);
  const double mn[1] = { mean + 0.1 }, vn[1] = { var * 0.9 };
  fc_gmm *gn = make_gmm (1, 1, w1, mn, vn);
  double wq = w2sq_quantile (mix, gn, &err), wg;
  ck_assert_int_eq (fc_w2sq_gelbrich (mix, gn, &wg), GSL_SUCCESS);
  ck_assert_msg (wg + err + QUAD_REL * wq < wq,
                 "Gelbrich %.17g not below quantile W2^2 %.17g (err %g)", wg,
                 wq, err);
  /* And it is the Gaussian formula of the matched moments.  */
  double wd;
  fc_w2sq_gaussian (1, &mean, &var, mn, vn, &wd);
  fc_ck_assert_abs (wg, wd, TOL_W2 (1) * (wd + var + vn[0]), "matched");
  fc_gmm_free (g1);
  fc_gmm_free (g2);
  fc_gmm_free (mix);
  fc_gmm_free (gn);
}
END_TEST

FC_TEST ("closed form", test_invalid_inputs_are_refused)
{
  double w;
  const double bad_sym[4] = { 1.0, 0.5, 0.2, 1.0 };
  const double not_psd[4] = { 1.0, 2.0, 2.0, 1.0 }; /* eigenvalues 3, -1 */
  const double nan_cov[4] = { 1.0, NAN, NAN, 1.0 };
  const double nan_m[2] = { NAN, 0.0 };
  ck_assert_int_eq (fc_w2sq_gaussian (2, NULL, S1, M2, S2, &w), GSL_EINVAL);
  ck_assert_int_eq (fc_w2sq_gaussian (2, M1, NULL, M2, S2, &w), GSL_EINVAL);
  ck_assert_int_eq (fc_w2sq_gaussian (2, M1, S1, NULL, S2, &w), GSL_EINVAL);
  ck_assert_int_eq (fc_w2sq_gaussian (2, M1, S1, M2, NULL, &w), GSL_EINVAL);
  ck_assert_int_eq (fc_w2sq_gaussian (2, M1, S1, M2, S2, NULL), GSL_EINVAL);
  ck_assert_int_eq (fc_w2sq_gaussian (0, M1, S1, M2, S2, &w), GSL_EDOM);
  ck_assert_int_eq (fc_w2sq_gaussian (2, nan_m, S1, M2, S2, &w), GSL_EDOM);
  ck_assert_int_eq (fc_w2sq_gaussian (2, M1, nan_cov, M2, S2, &w), GSL_EDOM);
  ck_assert_int_eq (fc_w2sq_gaussian (2, M1, bad_sym, M2, S2, &w), GSL_EDOM);
  ck_assert_int_eq (fc_w2sq_gaussian (2, M1, S1, M2, bad_sym, &w), GSL_EDOM);
  ck_assert_int_eq (fc_w2sq_gaussian (2, M1, not_psd, M2, S2, &w), GSL_EDOM);
  ck_assert_int_eq (fc_w2sq_gaussian (2, M1, S1, M2, not_psd, &w), GSL_EDOM);

  const double one = 1.0, z = 0.0;
  fc_gmm *a = make_gmm (2, 1, &one, M1, S1);
  fc_gmm *b = make_gmm (1, 1, &one, &z, &one);
  ck_assert_int_eq (fc_w2sq_gelbrich (a, b, &w), GSL_EBADLEN);
  ck_assert_int_eq (fc_w2sq_gelbrich (NULL, b, &w), GSL_EINVAL);
  ck_assert_int_eq (fc_w2sq_gelbrich (a, NULL, &w), GSL_EINVAL);
  ck_assert_int_eq (fc_w2sq_gelbrich (a, a, NULL), GSL_EINVAL);
  fc_gmm *raw = fc_gmm_alloc (2, 1);
  fc_gmm_set_component (raw, 0, 1.0, M2, S2);
  ck_assert_int_eq (fc_w2sq_gelbrich (a, raw, &w), GSL_EINVAL);
  fc_gmm_free (raw);
  fc_gmm_free (a);
  fc_gmm_free (b);
}
END_TEST

FC_CK_MAIN ("wasserstein")
