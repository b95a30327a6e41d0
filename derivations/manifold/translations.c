/* derivations/manifold/translations.c -- claim M5 (N §Interpolating
 * between noise to data distribution over SE(3), translations): N atoms
 * in R^3, positions x in R^{3N} modulo a common translation, represented
 * with centre of mass 0.
 *
 * (a) The loss identity: with u_theta = (x1hat - x_t)/(1-t) and the
 * conditional field (x1 - x_t)/(1-t), ||u_theta - u||^2 = ||x1hat -
 * x1||^2/(1-t)^2 (the x_t cancel).  In floating point, per coordinate a =
 * (x1hat - x_t)/s and b = (x1 - x_t)/s carry e = 3 eps (|a| + |b|), so
 * |L_vel - L_x| <= sum (2 |delta| + e) e + (6N + 8) eps L_x, delta the
 * exact (x1hat - x1)/s (summation of 3N squares and the division by s^2);
 * loss_identity is the largest ratio of |L_vel - L_x| to that bound.
 *
 * (b) The standard normal on R^{3N}/R^3 (N: "a standard normal on the
 * quotient space where the CoM is centred") is y = x - mean over atoms of
 * x, x ~ N(0, I_{3N}): y = (P (x) I_3) x with the projector P = I - 11^T/N,
 * so Cov y = (I - 11^T/N) (x) I_3.  From M draws the sample second moment
 * S_ab = (1/M) sum y_a y_b (the mean is known to be 0) has, by Isserlis,
 * Var = (C_aa C_bb + C_ab^2)/M; cov_max_z is the largest |S_ab - C_ab|/se
 * over the K = 3N (3N + 1)/2 distinct entries, judged against Bonferroni's
 * band at family level MF_MC_ALPHA.  Each draw's centre of mass is 0 to
 * the (2N + 4) eps max|x| of the centring (noise_com).
 *
 * (c) With x0, x1 centred, x_t = (1-t) x0 + t x1 and the field (x1 -
 * x_t)/(1-t) (= x1 - x0) have centre of mass 0 to round-off: path_com and
 * field_com relative to max|x0| + max|x1| of the raw draws, band (2N + 12)
 * eps (the centring's 2N + 4 and a few roundings of the path and the
 * field).  */
#include <config.h>

#include <float.h>
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>

#include "fc_compare.h"
#include "fc_rng.h"
#include "manifold_internal.h"

/* The largest |x_{j,c}| of one configuration X (DIM = 3N).  */
static double
mf_max_abs (size_t dim, const double *x)
{
  gsl_vector_const_view v = gsl_vector_const_view_array (x, dim);
  return fabs (x[gsl_blas_idamax (&v.vector)]);
}

/* The largest |centre of mass| over the three axes of X (N atoms).  */
static double
mf_com (size_t N, const double *x)
{
  double worst = 0.0;
  for (int c = 0; c < 3; c++)
    {
      double sum = 0.0;
      for (size_t j = 0; j < N; j++)
        sum += x[3 * j + c];
      worst = fmax (worst, fabs (sum / (double) N));
    }
  return worst;
}

/* Y = X minus its centre of mass per axis (N atoms); Y may be X.  */
static void
mf_centre (size_t N, const double *x, double *y)
{
  for (int c = 0; c < 3; c++)
    {
      double sum = 0.0;
      for (size_t j = 0; j < N; j++)
        sum += x[3 * j + c];
      double m = sum / (double) N;
      for (size_t j = 0; j < N; j++)
        y[3 * j + c] = x[3 * j + c] - m;
    }
}

/* ------------------------------------------------ (b) the noise law */

/* The largest |z| of the second moments of the M draws Y (M, D), D = 3N,
   against C = (I - 11^T/N) (x) I_3.  */
