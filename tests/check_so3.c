/* tests/check_so3.c -- the rotation group unit (fc_so3.h): exp and log
 * invert each other to round-off in every angle band (tiny, moderate,
 * within 1e-10 of pi, exactly pi), known rotations, distance, geodesics,
 * the frame, Haar sampling against its angle law, the IGSO(3) density
 * (normalisation, agreement of its two forms, large-s limit) and
 * sampler, Kabsch alignment, and the refusal of bad arguments.  */
#include <config.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_math.h>

#include "fc_check.h"
#include "fc_rng.h"
#include "fc_so3.h"

/* exp and log are each a few dozen flops on entries of size <= pi: their
   errors are a few eps times pi; 64 eps (1.4e-14) bounds them with margin
   and is below the 1e-13 the unit promises.  */
#define SO3_TOL TOL_EPS (64)
/* Draws per Monte Carlo test (fewer under valgrind; bands follow n).  */
#define MC_N (fc_under_valgrind () ? 4000 : 20000)
/* The quadrature tolerance of the IGSO(3) integrals, and the band of the
   integral of the density (the quadrature's, not the density's).  */
#define QUAD_TOL 1e-13
#define NORM_TOL 1e-11
/* The two exact forms of the density agree at the switch to round-off of
   their sums (a few terms, each with a relative error of a few eps).  */
#define FORM_TOL 1e-12

static double
max_abs_diff (const double *a, const double *b, size_t n)
{
  double m = 0.0;
  for (size_t i = 0; i < n; i++)
    m = GSL_MAX (m, fabs (a[i] - b[i]));
  return m;
}

static double
norm3 (const double *w)
{
  return sqrt (w[0] * w[0] + w[1] * w[1] + w[2] * w[2]);
}

/* Unit axes from 3 normals each, seeded.  */
static void
axes (unsigned long seed, size_t n, double *a)
{
  ck_assert_int_eq (fc_rng_gaussian_fill (seed, 0, 3 * n, a), GSL_SUCCESS);
  for (size_t i = 0; i < n; i++)
    {
      double r = norm3 (a + 3 * i);
      for (int k = 0; k < 3; k++)
        a[3 * i + k] /= r;
    }
}

/* |log(exp(w)) - w| and ||exp(log R) - R|| (max entry) for w = th a.  At
   th = pi both +w and -w are logarithms: the nearer counts.  */
static void
round_trip (const double *a, double th, double *err_w, double *err_r)
{
  double w[3] = { th * a[0], th * a[1], th * a[2] }, R[9], v[3], R2[9];
  ck_assert_int_eq (fc_so3_exp (w, R), GSL_SUCCESS);
  ck_assert_int_eq (fc_so3_log (R, v), GSL_SUCCESS);
  double e = max_abs_diff (v, w, 3);
  if (th == M_PI)
    {
      double mw[3] = { -w[0], -w[1], -w[2] };
      e = GSL_MIN (e, max_abs_diff (v, mw, 3));
    }
  ck_assert_int_eq (fc_so3_exp (v, R2), GSL_SUCCESS);
  *err_w = e;
  *err_r = max_abs_diff (R2, R, 9);
}

/* Angle bands of the round trip: angle of draw i of N (u in (0, 1)).  */
typedef struct
{
  const char *name;
  double (*angle) (double u);
} band;

static double
band_tiny (double u)
{
  return pow (10.0, -12.0 + 6.0 * u);
}
static double
band_moderate (double u)
{
  return 1e-6 + (M_PI - 1e-3) * u;
}
static double
band_near_pi (double u)
{
  return M_PI - pow (10.0, -15.0 + 5.0 * u);
}
static double
band_pi (double u)
{
  (void) u;
  return M_PI;
}

static const band bands[] = {
  { "tiny 1e-12..1e-6", band_tiny },
  { "moderate", band_moderate },
  { "within 1e-10 of pi", band_near_pi },
  { "exactly pi", band_pi },
};

