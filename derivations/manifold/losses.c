/* derivations/manifold/losses.c -- claim M4 (N §Interpolating between
 * noise to data distribution over SE(3), rotations; §Vector field
 * parameterisation): the note's rotation loss
 *   L_tan(r1hat) = ||log_{r_t}(r1hat) - log_{r_t}(r1)||^2
 * "has the same minimiser as" L_geo(r1hat) = d(r1hat, r1)^2.
 *
 * Pointwise (one r1) both are >= 0 and vanish at r1hat = r1, the only zero
 * away from the cut locus of r_t (log_{r_t} is one-to-one on the ball of
 * radius pi).  The check does not assume it: the closed-form minimiser of
 * L_tan (exp_{r_t}(log_{r_t}(r1))) and the Karcher minimiser of L_geo are
 * at r1 to the round-off of a log, an exp and a distance
 * (pointwise_argmin, band 4 MF_SO3_ROUNDOFF), and every perturbation
 * r1 exp(eps u) increases both losses (pointwise_margin: the smallest
 * (L(r1 exp(eps u)) - L(r1))/eps^2 over the 6 frame directions and eps =
 * 1e-2 .. 1e-5 is > 0; a point with gradient g has a ratio near -|g|/eps
 * in the direction -g, so a shifted minimiser gives a negative margin).
 *
 * For a spread of r1 (a weighted set {r1_i, w_i}: the empirical law of n
 * IGSO(3) draws of scale s around mu, or the two rotations mu exp(-+ s e)
 * with weights 1/2) the expected losses are
 *   E L_tan = ||log_{r_t}(r1hat) - m||^2 + const,  m = sum w_i log_{r_t}(r1_i),
 * minimised at the tangent mean exp_{r_t}(m) (closed form), and
 *   E L_geo = sum w_i d(r1hat, r1_i)^2, gradient -2 sum w_i log_{r1hat}(r1_i),
 * minimised at the Frechet (Karcher) mean, computed by the fixed-point
 * iteration M <- M exp(sum w_i log(M^T r1_i)) to round-off (its residual is
 * half the gradient: reported as karcher_residual_max).  That each is the
 * minimiser of its loss is verified by the same perturbation margin
 * (tangent_mean_margin, frechet_mean_margin: VALID, the check is able to
 * find the minimisers).  The claim that they coincide is the EXACT figure
 * means_distance_* (max over spreads and times of their distance, band the
 * round-off of the two means: 4 MF_SO3_ROUNDOFF + n eps pi for the sum of
 * n tangent vectors of norm < pi).  r_t runs along the geodesic from a
 * noise rotation r0 at distance MF_M4_D0 of mu to mu: r_t = exp_mu((1-t)
 * log_mu(r0)).  The distances are reported per (s, t).
 *
 * Leading order (our derivation, reported): put the Frechet mean at the
 * identity, xi_i = log(r1_i) (zero mean), Sigma = sum w_i xi_i xi_i^T, b =
 * log(r_t).  Z(xi) = log(exp(-b) exp(xi)) solves dZ/de = J_r^{-1}(Z) xi
 * along e xi; with J_r^{-1}(A) = I + hat(A)/2 + hat(A)^2/12 + ... its
 * second-order part averages to (1/12) (Sigma b - tr(Sigma) b) + O(|b|^2
 * |Sigma|), so the tangent mean misses the Frechet mean by
 *   d ~ (1/12) |(tr(Sigma) I - Sigma) b|,
 * the spread's inertia tensor applied to b: s^2 d(r_t, mu)/6 for IGSO(3)
 * (Sigma ~ s^2 I), s^2 |b_perp|/12 for the mixture (b_perp: b across its
 * axis); 0 when the spread vanishes or when r_t is the mean.  The ratio of
 * d to this law is reported (lead_ratio_*: 1 + O(|b|^2 + s^2)).  */
#include <config.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "fc_rng.h"
#include "manifold_internal.h"