static double
mf_cov_max_z (size_t M, size_t N, const double *Y)
{
  size_t D = 3 * N;
  gsl_matrix_const_view y = gsl_matrix_const_view_array (Y, M, D);
  gsl_matrix *S = gsl_matrix_alloc (D, D);
  if (S == NULL)
    return NAN;
  gsl_blas_dsyrk (CblasLower, CblasTrans, 1.0 / (double) M, &y.matrix, 0.0, S);
  double worst = 0.0;
  for (size_t a = 0; a < D; a++)
    for (size_t b = 0; b <= a; b++)
      {
        double Caa = 1.0 - 1.0 / (double) N;
        double Cab = a % 3 != b % 3 ? 0.0 : (a == b) - 1.0 / (double) N;
        double se = sqrt ((Caa * Caa + Cab * Cab) / (double) M);
        worst = fmax (worst, fabs (gsl_matrix_get (S, a, b) - Cab) / se);
      }
  gsl_matrix_free (S);
  return worst;
}

/* M noise draws (centred unless UNCENTRED) from stream TAG: the largest
   z of their covariance and their largest relative centre of mass.  */
static int
mf_m5_noise (const fc_run_options *opt, size_t M, size_t N, int uncentred,
             double *max_z, double *com)
{
  size_t D = 3 * N;
  double *Y = malloc (M * D * sizeof (double));
  if (Y == NULL)
    GSL_ERROR ("no memory", GSL_ENOMEM);
  int status = fc_rng_gaussian_fill (fc_module_seed (opt, MF_TAG_M5), 0, M * D, Y);
  *com = 0.0;
  for (size_t s = 0; s < M && !status; s++)
    {
      double scale = mf_max_abs (D, Y + D * s);
      if (!uncentred)
        mf_centre (N, Y + D * s, Y + D * s);
      *com = fmax (*com, mf_com (N, Y + D * s) / scale);
    }
  *max_z = status ? NAN : mf_cov_max_z (M, N, Y);
  free (Y);
  return status;
}

/* ----------------------------------------- (a) loss, (c) path, field */

/* What the path draws measure.  */
typedef struct
{
  double loss_ratio; /* max |L_vel - L_x| / its rounding bound */
  double loss_rel;   /* max |L_vel - L_x| / L_x */
  double path_com, field_com; /* relative to max|x0| + max|x1| */
} mf_m5_path_result;

/* One draw: x0, x1, x1hat (3N each, centred in place unless UNCENTRED
   for x0), time t; into RES.  POWER is the power of 1/(1-t) of the
   x-space loss (2: the note's).  */
static void
mf_m5_draw (size_t N, double *x0, double *x1, double *xh, double t,
            int uncentred, double power, mf_m5_path_result *res)
{
  size_t D = 3 * N;
  double scale = mf_max_abs (D, x0) + mf_max_abs (D, x1);
  if (!uncentred)
    mf_centre (N, x0, x0);
  mf_centre (N, x1, x1);
  mf_centre (N, xh, xh);
  double s = 1.0 - t, lv = 0.0, lx = 0.0, bound = 0.0;
  double xt[3 * MF_M5_ATOMS_MAX], u[3 * MF_M5_ATOMS_MAX];
  for (size_t i = 0; i < D; i++)
    {
      xt[i] = s * x0[i] + t * x1[i];
      u[i] = (x1[i] - xt[i]) / s;
      double a = (xh[i] - xt[i]) / s, b = u[i], dx = xh[i] - x1[i];
      double e = 3.0 * DBL_EPSILON * (fabs (a) + fabs (b));
      lv += (a - b) * (a - b);
      lx += dx * dx;
      bound += (2.0 * fabs (dx / s) + e) * e;
    }
  lx /= pow (s, power);
  bound += (6.0 * (double) N + 8.0) * DBL_EPSILON * lx;
  res->loss_ratio = fmax (res->loss_ratio, fabs (lv - lx) / bound);
  res->loss_rel = fmax (res->loss_rel, fabs (lv - lx) / lx);
  res->path_com = fmax (res->path_com, mf_com (N, xt) / scale);
  res->field_com = fmax (res->field_com, s * mf_com (N, u) / scale);
}

/* Draws of (x0, x1, x1hat, t): x0 standard normal, x1 normal around the
   atoms' offsets 2 (c + 1) on axis c, x1hat = x1 + a unit normal; t
   uniform on (0, 1).  */
