/* src/fc_so3.c -- the rotation group SO(3) (fc_so3.h): maps, sampling,
 * IGSO(3) and alignment.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_math.h>

#include "fc_rng.h"
#include "fc_so3.h"

/* Below this angle exp uses the Taylor series of sin(th)/th and
   (1 - cos th)/th^2 to th^6: the first omitted terms, th^8/9! and
   th^8/10!, are < 3e-22 there, far below one ulp; above it the closed
   forms are accurate to a few ulps (only th = 0 is 0/0).  */
#define FC_SO3_EXP_SERIES 1e-2

/* fc_so3_igso3_density uses the series in l for s >= this, the image sum
   below.  The series needs l up to ~ 9/s terms and, for small s, sums
   terms of size ~ 1/s^2 to a density that is ~ exp(-w^2/(2 s^2)) in the
   tail: its relative round-off grows like exp(w^2/(2 s^2)) (139 at s = 1,
   w = pi; 1e21 at s = 0.1).  The image sum needs only the images with
   |w - 2 pi j| < ~9 s (j <= 2 for s < 1) and its terms have one sign in
   the tail, but as s grows the images overlap and alternate: at s = 1
   both are accurate (they agree to ~1e-15), so the switch is there.  */
#define FC_SO3_IGSO3_SWITCH 1.0

/* Terms are summed until the next one is below this fraction of the sum
   (both series decrease monotonically past their first terms).  */
#define FC_SO3_SUM_TOL 1e-17

/* Inverse-CDF table of fc_so3_igso3_sample: cells, Gauss-Legendre points
   per cell, and the support used for small s (the angle law tends to a
   Maxwell law of scale s, whose mass beyond 12 s is ~1e-30).  */
#define FC_SO3_CDF_CELLS 1024
#define FC_SO3_CDF_GL 8
#define FC_SO3_CDF_SPAN 12.0
/* Guide cells of fc_so3_igso3_sample's search (a power of 2).  */
#define FC_SO3_CDF_GUIDE 1024
/* The round-off of a cell's cubic rise (hermite_rise) in units of eps
   times its coefficients' magnitudes summed: each Hermite basis
   polynomial is at most 1 on [0, 1] and takes a few roundings.  */
#define FC_SO3_RISE_ROUNDOFF 8.0

#define FC_SO3_NULL_CHECK(p)                                                  \
  do                                                                          \
    {                                                                         \
      if ((p) == NULL)                                                        \
        GSL_ERROR ("NULL argument", GSL_EINVAL);                              \
    }                                                                         \
  while (0)

/* C = A B, 3x3 row-major; C may not alias A or B.  */
static void
mat_mul (const double *A, const double *B, double *C)
{
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      C[3 * i + j] = A[3 * i] * B[j] + A[3 * i + 1] * B[3 + j]
                     + A[3 * i + 2] * B[6 + j];
}

/* C = A^T B.  */
static void
mat_mul_tn (const double *A, const double *B, double *C)
{
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      C[3 * i + j] = A[i] * B[j] + A[3 + i] * B[3 + j] + A[6 + i] * B[6 + j];
}

int
fc_so3_hat (const double w[3], double W[9])
{
  FC_SO3_NULL_CHECK (w);
  FC_SO3_NULL_CHECK (W);
  W[0] = 0.0, W[1] = -w[2], W[2] = w[1];
  W[3] = w[2], W[4] = 0.0, W[5] = -w[0];
  W[6] = -w[1], W[7] = w[0], W[8] = 0.0;
  return GSL_SUCCESS;
}

int
fc_so3_vee (const double W[9], double w[3])
{
  FC_SO3_NULL_CHECK (W);
  FC_SO3_NULL_CHECK (w);
  w[0] = 0.5 * (W[7] - W[5]);
  w[1] = 0.5 * (W[2] - W[6]);
  w[2] = 0.5 * (W[3] - W[1]);
  return GSL_SUCCESS;
}

