/* derivations/manifold/marginal_field.c -- claim M7: the conditional
 * density, the posterior-weighted marginal field and its continuity
 * residual on SO(3), and geodesic Euler under it (beyond the note; N
 * §Scheduling for the path and its field, N §ODE and "marginal vf induced
 * by conditional vf" for the marginal construction).
 *
 * The density (derived here).  x0 is Haar, so y = x1^T x0 is Haar: its
 * angle w0 has density (1 - cos w0)/pi on [0, pi], its axis is uniform and
 * independent.  x1^T x_t = exp (kappa log y) keeps the axis and scales the
 * angle: w = kappa w0 in [0, kappa pi] with density (1 - cos(w/kappa))/(pi
 * kappa).  The axis being uniform on both sides, the density w.r.t.
 * normalised Haar is the ratio of the angle densities,
 *   p_t(x|x1) = (1 - cos(w/kappa)) / (kappa (1 - cos w))
 *             = sin^2(w/(2 kappa)) / (kappa sin^2(w/2)),    w < kappa pi,
 * and 0 beyond (the second form has no cancellation at small w; its limit
 * at w = 0 is 1/kappa^3).  Inside the ball it tends to 2/(kappa (1 -
 * cos(kappa pi))) > 0 at the edge: the density jumps there.
 *
 * The field.  u_t(x|x1) = -(d log kappa/dt) log_x(x1) (M3) has the body
 * vector r(t) log(x^T x1), r = -kappa'/kappa; the marginal field is the
 * posterior mean b = sum_j w_j p_j u_j / sum_j w_j p_j (p_j = p_t(x|x1_j)).
 * With X = sum_k b_k E_k in the left-invariant frame (fc_so3_frame),
 * div X = sum_k E_k b_k: the E_k generate right multiplications, which
 * keep the (bi-invariant) Haar measure, so they are divergence free.  The
 * continuity equation dp/dt + sum_k E_k (p b_k) = 0 is checked by central
 * differences in t and in e along x exp(e e_k).  */
#include <config.h>

#include <math.h>

#include <gsl/gsl_errno.h>

#include "manifold_internal.h"

/* The data set: rotation vectors and weights.  Pairwise distances 1.2,
   1.5 and about 1.7, so the balls d < kappa pi overlap for kappa > 0.6 or
   so and are disjoint for kappa < 0.19: the field mixes components at
   early times and follows one at late times.  */
static const double mf_m7_rotvec[MF_M7_NDATA][3] = {
  { 0.0, 0.0, 0.0 }, { 1.2, 0.0, 0.0 }, { 0.0, 0.9, 1.2 }
};
const double mf_m7_weight[MF_M7_NDATA] = { 0.5, 0.3, 0.2 };

int
mf_m7_data (double X1[MF_M7_NDATA][9])
{
  for (size_t j = 0; j < MF_M7_NDATA; j++)
    {
      int status = fc_so3_exp (mf_m7_rotvec[j], X1[j]);
      if (status)
        return status;
    }
  return GSL_SUCCESS;
}

double
mf_m7_kappa (const mf_m7_model *m, double t)
{
  return m->rate_c > 0.0 ? exp (-m->rate_c * t) : 1.0 - t;
}

/* r(t) = -(d log kappa/dt) (1/(1-t) or c), times the control's factor.  */
static double
mf_m7_rate (const mf_m7_model *m, double t)
{
  double r = m->rate_c > 0.0 ? m->rate_c : 1.0 / (1.0 - t);
  return r * m->rate_factor;
}

/* The conditional density times kappa^kappa_power (the factor is the
   same for every data rotation: mf_m7_field divides once per point).  */
static double
mf_m7_cond_sines (const mf_m7_model *m, double w, double kappa)
{
  double edge = m->cutoff ? kappa * M_PI : M_PI;
  if (!(w < edge))
    return 0.0;
  /* Below 1e-150 the ratio of sines is its limit 1/kappa to round-off.  */
  double s = w > 1e-150 ? sin (w / (2.0 * kappa)) / sin (w / 2.0)
                        : 1.0 / kappa;
  return s * s;
}

/* kappa^kappa_power: a product for the derived power 1 and the control's
   2 (pow was 6% of M7's time; pow (k, 1) is k exactly, k * k is the
   correctly rounded square pow approximates to 0.52 ulp).  */
static double
mf_m7_kappa_pow (const mf_m7_model *m, double kappa)
{
  if (m->kappa_power == 1.0)
    return kappa;
  if (m->kappa_power == 2.0)
    return kappa * kappa;
  return pow (kappa, m->kappa_power);
}

double
mf_m7_cond_density (const mf_m7_model *m, double w, double kappa)
{
  return mf_m7_cond_sines (m, w, kappa) / mf_m7_kappa_pow (m, kappa);
}

/* Below the cosine of the sphere's angle by this much, the cosine of
   d(x, x1) from the trace of x^T x1 (error a few eps, and the departure of
   x from a rotation after Euler's steps, ~1e-14) puts x beyond the sphere
   by at least 1e-9 - 1e-14 in angle (|d cos/dw| <= 1), far more than
   fc_so3_log's 1e-13: mf_m7_cond_sines of the log's angle is then 0.  */
#define MF_M7_OUTSIDE_MARGIN 1e-9

/* cos d(x, y) = (tr (x^T y) - 1)/2, tr (x^T y) = sum_ab x_ab y_ab.  */
static double
mf_cos_dist (const double x[9], const double y[9])
{
  double tr = 0.0;
  for (int i = 0; i < 9; i++)
    tr += x[i] * y[i];
  return 0.5 * (tr - 1.0);
}