static int
mf_m5_paths (const fc_run_options *opt, size_t n, size_t N, int uncentred,
             double power, mf_m5_path_result *res)
{
  size_t D = 3 * N;
  double *Z = malloc (4 * n * D * sizeof (double));
  gsl_rng *r = fc_rng_alloc (fc_module_seed (opt, MF_TAG_M5 + 2), 0);
  int status = Z == NULL || r == NULL ? GSL_ENOMEM : GSL_SUCCESS;
  if (!status)
    status = fc_rng_gaussian_fill (fc_module_seed (opt, MF_TAG_M5 + 1), 0,
                                   4 * n * D, Z);
  for (size_t k = 0; k < n && !status; k++)
    {
      double *x0 = Z + 4 * D * k, *x1 = x0 + D, *xh = x1 + D, *noise = xh + D;
      for (size_t i = 0; i < D; i++)
        {
          x1[i] += 2.0 * (double) (i % 3 + 1);
          xh[i] = x1[i] + noise[i];
        }
      mf_m5_draw (N, x0, x1, xh, gsl_rng_uniform_pos (r), uncentred, power, res);
    }
  free (Z);
  gsl_rng_free (r);
  return status;
}

int
mf_check_m5 (const fc_run_options *opt, fc_verdict *v)
{
  const mf_sizes *sz = FC_SIZES (mf_size_plan, opt);
  int variant = fc_control_variant (opt);
  int uncentred = variant == MF_M5_UNCENTRED_NOISE;
  double power = variant == MF_M5_WRONG_POWER ? 1.0 : 2.0;
  size_t N = sz->m5_atoms;
  double max_z, noise_com;
  mf_m5_path_result res = { 0 };
  int status = N > MF_M5_ATOMS_MAX ? GSL_EINVAL : GSL_SUCCESS;
  if (!status)
    status = mf_m5_noise (opt, sz->m5_samples, N, uncentred, &max_z, &noise_com);
  if (!status)
    status = mf_m5_paths (opt, sz->m5_draws, N, uncentred, power, &res);
  if (status)
    GSL_ERROR ("M5 failed", status);

  fc_verdict_decide (v, FC_TEST_HOLDS, "loss_identity", res.loss_ratio, 1.0,
                     res.loss_ratio <= 1.0);
  size_t K = 3 * N * (3 * N + 1) / 2;
  double z_band = fc_compare_z_band (MF_MC_ALPHA, K);
  fc_verdict_decide (v, FC_TEST_HOLDS, "cov_max_z", max_z, z_band,
                     max_z <= z_band);
  double band_noise = (2.0 * (double) N + 4.0) * DBL_EPSILON;
  double band_path = (2.0 * (double) N + 12.0) * DBL_EPSILON;
  fc_verdict_decide (v, FC_TEST_HOLDS, "noise_com", noise_com, band_noise,
                     noise_com <= band_noise);
  fc_verdict_decide (v, FC_TEST_HOLDS, "path_com", res.path_com, band_path,
                     res.path_com <= band_path);
  fc_verdict_decide (v, FC_TEST_HOLDS, "field_com", res.field_com, band_path,
                     res.field_com <= band_path);
  fc_verdict_report (v, "loss_rel_diff_max", res.loss_rel, NAN);
  fc_verdict_report (v, "atoms", (double) N, NAN);
  fc_verdict_report (v, "noise_draws", (double) sz->m5_samples, NAN);
  fc_verdict_report (v, "path_draws", (double) sz->m5_draws, NAN);
  fc_verdict_note (v, "loss identity %.3g of its rounding bound; Cov of %zu "
                   "centred draws (N = %zu): max |z| %.3g (band %.3g); CoM of "
                   "noise %.3g, path %.3g, field %.3g (bands %.2g, %.2g)",
                   res.loss_ratio, sz->m5_samples, N, max_z, z_band, noise_com,
                   res.path_com, res.field_com, band_noise, band_path);
  return GSL_SUCCESS;
}