const double mf_m4_spreads[MF_M4_NS] = { 0.05, 0.1, 0.2, 0.4 };
const double mf_m4_times[MF_M4_NT] = { 0.0, 0.3, 0.6, 0.9 };

/* The law of r1 seen from r_t: N rotations R (n, 9) with weights W (n,
   summing to 1), and their body vectors A (n, 3) = log(r_t^T r1_i).  */
typedef struct
{
  size_t n;
  const double *R;
  const double *w;
  const double *rt;
  double *a;
} mf_law;

typedef enum
{
  MF_LOSS_TAN = 0, /* ||log_{r_t}(M) - log_{r_t}(r1)||^2 */
  MF_LOSS_GEO      /* d(M, r1)^2 */
} mf_loss;

/* The body vectors of LAW at r_t.  */
static int
mf_law_prepare (mf_law *law)
{
  for (size_t i = 0; i < law->n; i++)
    {
      int status = mf_log_body (law->rt, law->R + 9 * i, law->a + 3 * i);
      if (status)
        return status;
    }
  return GSL_SUCCESS;
}

static double
mf_norm3 (const double b[3])
{
  return sqrt (b[0] * b[0] + b[1] * b[1] + b[2] * b[2]);
}

/* The expected loss KIND of LAW at M.  */
static double
mf_expected_loss (mf_loss kind, const mf_law *law, const double M[9])
{
  double b[3], sum = 0.0;
  if (kind == MF_LOSS_TAN && mf_log_body (law->rt, M, b))
    return NAN;
  for (size_t i = 0; i < law->n; i++)
    {
      double e;
      if (kind == MF_LOSS_TAN)
        {
          double d[3];
          for (int k = 0; k < 3; k++)
            d[k] = b[k] - law->a[3 * i + k];
          e = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
        }
      else
        {
          e = fc_so3_dist (M, law->R + 9 * i);
          e *= e;
        }
      sum += law->w[i] * e;
    }
  return sum;
}

/* The tangent mean exp_{r_t}(sum w_i log_{r_t}(r1_i)), minimiser of
   E L_tan.  */
static int
mf_tangent_mean (const mf_law *law, double M[9])
{
  double m[3] = { 0.0, 0.0, 0.0 };
  for (size_t i = 0; i < law->n; i++)
    for (int k = 0; k < 3; k++)
      m[k] += law->w[i] * law->a[3 * i + k];
  for (int k = 0; k < 9; k++)
    M[k] = law->rt[k];
  return mf_step (M, m);
}

/* g = sum w_i log(M^T r1_i): half the negative gradient of E L_geo.  */
static int
mf_karcher_direction (const mf_law *law, const double M[9], double g[3])
{
  g[0] = g[1] = g[2] = 0.0;
  for (size_t i = 0; i < law->n; i++)
    {
      double b[3];
      int status = mf_log_body (M, law->R + 9 * i, b);
      if (status)
        return status;
      for (int k = 0; k < 3; k++)
        g[k] += law->w[i] * b[k];
    }
  return GSL_SUCCESS;
}

/* The Frechet mean from the start M (overwritten) by the Karcher
   iteration M <- M exp(g), hand-written (GSL has no Riemannian
   minimiser): it stops at |g| <= 8 eps, or when |g| no longer halves once
   below 1e-10 (the round-off floor of the sum); RESID = the final |g|.  */
static int
mf_frechet_mean (const mf_law *law, double M[9], double *resid)
{
  double prev = INFINITY;
  for (int it = 0; it < 200; it++)
    {
      double g[3];
      int status = mf_karcher_direction (law, M, g);
      if (status)
        return status;
      double ng = mf_norm3 (g);
      *resid = ng;
      if (ng <= 8.0 * DBL_EPSILON || (ng < 1e-10 && ng > 0.5 * prev))
        return GSL_SUCCESS;
      prev = ng;
      status = mf_step (M, g);
      if (status)
        return status;
    }
  GSL_ERROR ("Karcher iteration did not converge", GSL_EMAXITER);
}