/* R = c I + b v v^T + a hat(v): Rodrigues' formula, for v = w with the
   coefficients of the angle th = |w|, or for the unit axis v = w/|w|.  */
static void
fc_so3_rodrigues (const double v[3], double a, double b, double c,
                  double R[9])
{
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      R[3 * i + j] = b * v[i] * v[j] + (i == j ? c : 0.0);
  R[1] -= a * v[2], R[2] += a * v[1];
  R[3] += a * v[2], R[5] -= a * v[0];
  R[6] -= a * v[1], R[7] += a * v[0];
}

/* exp (w) for |w| so large that th^2 = |w|^2 overflows (or nearly):
   through the unit axis k = w/|w|, R = cos th I + (1 - cos th) k k^T +
   sin th hat(k), with |w| computed after scaling by the largest entry.
   Any finite w is a rotation vector; the angle modulo 2 pi is what sin
   and cos make of it.  */
static void
fc_so3_exp_huge (const double w[3], double R[9])
{
  double s = fmax (fabs (w[0]), fmax (fabs (w[1]), fabs (w[2])));
  double u[3] = { w[0] / s, w[1] / s, w[2] / s };
  double n = sqrt (u[0] * u[0] + u[1] * u[1] + u[2] * u[2]), th = s * n;
  double k[3] = { u[0] / n, u[1] / n, u[2] / n };
  fc_so3_rodrigues (k, sin (th), 1.0 - cos (th), cos (th), R);
}

void
fc_so3_rotation_error (const double R[9], double *orth, double *det)
{
  double e = 0;
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      {
        double s = -(double) (i == j);
        for (int k = 0; k < 3; k++)
          s += R[3 * k + i] * R[3 * k + j];
        e = fmax (e, fabs (s));
      }
  *orth = e;
  *det = R[0] * (R[4] * R[8] - R[5] * R[7])
         - R[1] * (R[3] * R[8] - R[5] * R[6])
         + R[2] * (R[3] * R[7] - R[4] * R[6]);
}

int
fc_so3_exp (const double w[3], double R[9])
{
  FC_SO3_NULL_CHECK (w);
  FC_SO3_NULL_CHECK (R);
  double th2 = w[0] * w[0] + w[1] * w[1] + w[2] * w[2];
  /* b w w^T below overflows past th ~ 1e154 (found by tests/fuzz).  */
  if (!(th2 <= 1e300))
    {
      fc_so3_exp_huge (w, R);
      return GSL_SUCCESS;
    }
  double th = sqrt (th2);
  double a, b, c; /* sin(th)/th, (1 - cos th)/th^2, cos th */
  if (th < FC_SO3_EXP_SERIES)
    {
      a = 1.0 - th2 / 6.0 * (1.0 - th2 / 20.0 * (1.0 - th2 / 42.0));
      b = 0.5 * (1.0 - th2 / 12.0 * (1.0 - th2 / 30.0 * (1.0 - th2 / 56.0)));
      c = 1.0 - b * th2;
    }
  else
    {
      /* 1 - cos th = 2 sin^2(th/2) without the cancellation near 0.  */
      double h = sin (0.5 * th) / th;
      a = sin (th) / th;
      b = 2.0 * h * h;
      c = cos (th);
    }
  /* hat(w)^2 = w w^T - th^2 I, so R = cos(th) I + b w w^T + a hat(w).  */
  fc_so3_rodrigues (w, a, b, c, R);
  return GSL_SUCCESS;
}