FC_LOOP_TEST ("exp-log", test_round_trip_by_band,
              (int) (sizeof bands / sizeof bands[0]))
{
  enum { N = 500 };
  double a[3 * N];
  axes (17 + (unsigned long) _i, N, a);
  for (int i = 0; i < N; i++)
    {
      double ew, er, th = bands[_i].angle ((i + 0.5) / N);
      round_trip (a + 3 * i, th, &ew, &er);
      fc_ck_assert_abs (ew, 0.0, SO3_TOL, "%s: |log(exp(w)) - w|, draw %d",
                        bands[_i].name, i);
      fc_ck_assert_abs (er, 0.0, SO3_TOL, "%s: ||exp(log R) - R||, draw %d",
                        bands[_i].name, i);
    }
}
END_TEST

FC_TEST ("exp-log", test_round_trip_haar)
{
  enum { N = 2000 };
  static double R[9 * N];
  ck_assert_int_eq (fc_so3_haar (5, N, R), GSL_SUCCESS);
  for (int i = 0; i < N; i++)
    {
      double w[3], R2[9], v[3];
      ck_assert_int_eq (fc_so3_log (R + 9 * i, w), GSL_SUCCESS);
      ck_assert (norm3 (w) <= M_PI);
      fc_so3_exp (w, R2);
      fc_ck_assert_abs (max_abs_diff (R2, R + 9 * i, 9), 0.0, SO3_TOL,
                        "||exp(log R) - R||, Haar draw %d", i);
      fc_so3_log (R2, v);
      fc_ck_assert_abs (max_abs_diff (v, w, 3), 0.0, SO3_TOL,
                        "|log(exp(w)) - w|, Haar draw %d", i);
    }
}
END_TEST

/* A rotation built exactly symmetric, R = 2 a a^T - I (angle pi about a):
   log gives pi a with the axis component of largest magnitude positive.  */
FC_TEST ("exp-log", test_log_at_pi_convention)
{
  enum { N = 200 };
  double a[3 * N];
  axes (23, N, a);
  for (int i = 0; i < N; i++)
    {
      const double *ai = a + 3 * i;
      double R[9], w[3], R2[9];
      for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++)
          R[3 * r + c] = 2.0 * ai[r] * ai[c] - (r == c);
      fc_so3_log (R, w);
      int m = 0;
      for (int k = 1; k < 3; k++)
        if (fabs (ai[k]) > fabs (ai[m]))
          m = k;
      double sg = ai[m] > 0 ? 1.0 : -1.0;
      double ex[3] = { sg * M_PI * ai[0], sg * M_PI * ai[1], sg * M_PI * ai[2] };
      fc_ck_assert_abs (max_abs_diff (w, ex, 3), 0.0, SO3_TOL,
                        "log of pi about axis %d", i);
      fc_so3_exp (w, R2);
      fc_ck_assert_abs (max_abs_diff (R2, R, 9), 0.0, SO3_TOL,
                        "exp(log R) at pi, axis %d", i);
    }
}
END_TEST