/* The smallest (F(M exp(eps u)) - F(M))/eps^2 over u = +-e_k and eps =
   1e-2 .. 1e-5: > 0 at a strict minimiser, about -|grad F|/eps in the
   direction of steepest descent elsewhere.  */
static double
mf_margin (mf_loss kind, const mf_law *law, const double M[9])
{
  double f0 = mf_expected_loss (kind, law, M), worst = INFINITY;
  for (int k = 0; k < 6; k++)
    for (double eps = 1e-2; eps > 5e-6; eps *= 0.1)
      {
        double u[3] = { 0.0, 0.0, 0.0 }, x[9];
        u[k / 2] = k % 2 ? -eps : eps;
        for (int j = 0; j < 9; j++)
          x[j] = M[j];
        if (mf_step (x, u))
          return NAN;
        worst = fmin (worst, (mf_expected_loss (kind, law, x) - f0) / (eps * eps));
      }
  return worst;
}

/* ------------------------------------------------------ pointwise */

/* One r1 per random (r_t, r1) pair: distance of both minimisers to r1
   and the perturbation margins of both losses at r1.  The control
   shifted_minimiser evaluates the losses against r1 exp(MF_M4_SHIFT e_0).  */
static int
mf_m4_pointwise (const fc_run_options *opt, double *argmin, double *margin)
{
  const mf_sizes *sz = FC_SIZES (mf_size_plan, opt);
  double shift = fc_control_variant (opt) == MF_M4_SHIFTED_MINIMISER
                     ? MF_M4_SHIFT : 0.0;
  size_t n = sz->m4_pairs;
  double *X = malloc (18 * n * sizeof (double));
  if (X == NULL)
    GSL_ERROR ("no memory", GSL_ENOMEM);
  int status = mf_pairs (fc_module_seed (opt, MF_TAG_M4), n, 0.0, M_PI, X,
                         X + 9 * n);
  *argmin = 0.0;
  *margin = INFINITY;
  for (size_t p = 0; p < n && !status; p++)
    {
      double r1[9], target[9], a[3], Mt[9], Mf[9], one = 1.0, res;
      const double u[3] = { shift, 0.0, 0.0 };
      for (int k = 0; k < 9; k++)
        r1[k] = target[k] = X[9 * (n + p) + k];
      mf_law law = { 1, target, &one, X + 9 * p, a };
      status = mf_step (target, u);
      if (!status)
        status = mf_law_prepare (&law);
      if (!status)
        status = mf_tangent_mean (&law, Mt);
      for (int k = 0; k < 9; k++)
        Mf[k] = law.rt[k];
      if (!status)
        status = mf_frechet_mean (&law, Mf, &res);
      *argmin = fmax (*argmin, fmax (fc_so3_dist (Mt, r1), fc_so3_dist (Mf, r1)));
      *margin = fmin (*margin, fmin (mf_margin (MF_LOSS_TAN, &law, r1),
                                     mf_margin (MF_LOSS_GEO, &law, r1)));
    }
  free (X);
  return status;
}

/* ------------------------------------------------- spread of r1 */

/* What the spread study measures, max over its settings.  */
typedef struct
{
  double dist[2][MF_M4_NS][MF_M4_NT]; /* d(tangent mean, Frechet mean) */
  double margin_tan, margin_geo;      /* at each loss's own minimiser */
  double karcher_resid, grad_geo_at_tan, mix_vs_midpoint, max_sample_dist;
  double lead_min[2], lead_max[2];    /* d over the leading-order law */
  double law[2][MF_M4_NS][MF_M4_NT];  /* the leading-order law */
} mf_m4_spread_result;

/* Below this the law and d are round-off (zero spread): no ratio.  */
#define MF_M4_LEAD_MIN 1e-9

/* The leading-order law (1/12) |(tr(Sigma) I - Sigma) b| of d(tangent
   mean, Frechet mean) at the Frechet mean MF (header comment).  */