/* The log goes through the unit quaternion q = (qw, v) of R, extracted by
   Shepperd's method, then w = 2 atan2(|v|, qw) v/|v| with qw >= 0.

   Why: the usual angle acos((tr R - 1)/2) has condition number
   1/sin(th) (an error eps in tr R gives ~sqrt(eps) = 1e-8 in th at 0 and
   pi), and the usual axis vee(R - R^T)/(2 sin th) divides by sin th,
   which near pi is itself only known to ~eps absolute: an axis error of
   eps/sin th, i.e. 1e-6 at 1e-10 from pi and 0/0 at pi.  Shepperd's
   method computes 4 q_m^2 for the largest of the four candidates
   (1 + tr R, 1 + 2 R_ii - tr R), which is >= 1 since they sum to 4, and
   the other three components as sums or differences of off-diagonal
   entries divided by 4 q_m >= 2: every component has absolute error
   ~eps, whatever the angle.  atan2 is then well conditioned everywhere
   (the angle 2 atan2(|v|, qw) has error ~eps for perturbations ~eps of
   (qw, v)), and v/|v| multiplied by the angle keeps the absolute error of
   w at ~eps * th / |v| <= ~pi eps for small angles (|v| ~ th/2) and ~eps
   near pi (|v| ~ 1).

   At angle pi (qw = 0) the sign of q is free: the candidate chosen is
   the largest diagonal entry R_ii = 2 a_i^2 - 1, and q_i = +sqrt(.)/2,
   so the axis component of largest magnitude (first among ties) is
   positive.  Elsewhere q is negated when qw < 0, which gives the angle in
   [0, pi].  */
int
fc_so3_log (const double R[9], double w[3])
{
  FC_SO3_NULL_CHECK (R);
  FC_SO3_NULL_CHECK (w);
  double tr = R[0] + R[4] + R[8];
  int m = -1;
  double best = tr;
  for (int i = 0; i < 3; i++)
    if (R[4 * i] > best)
      best = R[4 * i], m = i;
  /* The quaternion (qw, qx, qy, qz) in scalars: as an array, its halves
     stored in pairs and reloaded across them stalled store forwarding
     (54 ns a log on Haar rotations, 45 ns in scalars).  */
  double r, f, qw, qx, qy, qz;
  switch (m)
    {
    case -1:
      r = sqrt (1.0 + tr), f = 0.5 / r;
      qw = 0.5 * r;
      qx = (R[7] - R[5]) * f;
      qy = (R[2] - R[6]) * f;
      qz = (R[3] - R[1]) * f;
      break;
    case 0:
      r = sqrt (1.0 + R[0] - R[4] - R[8]), f = 0.5 / r;
      qw = (R[7] - R[5]) * f;
      qx = 0.5 * r;
      qy = (R[1] + R[3]) * f;
      qz = (R[2] + R[6]) * f;
      break;
    case 1:
      r = sqrt (1.0 - R[0] + R[4] - R[8]), f = 0.5 / r;
      qw = (R[2] - R[6]) * f;
      qx = (R[1] + R[3]) * f;
      qy = 0.5 * r;
      qz = (R[5] + R[7]) * f;
      break;
    default:
      r = sqrt (1.0 - R[0] - R[4] + R[8]), f = 0.5 / r;
      qw = (R[3] - R[1]) * f;
      qx = (R[2] + R[6]) * f;
      qy = (R[5] + R[7]) * f;
      qz = 0.5 * r;
      break;
    }
  if (!isfinite (r))
    GSL_ERROR ("not a rotation matrix", GSL_EDOM);
  if (qw < 0.0)
    qw = -qw, qx = -qx, qy = -qy, qz = -qz;
  double nv = sqrt (qx * qx + qy * qy + qz * qz);
  /* 2 atan2(nv, qw)/nv tends to 2/qw as nv -> 0 (qw >= 1/2 there).  */
  double g = nv > 0.0 ? 2.0 * atan2 (nv, qw) / nv : 2.0 / qw;
  w[0] = g * qx;
  w[1] = g * qy;
  w[2] = g * qz;
  return GSL_SUCCESS;
}

double
fc_so3_dist (const double R1[9], const double R2[9])
{
  if (R1 == NULL || R2 == NULL)
    GSL_ERROR_VAL ("NULL argument", GSL_EINVAL, GSL_NAN);
  double M[9], w[3];
  mat_mul_tn (R1, R2, M);
  fc_so3_log (M, w);
  return sqrt (w[0] * w[0] + w[1] * w[1] + w[2] * w[2]);
}