void
mf_m7_time_at (const mf_m7_model *m, double t, mf_m7_time *tm)
{
  tm->kappa = mf_m7_kappa (m, t);
  tm->rate = mf_m7_rate (m, t);
  tm->kpow = mf_m7_kappa_pow (m, tm->kappa);
  tm->cos_out = m->cutoff ? cos (tm->kappa * M_PI) - MF_M7_OUTSIDE_MARGIN
                          : -INFINITY;
}

int
mf_m7_field_at (const mf_m7_model *m, const double X1[MF_M7_NDATA][9],
                const mf_m7_time *tm, const double x[9], double *p,
                double b[3])
{
  double den = 0.0, num[3] = { 0.0, 0.0, 0.0 };
  *p = 0.0;
  for (size_t j = 0; j < MF_M7_NDATA; j++)
    {
      /* A data rotation certainly beyond its sphere has p_j = 0 and adds
         exact zeros to every sum below: its log (the field's main cost)
         is skipped, the numbers kept to the bit.  41% of M7's 2.7e7
         pairs are skipped, nearly all on Euler's paths.  */
      if (mf_cos_dist (x, X1[j]) < tm->cos_out)
        continue;
      double lg[3];
      int status = mf_log_body (x, X1[j], lg);
      if (status)
        return status;
      /* |lg| <= pi: no overflow for hypot to guard against, and its
         rounding-mode switches made it a quarter of M7's time.  */
      double w = sqrt (lg[0] * lg[0] + lg[1] * lg[1] + lg[2] * lg[2]);
      double pj = mf_m7_cond_sines (m, w, tm->kappa) / tm->kpow;
      /* The posterior's prior weight: w_j, or 1/J in the control that
         leaves the weights out.  */
      double a = m->weighted ? mf_m7_weight[j] : 1.0 / MF_M7_NDATA;
      *p += mf_m7_weight[j] * pj;
      den += a * pj;
      for (int i = 0; i < 3; i++)
        num[i] += a * pj * tm->rate * lg[i];
    }
  for (int i = 0; i < 3; i++)
    b[i] = den > 0.0 ? num[i] / den : 0.0;
  return GSL_SUCCESS;
}

int
mf_m7_field (const mf_m7_model *m, const double X1[MF_M7_NDATA][9],
             double t, const double x[9], double *p, double b[3])
{
  mf_m7_time tm;
  mf_m7_time_at (m, t, &tm);
  return mf_m7_field_at (m, X1, &tm, x, p, b);
}

/* p b at x exp(e e_k) (flux, 3).  */
static int
mf_m7_flux_at (const mf_m7_model *m, const double X1[MF_M7_NDATA][9],
               double t, const double x[9], size_t k, double e,
               double flux[3])
{
  double y[9], ek[3] = { 0.0, 0.0, 0.0 }, p;
  for (int i = 0; i < 9; i++)
    y[i] = x[i];
  ek[k] = e;
  int status = mf_step (y, ek);
  if (!status)
    status = mf_m7_field (m, X1, t, y, &p, flux);
  for (int i = 0; i < 3; i++)
    flux[i] *= p;
  return status;
}

int
mf_m7_residual (const mf_m7_model *m, const double X1[MF_M7_NDATA][9],
                double t, double h, const double x[9], double *res,
                double *dpdt)
{
  double pp = 0.0, pm = 0.0, b[3];
  int status = mf_m7_field (m, X1, t + h, x, &pp, b);
  if (!status)
    status = mf_m7_field (m, X1, t - h, x, &pm, b);
  *dpdt = (pp - pm) / (2.0 * h);
  double div = 0.0;
  for (size_t k = 0; k < 3 && !status; k++)
    {
      double fp[3] = { 0.0 }, fm[3] = { 0.0 };
      status = mf_m7_flux_at (m, X1, t, x, k, h, fp);
      if (!status)
        status = mf_m7_flux_at (m, X1, t, x, k, -h, fm);
      div += (fp[k] - fm[k]) / (2.0 * h);
    }
  *res = *dpdt + div;
  return status;
}

int
mf_m7_euler (const mf_m7_model *m, const double X1[MF_M7_NDATA][9],
             size_t steps, const mf_m7_time *times, double x[9], int *lost)
{
  double h = 1.0 / (double) steps;
  *lost = 0;
  for (size_t k = 0; k < steps; k++)
    {
      double p, b[3];
      int status = mf_m7_field_at (m, X1, &times[k], x, &p, b);
      if (status)
        return status;
      /* Outside every ball the field is undefined (p = 0): the point is
         left where it is and counted.  */
      if (!(p > 0.0))
        *lost = 1;
      for (int i = 0; i < 3; i++)
        b[i] *= h;
      status = mf_step (x, b);
      if (status)
        return status;
    }
  return GSL_SUCCESS;
}

int
mf_m7_conditional (const mf_m7_model *m, const double x1[9], const double x0[9],
                   double t, double xt[9])
{
  double lg[3];
  int status = mf_log_body (x1, x0, lg);
  if (status)
    return status;
  double kappa = mf_m7_kappa (m, t);
  for (int i = 0; i < 3; i++)
    lg[i] *= kappa;
  for (int i = 0; i < 9; i++)
    xt[i] = x1[i];
  return mf_step (xt, lg);
}