FC_TEST ("exp-log", test_known_rotations)
{
  static const double rx_pi[9] = { 1, 0, 0, 0, -1, 0, 0, 0, -1 };
  static const double rz_half[9] = { 0, -1, 0, 1, 0, 0, 0, 0, 1 };
  static const double rxy_pi[9] = { 0, 1, 0, 1, 0, 0, 0, 0, -1 };
  static const double id[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
  double w[3], R[9];
  fc_so3_log (rx_pi, w);
  double e1[3] = { M_PI, 0, 0 };
  fc_ck_assert_abs (max_abs_diff (w, e1, 3), 0.0, SO3_TOL, "log Rx(pi)");
  fc_so3_log (rz_half, w);
  double e2[3] = { 0, 0, M_PI_2 };
  fc_ck_assert_abs (max_abs_diff (w, e2, 3), 0.0, SO3_TOL, "log Rz(pi/2)");
  fc_so3_exp (e2, R);
  fc_ck_assert_abs (max_abs_diff (R, rz_half, 9), 0.0, SO3_TOL,
                    "exp (0, 0, pi/2)");
  fc_so3_log (rxy_pi, w);
  double e3[3] = { M_PI * M_SQRT1_2, M_PI * M_SQRT1_2, 0 };
  fc_ck_assert_abs (max_abs_diff (w, e3, 3), 0.0, SO3_TOL,
                    "log of pi about (1, 1, 0)/sqrt 2 (tie: first positive)");
  fc_so3_log (id, w);
  ck_assert (w[0] == 0.0 && w[1] == 0.0 && w[2] == 0.0);
  double z[3] = { 0, 0, 0 };
  fc_so3_exp (z, R);
  ck_assert (max_abs_diff (R, id, 9) == 0.0);
  /* hat and vee invert each other, and hat(w) x = w x x.  */
  double v[3] = { 0.3, -1.2, 2.5 }, W[9], u[3];
  fc_so3_hat (v, W);
  fc_so3_vee (W, u);
  ck_assert (max_abs_diff (u, v, 3) == 0.0);
  double x[3] = { 1.5, 0.25, -0.75 };
  double cr[3] = { v[1] * x[2] - v[2] * x[1], v[2] * x[0] - v[0] * x[2],
                   v[0] * x[1] - v[1] * x[0] };
  for (int i = 0; i < 3; i++)
    fc_ck_assert_abs (W[3 * i] * x[0] + W[3 * i + 1] * x[1]
                      + W[3 * i + 2] * x[2], cr[i], SO3_TOL, "hat, row %d", i);
}
END_TEST

/* C = A B (3x3), summed over the inner index.  */
static void
mul (const double *A, const double *B, double *C)
{
  for (int ij = 0; ij < 9; ij++)
    {
      double c = 0.0;
      for (int k = 0; k < 3; k++)
        c += A[ij - ij % 3 + k] * B[3 * k + ij % 3];
      C[ij] = c;
    }
}

FC_TEST ("metric", test_dist_and_geodesic)
{
  enum { N = 50 };
  double R[9 * N], a[3 * N];
  fc_so3_haar (9, N, R);
  axes (31, N, a);
  for (int i = 0; i + 1 < N; i++)
    {
      const double *R1 = R + 9 * i, *R2 = R + 9 * (i + 1);
      double d12 = fc_so3_dist (R1, R2), d21 = fc_so3_dist (R2, R1);
      fc_ck_assert_abs (d12, d21, SO3_TOL, "dist symmetric, pair %d", i);
      /* R1 exp(w) at distance |w|, angles up to within 1e-9 of pi.  */
      double th = (M_PI - 1e-9) * (i + 1.0) / N;
      double w[3] = { th * a[3 * i], th * a[3 * i + 1], th * a[3 * i + 2] };
      double E[9], R3[9];
      fc_so3_exp (w, E);
      mul (R1, E, R3);
      fc_ck_assert_abs (fc_so3_dist (R1, R3), th, SO3_TOL,
                        "dist(R, R exp(w)) = |w|, draw %d", i);
      /* Geodesic: the ends, and the midpoint halfway in distance.  */
      double G[9];
      fc_so3_geodesic (R1, R2, 0.0, G);
      fc_ck_assert_abs (max_abs_diff (G, R1, 9), 0.0, SO3_TOL, "t = 0, %d", i);
      fc_so3_geodesic (R1, R2, 1.0, G);
      fc_ck_assert_abs (max_abs_diff (G, R2, 9), 0.0, SO3_TOL, "t = 1, %d", i);
      fc_so3_geodesic (R1, R2, 0.5, G);
      fc_ck_assert_abs (fc_so3_dist (R1, G), 0.5 * d12, SO3_TOL,
                        "midpoint from R0, pair %d", i);
      fc_ck_assert_abs (fc_so3_dist (G, R2), 0.5 * d12, SO3_TOL,
                        "midpoint from R1, pair %d", i);
    }
}
END_TEST

/* E_k = R hat(e_k): R^T E_k = hat(e_k), and the frame is orthogonal with
   <E_j, E_k> = tr(E_j^T E_k) = 2 delta_jk.  */
FC_TEST ("metric", test_frame)
{
  double R[9], E[3][9];
  fc_so3_haar (3, 1, R);
  for (size_t k = 0; k < 3; k++)
    {
      ck_assert_int_eq (fc_so3_frame (R, k, E[k]), GSL_SUCCESS);
      double M[9], v[3], Rt[9];
      for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
          Rt[3 * i + j] = R[3 * j + i];
      mul (Rt, E[k], M);
      fc_so3_vee (M, v);
      for (int i = 0; i < 3; i++)
        fc_ck_assert_abs (v[i], i == (int) k, SO3_TOL, "vee(R^T E_%zu)", k);
    }
  for (int j = 0; j < 3; j++)
    for (int k = 0; k < 3; k++)
      {
        double ip = 0.0;
        for (int i = 0; i < 9; i++)
          ip += E[j][i] * E[k][i];
        fc_ck_assert_abs (ip, 2.0 * (j == k), SO3_TOL, "<E_%d, E_%d>", j, k);
      }
  ck_assert_int_eq (fc_so3_frame (R, 3, E[0]), GSL_EINVAL);
}
END_TEST

/* Haar: each entry has mean 0 and variance 1/3; the angle has density
   (1 - cos w)/pi, CDF (w - sin w)/pi, mean pi/2 + 2/pi and variance
   pi^2/12 - 4/pi^2.  Fixed seed; bands at Z_MAX standard errors, the
   chi-square at its 1e-6 upper quantile.  */
FC_TEST ("haar", test_haar_law)
{
  size_t n = MC_N;
  double *R = malloc (9 * n * sizeof *R), *R2 = malloc (9 * n * sizeof *R2);
  ck_assert (R != NULL && R2 != NULL);
  ck_assert_int_eq (fc_so3_haar (42, n, R), GSL_SUCCESS);
  ck_assert_int_eq (fc_so3_haar (42, n, R2), GSL_SUCCESS);
  ck_assert (memcmp (R, R2, 9 * n * sizeof *R) == 0);
  enum { BINS = 8 };
  double mean[9] = { 0 }, msum = 0.0;
  size_t count[BINS] = { 0 };
  for (size_t i = 0; i < n; i++)
    {
      for (int k = 0; k < 9; k++)
        mean[k] += R[9 * i + k] / n;
      double w[3];
      fc_so3_log (R + 9 * i, w);
      double th = norm3 (w);
      msum += th;
      count[GSL_MIN ((int) (th / M_PI * BINS), BINS - 1)]++;
    }
  for (int k = 0; k < 9; k++)
    fc_ck_assert_abs (mean[k], 0.0, Z_MAX * sqrt (1.0 / 3.0 / n),
                      "Haar mean of entry %d", k);
  fc_ck_assert_abs (msum / n, M_PI_2 + 2.0 / M_PI,
                    Z_MAX * sqrt ((M_PI * M_PI / 12.0 - 4.0 / (M_PI * M_PI))
                                  / n), "Haar mean angle");
  double chi2 = 0.0;
  for (int b = 0; b < BINS; b++)
    {
      double lo = M_PI * b / BINS, hi = M_PI * (b + 1) / BINS;
      double p = ((hi - sin (hi)) - (lo - sin (lo))) / M_PI;
      chi2 += gsl_pow_2 (count[b] - n * p) / (n * p);
    }
  ck_assert_msg (chi2 < gsl_cdf_chisq_Qinv (1e-6, BINS - 1),
                 "Haar angle histogram: chi2 %g", chi2);
  free (R);
  free (R2);
}
END_TEST

static double
density_fn (double w, void *p)
{
  return fc_so3_igso3_density (w, *(double *) p);
}

static double
w_density_fn (double w, void *p)
{
  return w * fc_so3_igso3_density (w, *(double *) p);
}

static double
w2_density_fn (double w, void *p)
{
  return w * w * fc_so3_igso3_density (w, *(double *) p);
}

static double
integrate (double (*f) (double, void *), double s)
{
  gsl_integration_workspace *ws = gsl_integration_workspace_alloc (200);
  gsl_function fn = { f, &s };
  double r, err;
  ck_assert_int_eq (gsl_integration_qag (&fn, 0.0, M_PI, QUAD_TOL, QUAD_TOL,
                                         200, GSL_INTEG_GAUSS61, ws, &r, &err),
                    GSL_SUCCESS);
  gsl_integration_workspace_free (ws);
  return r;
}

static const double scales[] = { 0.05, 0.2, 1.0, 3.0 };

FC_LOOP_TEST ("igso3", test_density_normalised,
              (int) (sizeof scales / sizeof scales[0]))
{
  fc_ck_assert_abs (integrate (density_fn, scales[_i]), 1.0, NORM_TOL,
                    "integral of f(.; %g) on [0, pi]", scales[_i]);
}
END_TEST

FC_TEST ("igso3", test_density_forms_and_limits)
{
  /* The two forms at and around the switch (s = 1).  */
  static const double ss[] = { 0.7, 1.0, 1.5 };
  for (int k = 0; k < 3; k++)
    for (int i = 1; i <= 64; i++)
      {
        double w = M_PI * i / 64;
        fc_ck_assert_rel (fc_so3_igso3_density_images (w, ss[k]),
                          fc_so3_igso3_density_series (w, ss[k]), FORM_TOL,
                          "image sum vs series, s = %g, w = %g", ss[k], w);
      }
  /* Large s: the Haar angle law (the l = 1 term is 3 e^{-s^2} ~ 1e-27).  */
  for (int i = 0; i <= 16; i++)
    {
      double w = M_PI * i / 16;
      fc_ck_assert_rel (fc_so3_igso3_density (w, 8.0), (1 - cos (w)) / M_PI,
                        TOL_EPS (8), "s = 8, w = %g", w);
    }
  ck_assert (fc_so3_igso3_density (0.0, 0.3) == 0.0);
  ck_assert (fc_so3_igso3_density (M_PI, 0.3) > 0.0);
  ck_assert (isnan (fc_so3_igso3_density (1.0, 0.0)));
  ck_assert (isnan (fc_so3_igso3_density (1.0, -1.0)));
  ck_assert (isnan (fc_so3_igso3_density (3.5, 1.0)));
}
END_TEST

FC_TEST ("igso3", test_sample_angle_mean)
{
  size_t n = MC_N;
  double *R = malloc (9 * n * sizeof *R), *th = malloc (n * sizeof *th);
  ck_assert (R != NULL && th != NULL);
  static const double ss[] = { 0.2, 1.0 };
  for (int k = 0; k < 2; k++)
    {
      ck_assert_int_eq (fc_so3_igso3_sample (7, ss[k], n, R, th),
                        GSL_SUCCESS);
      double m = 0.0;
      for (size_t i = 0; i < n; i++)
        {
          double w[3];
          fc_so3_log (R + 9 * i, w);
          fc_ck_assert_abs (norm3 (w), th[i], SO3_TOL, "angle of draw %zu",
                            i);
          m += th[i] / n;
        }
      double mu = integrate (w_density_fn, ss[k]);
      double var = integrate (w2_density_fn, ss[k]) - mu * mu;
      fc_ck_assert_abs (m, mu, Z_MAX * sqrt (var / n),
                        "IGSO(3) mean angle, s = %g", ss[k]);
    }
  free (R);
  free (th);
}
END_TEST

/* Each IGSO(3) angle inverts the CDF at its uniform u = Phi(g), g the
   fourth normal of its draw (the stream fc_so3.h documents): the CDF by
   quadrature at the angle is u to the table's interpolation error
   (~1e-10; a cell's root off by 1e-6 of the cell's mass, as a solver
   stopped at the bracket's midpoint gives, fails).  */
#define CDF_INVERSE_TOL 1e-9

FC_LOOP_TEST ("igso3", test_sample_inverts_cdf,
              (int) (sizeof scales / sizeof scales[0]))
{
  size_t n = fc_under_valgrind () ? 200 : 2000;
  double s = scales[_i];
  double *R = malloc (9 * n * sizeof *R), *th = malloc (n * sizeof *th);
  double *g = malloc (4 * n * sizeof *g);
  ck_assert (R != NULL && th != NULL && g != NULL);
  ck_assert_int_eq (fc_so3_igso3_sample (11, s, n, R, th), GSL_SUCCESS);
  ck_assert_int_eq (fc_rng_gaussian_fill (11, 0, 4 * n, g), GSL_SUCCESS);
  gsl_integration_workspace *ws = gsl_integration_workspace_alloc (200);
  gsl_function fn = { density_fn, &s };
  for (size_t i = 0; i < n; i++)
    {
      double cdf = 0.0, err;
      if (th[i] > 0.0)
        ck_assert_int_eq (gsl_integration_qag (&fn, 0.0, th[i], 0.0,
                                               QUAD_TOL, 200,
                                               GSL_INTEG_GAUSS61, ws, &cdf,
                                               &err),
                          GSL_SUCCESS);
      fc_ck_assert_abs (cdf, gsl_cdf_ugaussian_P (g[4 * i + 3]),
                        CDF_INVERSE_TOL, "CDF at the angle of draw %zu, s = %g",
                        i, s);
    }
  gsl_integration_workspace_free (ws);
  free (R);
  free (th);
  free (g);
}
END_TEST

/* The batched density is the scalar one to the bit, at scales on both
   sides of the switch between its forms (at the switch too) and at the
   ends of [0, pi]; an angle outside is NaN and GSL_EDOM, the others still
   computed; a bad scale is GSL_EDOM.  */
FC_TEST ("igso3", test_density_fill_is_scalar_density)
{
  enum { N = 203 };
  static const double ss[] = { 0.01, 0.05, 0.3, 0.999, 1.0, 1.86, 8.0 };
  double w[N], f[N];
  for (int i = 0; i < N; i++)
    w[i] = M_PI * i / (N - 1);
  for (size_t k = 0; k < sizeof ss / sizeof ss[0]; k++)
    {
      ck_assert_int_eq (fc_so3_igso3_density_fill (ss[k], N, w, f),
                        GSL_SUCCESS);
      for (int i = 0; i < N; i++)
        {
          double want = fc_so3_igso3_density (w[i], ss[k]);
          ck_assert_msg (memcmp (&f[i], &want, sizeof want) == 0,
                         "density_fill (%g, s = %g): %.17g, scalar %.17g",
                         w[i], ss[k], f[i], want);
        }
    }
  double bad[3] = { 1.0, -0.1, 3.5 };
  ck_assert_int_eq (fc_so3_igso3_density_fill (0.3, 3, bad, f), GSL_EDOM);
  ck_assert (f[0] == fc_so3_igso3_density (1.0, 0.3));
  ck_assert (isnan (f[1]) && isnan (f[2]));
  ck_assert_int_eq (fc_so3_igso3_density_fill (0.0, 3, w, f), GSL_EDOM);
  ck_assert_int_eq (fc_so3_igso3_density_fill (NAN, 3, w, f), GSL_EDOM);
  ck_assert_int_eq (fc_so3_igso3_density_fill (0.3, 3, NULL, f), GSL_EINVAL);
}
END_TEST

static double
cost (size_t n, const double *x, const double *y, const double *R)
{
  double c = 0.0;
  for (size_t i = 0; i < n; i++)
    for (int a = 0; a < 3; a++)
      c += gsl_pow_2 (R[3 * a] * x[3 * i] + R[3 * a + 1] * x[3 * i + 1]
                      + R[3 * a + 2] * x[3 * i + 2] - y[3 * i + a]);
  return c;
}

static double
det3 (const double *m)
{
  return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6])
         + m[2] * (m[3] * m[7] - m[4] * m[6]);
}