int
fc_so3_geodesic (const double R0[9], const double R1[9], double t,
                 double R[9])
{
  FC_SO3_NULL_CHECK (R0);
  FC_SO3_NULL_CHECK (R1);
  FC_SO3_NULL_CHECK (R);
  double M[9], E[9], w[3];
  mat_mul_tn (R0, R1, M);
  fc_so3_log (M, w);
  for (int i = 0; i < 3; i++)
    w[i] *= t;
  fc_so3_exp (w, E);
  mat_mul (R0, E, R);
  return GSL_SUCCESS;
}

int
fc_so3_frame (const double R[9], size_t k, double E[9])
{
  FC_SO3_NULL_CHECK (R);
  FC_SO3_NULL_CHECK (E);
  if (k > 2)
    GSL_ERROR ("frame index k must be 0, 1 or 2", GSL_EINVAL);
  double e[3] = { 0.0, 0.0, 0.0 }, W[9];
  e[k] = 1.0;
  fc_so3_hat (e, W);
  mat_mul (R, W, E);
  return GSL_SUCCESS;
}

/* The rotation of the quaternion Q (any non-zero norm: it is normalised
   here, so 4 standard normals give a Haar rotation).  */
static void
quat_to_rot (const double q[4], double R[9])
{
  double n2 = q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3];
  double s = 2.0 / n2;
  double w = q[0], x = q[1], y = q[2], z = q[3];
  R[0] = 1.0 - s * (y * y + z * z);
  R[1] = s * (x * y - z * w);
  R[2] = s * (x * z + y * w);
  R[3] = s * (x * y + z * w);
  R[4] = 1.0 - s * (x * x + z * z);
  R[5] = s * (y * z - x * w);
  R[6] = s * (x * z - y * w);
  R[7] = s * (y * z + x * w);
  R[8] = 1.0 - s * (x * x + y * y);
}

int
fc_so3_haar (unsigned long seed, size_t n, double *R)
{
  FC_SO3_NULL_CHECK (R);
  if (n == 0)
    GSL_ERROR ("n must be > 0", GSL_EINVAL);
  /* The 4 n normals are drawn into the first 4 n slots of R and turned
     into rotations from the last down: rotation i (slots 9i .. 9i+8) only
     overwrites normals of rotations > i, already used (and i = 0 reads
     its normals before writing).  */
  int status = fc_rng_gaussian_fill (seed, 0, 4 * n, R);
  if (status)
    return status;
  for (size_t i = n; i-- > 0;)
    {
      double q[4] = { R[4 * i], R[4 * i + 1], R[4 * i + 2], R[4 * i + 3] };
      quat_to_rot (q, R + 9 * i);
    }
  return GSL_SUCCESS;
}

/* Check w in [0, pi] and s > 0 finite for the density functions.  */
static int
igso3_args_ok (double w, double s)
{
  return isfinite (s) && s > 0.0 && w >= 0.0 && w <= M_PI;
}

/* What the density needs of the scale s alone, computed once for many
   angles (fc_so3_igso3_density_fill, the sampler's table): the series'
   factors exp(-l(l+1) s^2/2), tabulated for s >= FC_SO3_IGSO3_SWITCH
   (where they underflow to 0 before l = 40), and the images' prefactor
   2 sqrt(2 pi) exp(s^2/8).  Each by the expression the per-angle sums
   use: the same numbers to the bit.  */
#define FC_SO3_SERIES_TABLE 48
typedef struct
{
  double s;
  double e[FC_SO3_SERIES_TABLE];
  int ne; /* entries of e (0: computed per term) */
  double images_c;
} igso3_scale;

static double
igso3_series_factor (int l, double s)
{
  return exp (-0.5 * l * (l + 1.0) * s * s);
}

static double
igso3_images_prefactor (double s)
{
  return 2.0 * sqrt (2.0 * M_PI) * exp (s * s / 8.0);
}