static int
mf_m4_leading (const mf_law *law, const double Mf[9], double *lead)
{
  double S[9] = { 0.0 }, b[3], xi[3];
  int status = mf_log_body (Mf, law->rt, b);
  for (size_t i = 0; i < law->n && !status; i++)
    {
      status = mf_log_body (Mf, law->R + 9 * i, xi);
      for (int j = 0; j < 3; j++)
        for (int k = 0; k < 3; k++)
          S[3 * j + k] += law->w[i] * xi[j] * xi[k];
    }
  double tr = S[0] + S[4] + S[8], v[3];
  for (int j = 0; j < 3; j++)
    v[j] = tr * b[j] - (S[3 * j] * b[0] + S[3 * j + 1] * b[1] + S[3 * j + 2] * b[2]);
  *lead = mf_norm3 (v) / 12.0;
  return status;
}

/* The two minimisers of LAW (rt set) and what they measure, into RES for
   family F (0 IGSO(3), 1 mixture) at setting (is, it).  SWAP evaluates
   each margin at the other loss's minimiser.  */
static int
mf_m4_setting (mf_law *law, int f, size_t is, size_t it, int swap,
               mf_m4_spread_result *res)
{
  double Mt[9], Mf[9], resid, g[3];
  int status = mf_law_prepare (law);
  if (!status)
    status = mf_tangent_mean (law, Mt);
  for (int k = 0; k < 9; k++)
    Mf[k] = Mt[k];
  if (!status)
    status = mf_frechet_mean (law, Mf, &resid);
  if (!status)
    status = mf_karcher_direction (law, Mt, g);
  if (status)
    return status;
  for (size_t i = 0; i < law->n; i++)
    res->max_sample_dist = fmax (res->max_sample_dist,
                                 mf_norm3 (law->a + 3 * i));
  res->dist[f][is][it] = fc_so3_dist (Mt, Mf);
  double lead;
  status = mf_m4_leading (law, Mf, &lead);
  if (status)
    return status;
  res->law[f][is][it] = lead;
  if (lead > MF_M4_LEAD_MIN)
    {
      res->lead_min[f] = fmin (res->lead_min[f], res->dist[f][is][it] / lead);
      res->lead_max[f] = fmax (res->lead_max[f], res->dist[f][is][it] / lead);
    }
  res->margin_tan = fmin (res->margin_tan,
                          mf_margin (MF_LOSS_TAN, law, swap ? Mf : Mt));
  res->margin_geo = fmin (res->margin_geo,
                          mf_margin (MF_LOSS_GEO, law, swap ? Mt : Mf));
  res->karcher_resid = fmax (res->karcher_resid, resid);
  res->grad_geo_at_tan = fmax (res->grad_geo_at_tan, 2.0 * mf_norm3 (g));
  if (f == 1)
    {
      /* Two rotations, weights 1/2: the Frechet mean is their midpoint.  */
      double mid[9];
      status = fc_so3_geodesic (law->R, law->R + 9, 0.5, mid);
      res->mix_vs_midpoint = fmax (res->mix_vs_midpoint, fc_so3_dist (Mf, mid));
    }
  return status;
}

/* The rotations of family F at spread S around MU into R (n, 9) and their
   weights into W: F = 0, mu E_i with E (n, 9) IGSO(3) draws around the
   identity; F = 1, mu exp(-+ s axis), n = 2.  Zero spread: mu.  */
static int
mf_m4_family (int f, double s, const double mu[9], const double axis[3],
              const double *E, size_t n, int zero, double *R, double *w)
{
  int status = GSL_SUCCESS;
  for (size_t i = 0; i < n && !status; i++)
    {
      w[i] = 1.0 / (double) n;
      if (f == 0 && !zero)
        mf_mul (mu, E + 9 * i, R + 9 * i);
      else
        {
          double b[3];
          for (int k = 0; k < 3; k++)
            b[k] = zero ? 0.0 : (i ? s : -s) * axis[k];
          for (int k = 0; k < 9; k++)
            R[9 * i + k] = mu[k];
          status = mf_step (R + 9 * i, b);
        }
    }
  return status;
}