FC_TEST ("kabsch", test_kabsch)
{
  enum { N = 10, NR = 200 };
  double x[3 * N], y[3 * N], Q[9], R[9], noise[3 * N];
  fc_rng_gaussian_fill (1, 0, 3 * N, x);
  fc_rng_gaussian_fill (2, 0, 3 * N, noise);
  fc_so3_haar (3, 1, Q);
  /* Noiseless: Q is recovered to round-off.  */
  for (int i = 0; i < N; i++)
    for (int a = 0; a < 3; a++)
      y[3 * i + a] = Q[3 * a] * x[3 * i] + Q[3 * a + 1] * x[3 * i + 1]
                     + Q[3 * a + 2] * x[3 * i + 2];
  ck_assert_int_eq (fc_so3_kabsch (N, x, y, R), GSL_SUCCESS);
  fc_ck_assert_abs (max_abs_diff (R, Q, 9), 0.0, SO3_TOL, "Kabsch recovery");
  /* Reflected data y = -x: still a proper rotation.  */
  for (int i = 0; i < 3 * N; i++)
    y[i] = -x[i];
  fc_so3_kabsch (N, x, y, R);
  fc_ck_assert_abs (det3 (R), 1.0, SO3_TOL, "det of Kabsch on reflection");
  double RtR[9], Rt[9], id[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      Rt[3 * i + j] = R[3 * j + i];
  mul (Rt, R, RtR);
  fc_ck_assert_abs (max_abs_diff (RtR, id, 9), 0.0, SO3_TOL, "R^T R = I");
  /* Noisy: no Haar rotation does better, nor any small perturbation.  */
  for (int i = 0; i < N; i++)
    for (int a = 0; a < 3; a++)
      y[3 * i + a] = Q[3 * a] * x[3 * i] + Q[3 * a + 1] * x[3 * i + 1]
                     + Q[3 * a + 2] * x[3 * i + 2] + 0.3 * noise[3 * i + a];
  fc_so3_kabsch (N, x, y, R);
  double c0 = cost (N, x, y, R), H[9 * NR], P[9], E[9];
  fc_so3_haar (4, NR, H);
  for (int k = 0; k < NR; k++)
    {
      ck_assert (cost (N, x, y, H + 9 * k) >= c0);
      double w[3] = { 1e-3 * (k % 3 == 0), 1e-3 * (k % 3 == 1),
                      1e-3 * (k % 3 == 2) };
      if (k % 2)
        w[k % 3] = -w[k % 3];
      fc_so3_exp (w, E);
      mul (R, E, P);
      ck_assert (cost (N, x, y, P) >= c0);
    }
}
END_TEST

FC_TEST ("args", test_bad_arguments)
{
  double R[9], w[3] = { 0 }, x[3] = { 1, 0, 0 };
  ck_assert_int_eq (fc_so3_exp (NULL, R), GSL_EINVAL);
  ck_assert_int_eq (fc_so3_log (NULL, w), GSL_EINVAL);
  ck_assert_int_eq (fc_so3_log (R, NULL), GSL_EINVAL);
  ck_assert_int_eq (fc_so3_geodesic (NULL, R, 0.5, R), GSL_EINVAL);
  ck_assert (isnan (fc_so3_dist (NULL, R)));
  ck_assert_int_eq (fc_so3_haar (1, 0, R), GSL_EINVAL);
  ck_assert_int_eq (fc_so3_haar (1, 1, NULL), GSL_EINVAL);
  ck_assert_int_eq (fc_so3_kabsch (0, x, x, R), GSL_EINVAL);
  ck_assert_int_eq (fc_so3_kabsch (1, NULL, x, R), GSL_EINVAL);
  ck_assert_int_eq (fc_so3_igso3_sample (1, 0.0, 1, R, NULL), GSL_EDOM);
  ck_assert_int_eq (fc_so3_igso3_sample (1, -1.0, 1, R, NULL), GSL_EDOM);
  ck_assert_int_eq (fc_so3_igso3_sample (1, 1.0, 0, R, NULL), GSL_EINVAL);
}
END_TEST

FC_CK_MAIN ("so3")