static void
igso3_scale_init (double s, igso3_scale *k)
{
  k->s = s;
  k->ne = s >= FC_SO3_IGSO3_SWITCH ? FC_SO3_SERIES_TABLE : 0;
  for (int l = 0; l < k->ne; l++)
    k->e[l] = igso3_series_factor (l, s);
  k->images_c = igso3_images_prefactor (s);
}

/* exp (X), or 0 without the call where exp rounds to 0 (X below ln
   2^-1075 = -745.13): the images' far terms at small s, whose underflow
   path in libm costs twice a plain exp.  */
static double
exp_or_zero (double x)
{
  return x < -746.0 ? 0.0 : exp (x);
}

/* The series with the sin(w/2) of (1 - cos w) = 2 sin^2(w/2) cancelled
   against the denominator: f = 2 sin(w/2)/pi sum_l (2l+1) e^{-l(l+1)s^2/2}
   sin((l+1/2) w), which is exactly 0 at w = 0 and needs no limit there.
   The factors from K where tabulated (K may be NULL).  */
static double
igso3_series (double w, double s, const igso3_scale *k)
{
  double sum = 0.0;
  for (int l = 0; l < 100000; l++)
    {
      double e = k != NULL && l < k->ne ? k->e[l]
                                        : igso3_series_factor (l, s);
      sum += (2 * l + 1) * e * sin ((l + 0.5) * w);
      if (l > 0 && (2 * l + 3) * e <= FC_SO3_SUM_TOL * fabs (sum))
        break;
      if (e == 0.0)
        break;
    }
  return 2.0 * sin (0.5 * w) / M_PI * sum;
}

/* Poisson summation of the series over l turns it into a sum over the
   images w - 2 pi j of a Gaussian of variance s^2 (fc_so3.h).  The terms j
   and -j are taken together; when u = 2 pi j w/s^2 < 1 their two halves
   nearly cancel, and the pair is written as
   e^{-(w^2 + c^2)/(2 s^2)} 2 (w cosh u - c sinh u), c = 2 pi j, without
   cancellation (c sinh u >> w cosh u for s < 1).  PREFACTOR:
   igso3_images_prefactor (s).  */
static double
igso3_images (double w, double s, double prefactor)
{
  double s2 = s * s;
  double sum = w * exp_or_zero (-0.5 * w * w / s2);
  for (int j = 1; j < 100000; j++)
    {
      double c = 2.0 * M_PI * j, u = c * w / s2, pair;
      if (u < 1.0)
        pair = 2.0 * exp (-0.5 * (w * w + c * c) / s2)
               * (w * cosh (u) - c * sinh (u));
      else
        pair = (w - c) * exp_or_zero (-0.5 * (w - c) * (w - c) / s2)
               + (w + c) * exp_or_zero (-0.5 * (w + c) * (w + c) / s2);
      sum += (j % 2 ? -pair : pair);
      if (fabs (pair) <= FC_SO3_SUM_TOL * fabs (sum))
        break;
    }
  return prefactor * sin (0.5 * w) / (M_PI * s2 * s) * sum;
}

double
fc_so3_igso3_density_series (double w, double s)
{
  if (!igso3_args_ok (w, s))
    GSL_ERROR_VAL ("need s > 0 and w in [0, pi]", GSL_EDOM, GSL_NAN);
  return igso3_series (w, s, NULL);
}

double
fc_so3_igso3_density_images (double w, double s)
{
  if (!igso3_args_ok (w, s))
    GSL_ERROR_VAL ("need s > 0 and w in [0, pi]", GSL_EDOM, GSL_NAN);
  return igso3_images (w, s, igso3_images_prefactor (s));
}

double
fc_so3_igso3_density (double w, double s)
{
  if (!igso3_args_ok (w, s))
    GSL_ERROR_VAL ("need s > 0 and w in [0, pi]", GSL_EDOM, GSL_NAN);
  return s >= FC_SO3_IGSO3_SWITCH ? igso3_series (w, s, NULL)
                                  : fc_so3_igso3_density_images (w, s);
}