/* mu, the noise direction (r0 = mu exp(MF_M4_D0 dir)) and the mixture
   axis from the stream TAG + 1.  */
static int
mf_m4_frame (const fc_run_options *opt, double mu[9], double dir[3],
             double axis[3])
{
  int status = fc_so3_haar (fc_module_seed (opt, MF_TAG_M4 + 1), 1, mu);
  gsl_rng *r = fc_rng_alloc (fc_module_seed (opt, MF_TAG_M4 + 2), 0);
  if (r == NULL)
    GSL_ERROR ("no memory", GSL_ENOMEM);
  gsl_ran_dir_3d (r, dir, dir + 1, dir + 2);
  gsl_ran_dir_3d (r, axis, axis + 1, axis + 2);
  gsl_rng_free (r);
  return status;
}

static int
mf_m4_spread (const fc_run_options *opt, mf_m4_spread_result *res)
{
  const mf_sizes *sz = FC_SIZES (mf_size_plan, opt);
  int variant = fc_control_variant (opt);
  size_t n = sz->m4_n;
  double *E = malloc (19 * n * sizeof (double)), mu[9], dir[3], axis[3];
  if (E == NULL)
    GSL_ERROR ("no memory", GSL_ENOMEM);
  double *R = E + 9 * n, *w = R + 9 * n, *a = malloc (3 * n * sizeof (double));
  int status = a == NULL ? GSL_ENOMEM : mf_m4_frame (opt, mu, dir, axis);
  res->margin_tan = res->margin_geo = INFINITY;
  res->lead_min[0] = res->lead_min[1] = INFINITY;
  res->lead_max[0] = res->lead_max[1] = -INFINITY;
  for (size_t is = 0; is < MF_M4_NS && !status; is += sz->m4_stride)
    {
      double s = mf_m4_spreads[is];
      /* Common draws for every s: the same stream scaled by the sampler.  */
      status = fc_so3_igso3_sample (fc_module_seed (opt, MF_TAG_M4 + 3), s, n,
                                    E, NULL);
      for (int f = 0; f < 2 && !status; f++)
        {
          size_t m = f == 0 ? n : 2;
          status = mf_m4_family (f, s, mu, axis, E, m,
                                 variant == MF_M4_ZERO_SPREAD, R, w);
          for (size_t it = 0; it < MF_M4_NT && !status; it += sz->m4_stride)
            {
              double rt[9], b[3];
              for (int k = 0; k < 3; k++)
                b[k] = (1.0 - mf_m4_times[it]) * MF_M4_D0 * dir[k];
              for (int k = 0; k < 9; k++)
                rt[k] = mu[k];
              status = mf_step (rt, b);
              mf_law law = { m, R, w, rt, a };
              if (!status)
                status = mf_m4_setting (&law, f, is, it,
                                        variant == MF_M4_SWAPPED_MINIMISERS, res);
            }
        }
    }
  free (E);
  free (a);
  return status;
}

/* so3-means: the table and its law into the figure record (NaN where
   the size plan skips a setting).  */
static void
mf_m4_store_figure (const fc_run_options *opt, const mf_m4_spread_result *res)
{
  const mf_sizes *sz = FC_SIZES (mf_size_plan, opt);
  mf_figures *fig = opt->figures;
  if (fig == NULL)
    return;
  for (int f = 0; f < 2; f++)
    for (size_t is = 0; is < MF_M4_NS; is++)
      for (size_t it = 0; it < MF_M4_NT; it++)
        {
          int run = is % sz->m4_stride == 0 && it % sz->m4_stride == 0;
          fig->means.d[f][is][it] = run ? res->dist[f][is][it] : NAN;
          fig->means.law[f][is][it] = run ? res->law[f][is][it] : NAN;
        }
  fig->means.draws = sz->m4_n;
  fig->means.done = 1;
}