/* The density at W in [0, pi] for the scale K.  */
static double
igso3_density_at (double w, const igso3_scale *k)
{
  return k->s >= FC_SO3_IGSO3_SWITCH ? igso3_series (w, k->s, k)
                                     : igso3_images (w, k->s, k->images_c);
}

int
fc_so3_igso3_density_fill (double s, size_t n, const double *w, double *f)
{
  FC_SO3_NULL_CHECK (w);
  FC_SO3_NULL_CHECK (f);
  if (!(isfinite (s) && s > 0.0))
    GSL_ERROR ("IGSO(3) scale s must be finite and > 0", GSL_EDOM);
  igso3_scale k;
  igso3_scale_init (s, &k);
  int outside = 0;
  for (size_t i = 0; i < n; i++)
    {
      outside |= !igso3_args_ok (w[i], s);
      f[i] = igso3_args_ok (w[i], s) ? igso3_density_at (w[i], &k) : GSL_NAN;
    }
  if (outside)
    GSL_ERROR ("angles must be in [0, pi]", GSL_EDOM);
  return GSL_SUCCESS;
}

static double
igso3_density_fn (double w, void *params)
{
  return igso3_density_at (w, params);
}

/* The cubic Hermite interpolant of a cell less its value F0 at the cell's
   start, at TAU in [0, 1]: with DF = F1 - F0 and the slopes times the
   cell's width HD0, HD1,
     DF (3 t^2 - 2 t^3) + HD0 (t^3 - 2 t^2 + t) + HD1 (t^3 - t^2).
   Relative to F0 because F0 (up to 1) dwarfs the cell's increase DF (1e-3
   and far less in the tails): the absolute form's round-off, ~eps, is
   1e-13 to 1e-7 of DF, and Newton on it cannot settle.  */
static double
hermite_rise (double tau, double df, double hd0, double hd1)
{
  double t2 = tau * tau, t3 = t2 * tau;
  return df * (3 * t2 - 2 * t3) + hd0 * (t3 - 2 * t2 + tau)
         + hd1 * (t3 - t2);
}

/* Its derivative in TAU.  */
static double
hermite_rise_slope (double tau, double df, double hd0, double hd1)
{
  double t2 = tau * tau;
  return df * (6 * tau - 6 * t2) + hd0 * (3 * t2 - 4 * tau + 1)
         + hd1 * (3 * t2 - 2 * tau);
}

/* TAU in [0, 1] where the cell's cubic rises from F0 by DU = U - F0,
   0 <= DU <= DF: Newton from the secant's root, kept inside the bracket
   [a, b] (rise < DU at a, > DU at b) and falling back to bisection when
   a step leaves it, until the residual is at the round-off of the rise
   (FC_SO3_RISE_ROUNDOFF), the step at a double's resolution on [0, 1],
   or the bracket that narrow.  Measured over 1e5 draws at each of M6's
   four scales: 3.0 evaluations on average, never more than 5.  The former
   solver (the absolute cubic, stopped on the step alone) took 17.6 on
   average and up to 57, bisecting in the round-off, a third of M6's time.
   The root is now that of the cubic to ~eps in TAU where it was to
   ~eps/DF: angles move by at most 2e-12 rad, far below the table's own
   error (CDF ~1e-10).  */
static double
hermite_solve (double du, double df, double hd0, double hd1)
{
  double a = 0.0, b = 1.0;
  double noise = FC_SO3_RISE_ROUNDOFF * GSL_DBL_EPSILON
                 * (fabs (df) + fabs (hd0) + fabs (hd1) + fabs (du));
  double tau = df > 0.0 ? du / df : 0.5;
  tau = GSL_MIN (GSL_MAX (tau, 0.0), 1.0);
  for (int it = 0; it < 100 && b - a > GSL_DBL_EPSILON; it++)
    {
      double f = hermite_rise (tau, df, hd0, hd1) - du;
      if (fabs (f) <= noise)
        return tau;
      if (f < 0.0)
        a = tau;
      else
        b = tau;
      double slope = hermite_rise_slope (tau, df, hd0, hd1);
      double next = slope > 0.0 ? tau - f / slope : 0.5 * (a + b);
      if (!(next > a && next < b))
        next = 0.5 * (a + b);
      if (fabs (next - tau) <= GSL_DBL_EPSILON * GSL_MAX (tau, 0.5))
        return next;
      tau = next;
    }
  return 0.5 * (a + b);
}

/* The inverse-CDF table of IGSO(3) at scale S: F (FC_SO3_CDF_CELLS + 1)
   the CDF at the nodes i h, D its slopes, and GUIDE (FC_SO3_CDF_GUIDE +
   1) the largest node i with F[i] <= k / FC_SO3_CDF_GUIDE, which starts
   the search of a draw's cell within a few nodes.  */
typedef struct
{
  double h;
  double F[FC_SO3_CDF_CELLS + 1], D[FC_SO3_CDF_CELLS + 1];
  size_t guide[FC_SO3_CDF_GUIDE + 1];
} igso3_table;

/* The guide of the table T from its CDF, which is non-decreasing
   (positive increments over a positive divisor).  */
static void
igso3_guide_init (igso3_table *t)
{
  size_t i = 0;
  for (size_t k = 0; k <= FC_SO3_CDF_GUIDE; k++)
    {
      while (i < FC_SO3_CDF_CELLS
             && t->F[i + 1] <= (double) k / FC_SO3_CDF_GUIDE)
        i++;
      t->guide[k] = i;
    }
}

/* CDF at the nodes by Gauss-Legendre per cell (error far below the
   interpolation's), normalised by its last value (the mass beyond the
   support, if cut, is ~1e-30); slopes = density / that value.  */
static int
igso3_table_init (double s, igso3_table *t)
{
  enum { M = FC_SO3_CDF_CELLS };
  double *F = t->F, *D = t->D;
  double w_hi = GSL_MIN (M_PI, FC_SO3_CDF_SPAN * s), h = w_hi / M;
  gsl_integration_glfixed_table *gl
      = gsl_integration_glfixed_table_alloc (FC_SO3_CDF_GL);
  if (gl == NULL)
    GSL_ERROR ("cannot allocate quadrature table", GSL_ENOMEM);
  igso3_scale scale;
  igso3_scale_init (s, &scale);
  gsl_function fn = { igso3_density_fn, &scale };
  t->h = h;
  F[0] = 0.0;
  for (int i = 0; i < M; i++)
    F[i + 1] = F[i] + gsl_integration_glfixed (&fn, i * h, (i + 1) * h, gl);
  gsl_integration_glfixed_table_free (gl);
  for (int i = 0; i <= M; i++)
    D[i] = igso3_density_at (i * h, &scale) / F[M];
  for (int i = 0; i <= M; i++)
    F[i] /= F[M];
  igso3_guide_init (t);
  return GSL_SUCCESS;
}

/* The cell lo of U, F[lo] <= U < F[lo + 1] (lo = M - 1 when U >= 1): the
   node the binary search over the whole table found, from the guide's
   bracket (k / G <= U < (k + 1) / G, exact since G is a power of 2).  */
static size_t
igso3_cell (const igso3_table *t, double u)
{
  enum { M = FC_SO3_CDF_CELLS, G = FC_SO3_CDF_GUIDE };
  size_t k = u < 1.0 ? (size_t) (u * G) : G;
  size_t lo = GSL_MIN (t->guide[k], (size_t) M - 1);
  size_t hi = k < G ? GSL_MIN (t->guide[k + 1] + 1, (size_t) M) : (size_t) M;
  while (hi - lo > 1)
    {
      size_t mid = (lo + hi) / 2;
      if (t->F[mid] <= u)
        lo = mid;
      else
        hi = mid;
    }
  return lo;
}