/* The distances of family F as reported figures, one per (s, t).  */
static double
mf_m4_report_table (fc_verdict *v, const mf_sizes *sz, int f,
                    const mf_m4_spread_result *res)
{
  double worst = 0.0;
  for (size_t is = 0; is < MF_M4_NS; is += sz->m4_stride)
    for (size_t it = 0; it < MF_M4_NT; it += sz->m4_stride)
      {
        char name[FC_VERDICT_NAME_LEN];
        snprintf (name, sizeof name, "d_%s_s%g_t%g", f ? "mix" : "igso3",
                  mf_m4_spreads[is], mf_m4_times[it]);
        fc_verdict_report (v, name, res->dist[f][is][it], NAN);
        worst = fmax (worst, res->dist[f][is][it]);
      }
  return worst;
}

int
mf_check_m4 (const fc_run_options *opt, fc_verdict *v)
{
  const mf_sizes *sz = FC_SIZES (mf_size_plan, opt);
  double argmin, margin;
  mf_m4_spread_result res = { 0 };
  int status = mf_m4_pointwise (opt, &argmin, &margin);
  if (!status)
    status = mf_m4_spread (opt, &res);
  if (status)
    GSL_ERROR ("M4 failed", status);
  mf_m4_store_figure (opt, &res);

  double band_pt = 4.0 * MF_SO3_ROUNDOFF;
  fc_verdict_decide (v, FC_TEST_HOLDS, "pointwise_argmin", argmin, band_pt,
                     argmin <= band_pt);
  fc_verdict_decide (v, FC_TEST_HOLDS, "pointwise_margin", margin, 0.0,
                     margin > 0.0);
  fc_verdict_decide (v, FC_TEST_VALID, "tangent_mean_margin", res.margin_tan,
                     0.0, res.margin_tan > 0.0);
  fc_verdict_decide (v, FC_TEST_VALID, "frechet_mean_margin", res.margin_geo,
                     0.0, res.margin_geo > 0.0);
  double band = 4.0 * MF_SO3_ROUNDOFF + (double) sz->m4_n * DBL_EPSILON * M_PI;
  double di = mf_m4_report_table (v, sz, 0, &res);
  double dm = mf_m4_report_table (v, sz, 1, &res);
  fc_verdict_decide (v, FC_TEST_EXACT, "means_distance_igso3", di, band,
                     di <= band);
  fc_verdict_decide (v, FC_TEST_EXACT, "means_distance_mixture", dm, band,
                     dm <= band);
  fc_verdict_report (v, "pairs", (double) sz->m4_pairs, NAN);
  fc_verdict_report (v, "igso3_draws", (double) sz->m4_n, NAN);
  fc_verdict_report (v, "karcher_residual_max", res.karcher_resid, NAN);
  fc_verdict_report (v, "grad_geo_at_tangent_max", res.grad_geo_at_tan, NAN);
  fc_verdict_report (v, "mixture_frechet_off_midpoint", res.mix_vs_midpoint, NAN);
  fc_verdict_report (v, "max_dist_rt_r1", res.max_sample_dist, NAN);
  static const char *const lead_names[2][2]
      = { { "lead_ratio_igso3_min", "lead_ratio_igso3_max" },
          { "lead_ratio_mix_min", "lead_ratio_mix_max" } };
  for (int f = 0; f < 2; f++)
    {
      int any = res.lead_min[f] <= res.lead_max[f];
      fc_verdict_report (v, lead_names[f][0], any ? res.lead_min[f] : NAN, NAN);
      fc_verdict_report (v, lead_names[f][1], any ? res.lead_max[f] : NAN, NAN);
    }
  fc_verdict_note (v, "pointwise: argmin %.3g from r1 (band %.3g), margin %.3g; "
                   "spread: d(tangent mean, Frechet mean) <= %.3g (IGSO(3)), "
                   "%.3g (mixture) (band %.3g); margins %.3g, %.3g",
                   argmin, band_pt, margin, di, dm, band, res.margin_tan,
                   res.margin_geo);
  return GSL_SUCCESS;
}