int
fc_so3_igso3_sample (unsigned long seed, double s, size_t n, double *R,
                     double *angle)
{
  FC_SO3_NULL_CHECK (R);
  if (n == 0)
    GSL_ERROR ("n must be > 0", GSL_EINVAL);
  if (!(isfinite (s) && s > 0.0))
    GSL_ERROR ("IGSO(3) scale s must be finite and > 0", GSL_EDOM);

  igso3_table *t = malloc (sizeof *t);
  if (t == NULL)
    GSL_ERROR ("cannot allocate the CDF table", GSL_ENOMEM);
  int status = igso3_table_init (s, t);
  if (!status)
    status = fc_rng_gaussian_fill (seed, 0, 4 * n, R);
  if (status)
    {
      free (t);
      return status;
    }
  double h = t->h;
  /* As in fc_so3_haar: draw i reads slots 4i .. 4i+3, writes 9i .. 9i+8. */
  for (size_t i = n; i-- > 0;)
    {
      double ax[3] = { R[4 * i], R[4 * i + 1], R[4 * i + 2] };
      double u = gsl_cdf_ugaussian_P (R[4 * i + 3]);
      size_t lo = igso3_cell (t, u);
      const double *F = t->F + lo, *D = t->D + lo;
      double tau = hermite_solve (u - F[0], F[1] - F[0], h * D[0], h * D[1]);
      double th = (lo + tau) * h;
      double na = sqrt (ax[0] * ax[0] + ax[1] * ax[1] + ax[2] * ax[2]);
      double wv[3] = { th * ax[0] / na, th * ax[1] / na, th * ax[2] / na };
      fc_so3_exp (wv, R + 9 * i);
      if (angle != NULL)
        angle[i] = th;
    }
  free (t);
  return GSL_SUCCESS;
}

int
fc_so3_kabsch (size_t n, const double *x, const double *y, double R[9])
{
  FC_SO3_NULL_CHECK (x);
  FC_SO3_NULL_CHECK (y);
  FC_SO3_NULL_CHECK (R);
  if (n == 0)
    GSL_ERROR ("n must be > 0", GSL_EINVAL);
  /* sum |R x_i - y_i|^2 = const - 2 tr(R H), H = sum x_i y_i^T: maximise
     tr(R H) = tr(R U S V^T) over proper rotations.  */
  double h[9] = { 0 }, v[9], s[3], wk[3];
  for (size_t i = 0; i < n; i++)
    for (int a = 0; a < 3; a++)
      for (int b = 0; b < 3; b++)
        h[3 * a + b] += x[3 * i + a] * y[3 * i + b];
  gsl_matrix_view U = gsl_matrix_view_array (h, 3, 3);
  gsl_matrix_view V = gsl_matrix_view_array (v, 3, 3);
  gsl_vector_view S = gsl_vector_view_array (s, 3);
  gsl_vector_view W = gsl_vector_view_array (wk, 3);
  int status = gsl_linalg_SV_decomp (&U.matrix, &V.matrix, &S.vector,
                                     &W.vector);
  if (status)
    return status;
  /* R = V diag(1, 1, d) U^T; d = -1 when V U^T is a reflection, the sign
     going to the smallest singular value (GSL sorts them decreasing), which
     costs least.  */
  double vu[9];
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      vu[3 * i + j] = v[3 * i] * h[3 * j] + v[3 * i + 1] * h[3 * j + 1]
                      + v[3 * i + 2] * h[3 * j + 2];
  double det = vu[0] * (vu[4] * vu[8] - vu[5] * vu[7])
               - vu[1] * (vu[3] * vu[8] - vu[5] * vu[6])
               + vu[2] * (vu[3] * vu[7] - vu[4] * vu[6]);
  double d = det < 0.0 ? -1.0 : 1.0;
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      R[3 * i + j] = v[3 * i] * h[3 * j] + v[3 * i + 1] * h[3 * j + 1]
                     + d * v[3 * i + 2] * h[3 * j + 2];
  return GSL_SUCCESS;
}
