/* tests/check_guide.c -- exact and approximate guidance (fc_guide.h).
 *
 * The exact likelihood h_t(x) = p_t(y | x) is checked against Bayes on the
 * path, h = p_t^post(x) p(y) / p_t(x), with the posterior mixture of
 * fc_gmm_condition, its path density and score from fc_path (an independent
 * route: conditioning first, then the path), and against finite differences;
 * the Tweedie Jacobian against (alpha/sigma^2) Cov[x1|x_t] and against
 * finite differences of fc_path's x1hat; the guided velocity u + c_t grad
 * log h against the velocity of the posterior path (S6); the approximate
 * likelihoods (G4, G5) against their definitions and their exact special
 * cases.  The batched kernels, which form no D x D matrix unless asked,
 * are checked at D = 2, 7 and 33 against per-point references built from
 * the D x D outputs, against Bayes, against the unfused route for the
 * guided fields, and for bitwise independence of threads and batch.
 * Every case runs at t = 0 and t = 1 as well as inside.  */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_math.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "fc_check.h"
#include "fc_gmm.h"
#include "fc_guide.h"
#include "fc_obs.h"
#include "fc_path.h"
#include "fc_rng.h"

#define D 3     /* data dimension */
#define NK 3    /* prior components */
#define NPTS 40 /* points per check (more than two chunks of 16) */
#define SIGMA_Y 0.381966

/* Round-off band of the Bayes identity.  Both sides are sums and
   differences of log-densities (size L = |log p_t^post| + |log p_t| +
   |log p(y)|) whose quadratic forms go through Cholesky or eigen solves of
   covariances with condition number at most ~1e2 here (prior eigenvalues in
   [0.3, 2], posterior ones down to ~sigma_y^2 / |A|^2): relative error
   ~ cond * D * eps.  2^12 eps (9e-13) covers cond * D = 300 with a margin
   of 10.  The same band, relative to the sizes of the two scores, bounds
   the gradient identity.  */
#define TOL_BAYES TOL_EPS (4096.0)

/* Finite differences: the 5-point stencil with step FD_H has truncation
   error h^4/30 |f^(5)| (f varies on scales >= 0.3 here: < 1e-13) and
   round-off (3/2) eps |f| / h = 3.3e-12 |f|: TOL_FD = 100 eps / h = 2.2e-10
   relative to 1 + |f| leaves a margin of ~50.  */
#define FD_H 1e-4
#define TOL_FD (100.0 * GSL_DBL_EPSILON / FD_H)

/* Identities between two closed forms computed by different routes (one
   or two solves, O(K D^2) sums of O(1) terms): 2^8 eps relative to the
   size of the terms.  */
#define TOL_CLOSED TOL_EPS (256.0)

static const fc_schedule all_s[]
  = { FC_SCHEDULE_LINEAR, FC_SCHEDULE_COSINE, FC_SCHEDULE_VP };
static const double all_t[] = { 0.0, 0.3, 0.7, 0.999, 1.0 };
#define N_S 3
#define N_T 5

static fc_gmm *
make_prior (size_t d, size_t nk, unsigned long seed)
{
  const fc_gmm_random_params p = { 0.5, 1.5, 1.2, 0.3, 2.0 };
  fc_gmm *g = fc_gmm_random (d, nk, &p, seed, 0);
  ck_assert_ptr_nonnull (g);
  return g;
}

/* A ~ N(0, 1/D) entries, y = A x1 + noise with x1 a draw of G.  */
static fc_obs *
make_obs (const fc_gmm *g, size_t m, unsigned long seed)
{
  size_t d = g->dim;
  fc_obs *o = fc_obs_alloc (m, d);
  double *x1 = malloc (d * sizeof (double));
  double *e = malloc (m * sizeof (double));
  ck_assert_int_eq (fc_rng_gaussian_fill (seed, 10, m * d, o->a), 0);
  ck_assert_int_eq (fc_rng_gaussian_fill (seed, 20, m, e), 0);
  ck_assert_int_eq (fc_gmm_sample (g, seed, 1, x1), 0);
  for (size_t i = 0; i < m * d; i++)
    o->a[i] /= sqrt ((double) d);
  o->sigma_y = SIGMA_Y;
  for (size_t i = 0; i < m; i++)
    {
      o->y[i] = SIGMA_Y * e[i];
      for (size_t j = 0; j < d; j++)
        o->y[i] += o->a[i * d + j] * x1[j];
    }
  free (x1);
  free (e);
  return o;
}

/* N points spread like N(0, 1.5^2 I) (the path's bulk and beyond). */
static double *
make_points (size_t n, size_t d, unsigned long seed)
{
  double *x = malloc (n * d * sizeof (double));
  ck_assert_int_eq (fc_rng_gaussian_fill (seed, 30, n * d, x), 0);
  for (size_t i = 0; i < n * d; i++)
    x[i] *= 1.5;
  return x;
}

static double
norm2 (size_t n, const double *v)
{
  double s = 0.0;
  for (size_t i = 0; i < n; i++)
    s += v[i] * v[i];
  return sqrt (s);
}

/* Largest measured error per test, printed when FC_GUIDE_REPORT is set. */
static void
report (const char *what, double err)
{
  if (getenv ("FC_GUIDE_REPORT"))
    fprintf (stderr, "%-48s %.3g\n", what, err);
}

/* ------------------------------------------- the exact likelihood */

/* The Bayes identity for schedule S, time T and M rows of A: log h =
   log p_t^post - log p_t + log p(y), grad log h = score^post - score.  */
static void
check_bayes (fc_schedule s, double t, size_t m, double *worst)
{
  fc_gmm *g = make_prior (D, NK, 11);
  fc_obs *o = make_obs (g, m, 12 + m);
  double *x = make_points (NPTS, D, 13);
  fc_gmm *post = fc_gmm_condition (g, m, o->a, o->y, o->sigma_y);
  fc_gmm *law_y = fc_gmm_affine (g, m, o->a, NULL, SIGMA_Y * SIGMA_Y);
  double lpy, logh[NPTS], lp[NPTS], lpp[NPTS];
  double grad[NPTS * D], sc[NPTS * D], scp[NPTS * D];
  ck_assert_int_eq (fc_gmm_log_density (law_y, 1, o->y, &lpy), 0);
  fc_path_out po = { .logp = lp, .score = sc };
  fc_path_out pp = { .logp = lpp, .score = scp };
  ck_assert_int_eq (fc_path_eval_many (g, s, t, NPTS, x, &po), 0);
  ck_assert_int_eq (fc_path_eval_many (post, s, t, NPTS, x, &pp), 0);
  fc_guide_out out = { .logh = logh, .grad = grad };
  ck_assert_int_eq (fc_guide_eval (g, s, t, o, NPTS, x, &out), 0);
  for (size_t p = 0; p < NPTS; p++)
    {
      double scale = fabs (lpp[p]) + fabs (lp[p]) + fabs (lpy);
      double ref = lpp[p] - lp[p] + lpy;
      *worst = GSL_MAX (*worst, fabs (logh[p] - ref) / scale);
      fc_ck_assert_abs (logh[p], ref, TOL_BAYES * scale,
                        "%s t=%g m=%zu point %zu: log h",
                        fc_schedule_name (s), t, m, p);
      double gs = norm2 (D, scp + p * D) + norm2 (D, sc + p * D);
      for (size_t i = 0; i < D; i++)
        {
          double gref = scp[p * D + i] - sc[p * D + i];
          *worst = GSL_MAX (*worst, fabs (grad[p * D + i] - gref) / gs);
          fc_ck_assert_abs (grad[p * D + i], gref, TOL_BAYES * gs,
                            "%s t=%g m=%zu point %zu: grad log h [%zu]",
                            fc_schedule_name (s), t, m, p, i);
        }
    }
  fc_gmm_free (post);
  fc_gmm_free (law_y);
  fc_obs_free (o);
  fc_gmm_free (g);
  free (x);
}

START_TEST (test_log_h_is_bayes_on_the_posterior_path)
{
  fc_schedule s = all_s[_i / N_T];
  double t = all_t[_i % N_T], worst = 0.0;
  for (size_t m = 1; m <= D + 1; m++)
    check_bayes (s, t, m, &worst);
  char what[64];
  snprintf (what, sizeof what, "bayes %s t=%g (rel)", fc_schedule_name (s),
            t);
  report (what, worst);
}
END_TEST

START_TEST (test_h_is_the_evidence_with_zero_gradient_at_t0)
{
  /* linear and cosine have alpha_0 = 0: h_0 = p(y), grad exactly 0, and
     c_t grad log h = alpha'(0) (E[x1|y] - E[x1]).  */
  fc_schedule s = all_s[_i];
  fc_gmm *g = make_prior (D, NK, 21);
  fc_obs *o = make_obs (g, 2, 22);
  double *x = make_points (NPTS, D, 23);
  fc_gmm *law_y = fc_gmm_affine (g, 2, o->a, NULL, SIGMA_Y * SIGMA_Y);
  fc_gmm *post = fc_gmm_condition (g, 2, o->a, o->y, o->sigma_y);
  double lpy, logh[NPTS], grad[NPTS * D], cg[NPTS * D], mu[D], mup[D];
  double cov[D * D];
  fc_schedule_value v;
  ck_assert_int_eq (fc_schedule_eval (s, 0.0, &v), 0);
  ck_assert_int_eq (fc_gmm_log_density (law_y, 1, o->y, &lpy), 0);
  ck_assert_int_eq (fc_gmm_moments (g, mu, cov), 0);
  ck_assert_int_eq (fc_gmm_moments (post, mup, cov), 0);
  fc_guide_out out = { .logh = logh, .grad = grad, .cgrad = cg };
  ck_assert_int_eq (fc_guide_eval (g, s, 0.0, o, NPTS, x, &out), 0);
  double worst = 0.0;
  for (size_t p = 0; p < NPTS; p++)
    {
      fc_ck_assert_rel (logh[p], lpy, TOL_CLOSED, "log h_0 = log p(y)");
      worst = GSL_MAX (worst, fabs (logh[p] - lpy) / fabs (lpy));
      for (size_t i = 0; i < D; i++)
        {
          ck_assert_msg (grad[p * D + i] == 0.0, "grad log h_0 = %g",
                         grad[p * D + i]);
          double lim = v.dalpha * (mup[i] - mu[i]);
          fc_ck_assert_abs (cg[p * D + i], lim,
                            TOL_CLOSED * (norm2 (D, mu) + norm2 (D, mup)),
                            "c_0 grad log h_0 [%zu]", i);
        }
    }
  report ("t=0 log h vs log p(y) (rel)", worst);
  fc_gmm_free (post);
  fc_gmm_free (law_y);
  fc_obs_free (o);
  fc_gmm_free (g);
  free (x);
}
END_TEST

START_TEST (test_h_is_the_noise_density_at_t1)
{
  fc_gmm *g = make_prior (D, NK, 31);
  fc_obs *o = make_obs (g, 2, 32);
  double *x = make_points (NPTS, D, 33);
  double logh[NPTS], grad[NPTS * D], worst = 0.0;
  fc_guide_out out = { .logh = logh, .grad = grad };
  ck_assert_int_eq (fc_guide_eval (g, all_s[_i], 1.0, o, NPTS, x, &out), 0);
  for (size_t p = 0; p < NPTS; p++)
    {
      double r[2], q = 0.0, s2 = SIGMA_Y * SIGMA_Y;
      for (size_t i = 0; i < 2; i++)
        {
          r[i] = o->y[i];
          for (size_t j = 0; j < D; j++)
            r[i] -= o->a[i * D + j] * x[p * D + j];
          q += r[i] * r[i];
        }
      double ref = -0.5 * q / s2 - log (2 * M_PI * s2);
      fc_ck_assert_abs (logh[p], ref, TOL_CLOSED * (1 + fabs (ref)),
                        "log h_1 = log N(y; A x, sigma_y^2 I)");
      worst = GSL_MAX (worst, fabs (logh[p] - ref) / (1 + fabs (ref)));
      for (size_t j = 0; j < D; j++)
        {
          double gref = (o->a[j] * r[0] + o->a[D + j] * r[1]) / s2;
          fc_ck_assert_abs (grad[p * D + j], gref,
                            TOL_CLOSED * (1 + norm2 (2, r) / s2),
                            "grad log h_1 = A^T (y - A x) / sigma_y^2");
        }
    }
  report ("t=1 log h vs noise density (rel)", worst);
  fc_obs_free (o);
  fc_gmm_free (g);
  free (x);
}
END_TEST

/* d f / d x_j at X by the 5-point stencil, F writing WIDTH values.  */
typedef void (*field_fn) (const double *x, double *f, void *ctx);

static void
fd_jacobian (field_fn f, void *ctx, const double *x, size_t width,
             double *jac /* (width, D) */)
{
  double xs[D], f4[4][D * D + 1];
  for (size_t j = 0; j < D; j++)
    {
      const double step[4] = { 2 * FD_H, FD_H, -FD_H, -2 * FD_H };
      for (int k = 0; k < 4; k++)
        {
          memcpy (xs, x, sizeof xs);
          xs[j] += step[k];
          f (xs, f4[k], ctx);
        }
      for (size_t i = 0; i < width; i++)
        jac[i * D + j] = (-f4[0][i] + 8 * f4[1][i] - 8 * f4[2][i] + f4[3][i])
                         / (12 * FD_H);
    }
}

typedef struct
{
  const fc_gmm *g;
  const fc_obs *o;
  fc_schedule s;
  double t;
} fd_ctx;

static void
fd_logh (const double *x, double *f, void *ctx)
{
  const fd_ctx *c = ctx;
  fc_guide_out out = { .logh = f };
  ck_assert_int_eq (fc_guide_eval (c->g, c->s, c->t, c->o, 1, x, &out), 0);
}

static void
fd_x1hat (const double *x, double *f, void *ctx)
{
  const fd_ctx *c = ctx;
  ck_assert_int_eq (fc_path_eval (c->g, c->s, c->t, FC_Q_X1HAT, 1, x, f), 0);
}

START_TEST (test_grad_log_h_matches_finite_differences)
{
  fc_schedule s = all_s[_i / 3];
  double t = (double[]) { 0.3, 0.7, 0.999 }[_i % 3], worst = 0.0;
  fc_gmm *g = make_prior (D, NK, 41);
  fc_obs *o = make_obs (g, 2, 42);
  double *x = make_points (8, D, 43);
  fd_ctx c = { g, o, s, t };
  for (size_t p = 0; p < 8; p++)
    {
      double lh, gr[D], fd[D];
      fc_guide_out out = { .logh = &lh, .grad = gr };
      ck_assert_int_eq (fc_guide_eval (g, s, t, o, 1, x + p * D, &out), 0);
      fd_jacobian (fd_logh, &c, x + p * D, 1, fd);
      for (size_t j = 0; j < D; j++)
        {
          double band = TOL_FD * (1 + fabs (lh) + norm2 (D, gr));
          worst = GSL_MAX (worst, fabs (gr[j] - fd[j]) / band * TOL_FD);
          fc_ck_assert_abs (gr[j], fd[j], band, "%s t=%g: d log h/dx_%zu",
                            fc_schedule_name (s), t, j);
        }
    }
  char what[64];
  snprintf (what, sizeof what, "fd grad log h %s t=%g", fc_schedule_name (s),
            t);
  report (what, worst);
  fc_obs_free (o);
  fc_gmm_free (g);
  free (x);
}
END_TEST

/* ------------------------------------------- Tweedie */

START_TEST (test_jacobian_is_scaled_tweedie_covariance_and_fd)
{
  fc_schedule s = all_s[_i / N_T];
  double t = all_t[_i % N_T];
  fc_gmm *g = make_prior (D, NK, 51);
  double *x = make_points (NPTS, D, 52);
  double *xh = malloc (NPTS * D * sizeof (double));
  double *xr = malloc (NPTS * D * sizeof (double));
  double *cov = malloc (NPTS * D * D * sizeof (double));
  double *jac = malloc (NPTS * D * D * sizeof (double));
  fc_guide_out out = { .x1hat = xh, .cov = cov, .jac = jac };
  ck_assert_int_eq (fc_guide_eval (g, s, t, NULL, NPTS, x, &out), 0);
  ck_assert_int_eq (fc_path_eval (g, s, t, FC_Q_X1HAT, NPTS, x, xr), 0);
  fc_schedule_value v;
  fc_schedule_eval (s, t, &v);
  fd_ctx c = { g, NULL, s, t };
  double w_x = 0, w_t = 0, w_fd = 0;
  for (size_t p = 0; p < NPTS; p++)
    {
      const double *cp = cov + p * D * D, *jp = jac + p * D * D;
      double sx = 1 + norm2 (D, xr + p * D), fd[D * D];
      for (size_t i = 0; i < D; i++)
        {
          fc_ck_assert_abs (xh[p * D + i], xr[p * D + i], TOL_CLOSED * sx,
                            "x1hat vs fc_path");
          w_x = GSL_MAX (w_x, fabs (xh[p * D + i] - xr[p * D + i]) / sx);
        }
      if (p < 6 && t > 0 && t < 1)
        fd_jacobian (fd_x1hat, &c, x + p * D, D, fd);
      for (size_t ij = 0; ij < D * D; ij++)
        {
          size_t i = ij / D, j = ij % D;
          ck_assert_msg (cp[ij] == cp[j * D + i], "Cov not exactly symmetric");
          if (v.sigma > 0)
            {
              double ref = v.alpha / v.sigma2 * cp[ij];
              double sc = 1 + v.alpha / v.sigma2 * norm2 (D * D, cp);
              fc_ck_assert_abs (jp[ij], ref, TOL_CLOSED * sc,
                                "J = (alpha/sigma^2) Cov at (%zu,%zu)", i, j);
              w_t = GSL_MAX (w_t, fabs (jp[ij] - ref) / sc);
            }
          else
            {
              /* t = 1: x1hat = x, J = I, Cov = 0 (PD prior).  */
              fc_ck_assert_abs (jp[ij], i == j, TOL_CLOSED, "J_1 = I");
              fc_ck_assert_abs (cp[ij], 0.0, TOL_CLOSED, "Cov_1 = 0");
            }
          if (p < 6 && t > 0 && t < 1)
            {
              double band = TOL_FD * (1 + norm2 (D, xr + p * D)
                                      + norm2 (D * D, jp));
              fc_ck_assert_abs (jp[ij], fd[ij], band, "J vs fd (%zu,%zu)",
                                i, j);
              w_fd = GSL_MAX (w_fd, fabs (jp[ij] - fd[ij]) / band * TOL_FD);
            }
          if (v.alpha == 0.0)
            ck_assert_msg (jp[ij] == 0.0, "J_0 = 0 exactly");
        }
    }
  char what[80];
  snprintf (what, sizeof what, "tweedie %s t=%g x1hat/J-Cov/fd",
            fc_schedule_name (s), t);
  report (what, GSL_MAX (w_x, GSL_MAX (w_t, w_fd)));
  free (xh);
  free (xr);
  free (cov);
  free (jac);
  fc_gmm_free (g);
  free (x);
}
END_TEST

START_TEST (test_covariance_is_prior_covariance_at_t0)
{
  fc_gmm *g = make_prior (D, NK, 61);
  double *x = make_points (4, D, 62);
  double cov[4 * D * D], mu[D], c0[D * D], xh[4 * D];
  fc_guide_out out = { .x1hat = xh, .cov = cov };
  ck_assert_int_eq (fc_guide_eval (g, FC_SCHEDULE_LINEAR, 0.0, NULL, 4, x,
                                   &out), 0);
  ck_assert_int_eq (fc_gmm_moments (g, mu, c0), 0);
  for (size_t p = 0; p < 4; p++)
    for (size_t i = 0; i < D * D; i++)
      {
        fc_ck_assert_abs (cov[p * D * D + i], c0[i],
                          TOL_CLOSED * norm2 (D * D, c0), "Cov_0 = Cov q");
        if (i < D)
          fc_ck_assert_abs (xh[p * D + i], mu[i], TOL_CLOSED * norm2 (D, mu),
                            "x1hat_0 = E q");
      }
  fc_gmm_free (g);
  free (x);
}
END_TEST

/* ------------------------------------------- guided velocity (S6) */

START_TEST (test_factor_is_one_minus_t_over_t_for_linear)
{
  double c;
  for (int i = 1; i <= 9; i++)
    {
      double t = i / 10.0 + 0.0381966;
      ck_assert_int_eq (fc_guide_factor (FC_SCHEDULE_LINEAR, t, &c), 0);
      fc_ck_assert_rel (c, (1 - t) / t, TOL_EPS (8), "c_t linear");
      /* cosine: sigma (alpha' sigma - alpha sigma')/alpha
         = (pi/2) cos/sin (cos^2 + sin^2) = (pi/2) cot(pi t/2).  */
      ck_assert_int_eq (fc_guide_factor (FC_SCHEDULE_COSINE, t, &c), 0);
      fc_ck_assert_rel (c, M_PI_2 / tan (M_PI_2 * t), TOL_EPS (16),
                        "c_t cosine");
    }
  ck_assert_int_eq (fc_guide_factor (FC_SCHEDULE_LINEAR, 0.0, &c), 0);
  ck_assert (isinf (c) && c > 0);
  ck_assert_int_eq (fc_guide_factor (FC_SCHEDULE_LINEAR, 1.0, &c), 0);
  ck_assert (c == 0.0);
  ck_assert_int_eq (fc_guide_factor (FC_SCHEDULE_VP, 1.0, &c), 0);
  /* vp at t = 1: c = -sigma sigma' = alpha alpha' = beta_min / 2.  */
  fc_ck_assert_rel (c, FC_VP_BETA_MIN / 2, TOL_EPS (8), "c_1 vp");
  ck_assert_int_eq (fc_guide_factor (FC_SCHEDULE_LINEAR, 1.5, &c), GSL_EDOM);
}
END_TEST

START_TEST (test_split_velocity_is_posterior_path_velocity)
{
  fc_schedule s = all_s[_i / N_T];
  double t = all_t[_i % N_T], worst = 0.0;
  fc_gmm *g = make_prior (D, NK, 71);
  for (size_t m = 1; m <= D + 1; m += 2)
    {
      fc_obs *o = make_obs (g, m, 72);
      double *x = make_points (NPTS, D, 73);
      double u1[NPTS * D], u2[NPTS * D];
      fc_guide_field *fe = fc_guide_field_alloc (g, s, o, FC_GUIDE_EXACT, 0);
      fc_guide_field *fs
        = fc_guide_field_alloc (g, s, o, FC_GUIDE_EXACT_SPLIT, 0);
      ck_assert (fe != NULL && fs != NULL);
      ck_assert_int_eq (fc_guide_field_velocity (t, NPTS, x, u1, NULL, fe), 0);
      ck_assert_int_eq (fc_guide_field_velocity (t, NPTS, x, u2, NULL, fs), 0);
      for (size_t p = 0; p < NPTS; p++)
        {
          double sc = 1 + norm2 (D, u1 + p * D) + norm2 (D, x + p * D);
          for (size_t i = 0; i < D; i++)
            {
              fc_ck_assert_abs (u2[p * D + i], u1[p * D + i],
                                TOL_BAYES * sc, "%s t=%g m=%zu: u + c grad",
                                fc_schedule_name (s), t, m);
              worst = GSL_MAX (worst, fabs (u2[p * D + i] - u1[p * D + i])
                                        / sc);
            }
        }
      fc_guide_field_free (fe);
      fc_guide_field_free (fs);
      fc_obs_free (o);
      free (x);
    }
  char what[64];
  snprintf (what, sizeof what, "S6 split %s t=%g", fc_schedule_name (s), t);
  report (what, worst);
  fc_gmm_free (g);
}
END_TEST

/* ------------------------------------------- approximate likelihoods */

typedef struct
{
  const fc_gmm *g;
  const fc_obs *o;
  fc_schedule s;
  double t, gamma;
} fd_actx;

static void
fd_recon_loglik (const double *x, double *f, void *ctx)
{
  const fd_actx *c = ctx;
  fc_guide_approx_out out = { .loglik = f };
  ck_assert_int_eq (fc_guide_approx (c->g, c->s, c->t, c->o,
                                     FC_GUIDE_LIK_RECONSTRUCTION, c->gamma, 1,
                                     x, &out), 0);
}

START_TEST (test_g4_gradient_is_gradient_of_reconstruction_likelihood)
{
  /* Sigma_gamma does not depend on x, so J^T A^T Sigma^{-1} (y - A x1hat)
     is the exact gradient of log N(y; A x1hat, Sigma_gamma).  */
  const double gammas[] = { 0.0, 0.381966, 2.0 };
  fc_schedule s = all_s[_i / 3];
  double t = (double[]) { 0.3, 0.7, 0.999 }[_i % 3], worst = 0.0;
  fc_gmm *g = make_prior (D, NK, 81);
  double *x = make_points (4, D, 83);
  for (size_t m = 2; m <= D; m++)
    for (int k = 0; k < 3; k++)
      {
        fc_obs *o = make_obs (g, m, 82);
        fd_actx c = { g, o, s, t, gammas[k] };
        for (size_t p = 0; p < 4; p++)
          {
            double ll, gr[D], cg[D], fd[D], cf;
            fc_guide_approx_out out = { .loglik = &ll, .grad = gr,
                                        .cgrad = cg };
            ck_assert_int_eq (fc_guide_approx (g, s, t, o,
                                               FC_GUIDE_LIK_RECONSTRUCTION,
                                               gammas[k], 1, x + p * D, &out),
                              0);
            fd_jacobian (fd_recon_loglik, &c, x + p * D, 1, fd);
            ck_assert_int_eq (fc_guide_factor (s, t, &cf), 0);
            for (size_t j = 0; j < D; j++)
              {
                double band = TOL_FD * (1 + fabs (ll) + norm2 (D, gr));
                fc_ck_assert_abs (gr[j], fd[j], band,
                                  "G4 grad vs fd, m=%zu gamma=%g", m,
                                  gammas[k]);
                worst = GSL_MAX (worst, fabs (gr[j] - fd[j]) / band * TOL_FD);
                fc_ck_assert_abs (cg[j], cf * gr[j],
                                  TOL_CLOSED * fabs (cf) * norm2 (D, gr),
                                  "cgrad = c_t grad");
              }
          }
        fc_obs_free (o);
      }
  char what[64];
  snprintf (what, sizeof what, "fd G4 %s t=%g", fc_schedule_name (s), t);
  report (what, worst);
  fc_gmm_free (g);
  free (x);
}
END_TEST

START_TEST (test_tweedie_likelihood_is_exact_for_one_gaussian)
{
  /* With one component p_t(x1 | x) is Gaussian with covariance Sigma1,
     independent of x: N(y; A x1hat, sigma_y^2 I + A Cov A^T) is h itself
     and the G4 gradient is grad log h.  */
  fc_schedule s = all_s[_i / N_T];
  double t = all_t[_i % N_T], worst = 0.0;
  fc_gmm *g = make_prior (D, 1, 91);
  fc_obs *o = make_obs (g, 2, 92);
  double *x = make_points (NPTS, D, 93);
  double lh[NPTS], gr[NPTS * D], cg[NPTS * D];
  double la[NPTS], ga[NPTS * D], ca[NPTS * D];
  fc_guide_out eo = { .logh = lh, .grad = gr, .cgrad = cg };
  fc_guide_approx_out ao = { .loglik = la, .grad = ga, .cgrad = ca };
  ck_assert_int_eq (fc_guide_eval (g, s, t, o, NPTS, x, &eo), 0);
  ck_assert_int_eq (fc_guide_approx (g, s, t, o, FC_GUIDE_LIK_TWEEDIE, 0.0,
                                     NPTS, x, &ao), 0);
  for (size_t p = 0; p < NPTS; p++)
    {
      fc_ck_assert_abs (la[p], lh[p], TOL_CLOSED * (1 + fabs (lh[p])),
                        "%s t=%g: tweedie loglik = log h",
                        fc_schedule_name (s), t);
      worst = GSL_MAX (worst, fabs (la[p] - lh[p]) / (1 + fabs (lh[p])));
      double sg = 1 + norm2 (D, gr + p * D), sc = 1 + norm2 (D, cg + p * D);
      for (size_t i = 0; i < D; i++)
        {
          fc_ck_assert_abs (ga[p * D + i], gr[p * D + i], TOL_CLOSED * sg,
                            "tweedie grad = grad log h");
          fc_ck_assert_abs (ca[p * D + i], cg[p * D + i], TOL_CLOSED * sc,
                            "tweedie cgrad = c grad log h");
          worst = GSL_MAX (worst, fabs (ca[p * D + i] - cg[p * D + i]) / sc);
        }
    }
  char what[64];
  snprintf (what, sizeof what, "tweedie=exact K=1 %s t=%g",
            fc_schedule_name (s), t);
  report (what, worst);
  fc_obs_free (o);
  fc_gmm_free (g);
  free (x);
}
END_TEST

/* Sigma_gamma (m, m) in the test's own words. */
static void
sigma_gamma (const fc_obs *o, double kappa, double *sig)
{
  size_t m = o->m, d = o->dim;
  for (size_t i = 0; i < m; i++)
    for (size_t j = 0; j < m; j++)
      {
        double acc = 0.0;
        for (size_t l = 0; l < d; l++)
          acc += o->a[i * d + l] * o->a[j * d + l];
        sig[i * m + j] = kappa * acc + (i == j ? o->sigma_y * o->sigma_y : 0);
      }
}

START_TEST (test_note_vector_needs_square_a_and_solves_sigma_gamma)
{
  fc_gmm *g = make_prior (D, NK, 101);
  double *x = make_points (NPTS, D, 102);
  fc_obs *o2 = make_obs (g, 2, 103), *o3 = make_obs (g, D, 104);
  double note[NPTS * D], xh[NPTS * D], gr[NPTS * D], jac[NPTS * D * D];
  double t = 0.381966, gamma = 0.7;
  fc_guide_approx_out ao = { .note = note };
  ck_assert_int_eq (fc_guide_approx (g, FC_SCHEDULE_LINEAR, t, o2,
                                     FC_GUIDE_LIK_RECONSTRUCTION, gamma, NPTS,
                                     x, &ao), GSL_EBADLEN);
  ck_assert_ptr_null (fc_guide_field_alloc (g, FC_SCHEDULE_LINEAR, o2,
                                            FC_GUIDE_NOTE, gamma));
  ao.grad = gr;
  ck_assert_int_eq (fc_guide_approx (g, FC_SCHEDULE_LINEAR, t, o3,
                                     FC_GUIDE_LIK_RECONSTRUCTION, gamma, NPTS,
                                     x, &ao), 0);
  fc_guide_out eo = { .x1hat = xh, .jac = jac };
  ck_assert_int_eq (fc_guide_eval (g, FC_SCHEDULE_LINEAR, t, NULL, NPTS, x,
                                   &eo), 0);
  double sig[D * D], kappa = gamma * (1 - t) * (1 - t) / (t * t);
  sigma_gamma (o3, kappa, sig);
  for (size_t p = 0; p < NPTS; p++)
    {
      const double *v = note + p * D, *jp = jac + p * D * D;
      double atv[D] = { 0 };
      for (size_t i = 0; i < D; i++)
        {
          /* Sigma_gamma v = y - A x1hat (the note's formula, m = D). */
          double lhs = 0.0, res = o3->y[i], sc = fabs (o3->y[i]);
          for (size_t j = 0; j < D; j++)
            {
              lhs += sig[i * D + j] * v[j];
              res -= o3->a[i * D + j] * xh[p * D + j];
              sc += fabs (sig[i * D + j] * v[j]) + fabs (o3->a[i * D + j]
                                                         * xh[p * D + j]);
              atv[i] += o3->a[j * D + i] * v[j];
            }
          fc_ck_assert_abs (lhs, res, TOL_CLOSED * sc, "Sigma_gamma note");
        }
      /* G4 = J^T A^T (G5 vector): the factor the note lacks.  */
      for (size_t i = 0; i < D; i++)
        {
          double ref = 0.0, sc = 0.0;
          for (size_t j = 0; j < D; j++)
            {
              ref += jp[j * D + i] * atv[j];
              sc += fabs (jp[j * D + i] * atv[j]);
            }
          fc_ck_assert_abs (gr[p * D + i], ref, TOL_CLOSED * (sc + 1e-300),
                            "G4 = J^T A^T G5");
        }
    }
  fc_obs_free (o2);
  fc_obs_free (o3);
  fc_gmm_free (g);
  free (x);
}
END_TEST

/* c_0 J_0 = alpha'(0) Cov q: cgrad at t = 0 for gamma = 0 and tweedie.  */
static void
limit_at_t0 (const fc_gmm *g, const fc_obs *o, double dalpha, int tweedie,
             double *out)
{
  size_t m = o->m;
  double mu[D], c0[D * D], sig[D * D], r[D], v[D];
  fc_gmm_moments (g, mu, c0);
  for (size_t i = 0; i < m; i++)
    {
      r[i] = o->y[i];
      for (size_t j = 0; j < D; j++)
        r[i] -= o->a[i * D + j] * mu[j];
      for (size_t j = 0; j < m; j++)
        {
          double acc = 0.0;
          for (size_t k = 0; k < D; k++)
            for (size_t l = 0; l < D; l++)
              acc += o->a[i * D + k] * c0[k * D + l] * o->a[j * D + l];
          sig[i * m + j] = (tweedie ? acc : 0.0)
                           + (i == j ? o->sigma_y * o->sigma_y : 0.0);
        }
    }
  gsl_matrix_view sv = gsl_matrix_view_array (sig, m, m);
  gsl_vector_view rv = gsl_vector_view_array (r, m);
  gsl_vector_view vv = gsl_vector_view_array (v, m);
  ck_assert_int_eq (gsl_linalg_cholesky_decomp1 (&sv.matrix), 0);
  ck_assert_int_eq (gsl_linalg_cholesky_solve (&sv.matrix, &rv.vector,
                                               &vv.vector), 0);
  for (size_t i = 0; i < D; i++)
    {
      out[i] = 0.0;
      for (size_t k = 0; k < D; k++)
        for (size_t j = 0; j < m; j++)
          out[i] += dalpha * c0[i * D + k] * o->a[j * D + k] * v[j];
    }
}

START_TEST (test_approximate_guidance_has_its_limit_at_t0)
{
  fc_schedule s = all_s[_i]; /* linear, cosine: alpha_0 = 0 */
  fc_gmm *g = make_prior (D, NK, 111);
  fc_obs *o = make_obs (g, 2, 112);
  double *x = make_points (NPTS, D, 113);
  double ll[NPTS], gr[NPTS * D], cg[NPTS * D], cs[NPTS * D], lim[D];
  fc_schedule_value v;
  fc_schedule_eval (s, 0.0, &v);
  fc_guide_approx_out ao = { .loglik = ll, .grad = gr, .cgrad = cg };
  /* gamma > 0: Sigma_gamma is infinite, the likelihood flat.  */
  ck_assert_int_eq (fc_guide_approx (g, s, 0.0, o, FC_GUIDE_LIK_RECONSTRUCTION,
                                     0.5, NPTS, x, &ao), 0);
  for (size_t p = 0; p < NPTS; p++)
    {
      ck_assert (isinf (ll[p]) && ll[p] < 0);
      for (size_t i = 0; i < D; i++)
        ck_assert (gr[p * D + i] == 0.0 && cg[p * D + i] == 0.0);
    }
  /* gamma = 0 and tweedie: alpha'(0) Cov q A^T Sigma^{-1} (y - A E q), and
     continuity: at t = 1e-6 the term differs by O(t).  */
  for (int tw = 0; tw < 2; tw++)
    {
      fc_guide_lik kind = tw ? FC_GUIDE_LIK_TWEEDIE
                             : FC_GUIDE_LIK_RECONSTRUCTION;
      fc_guide_approx_out a0 = { .grad = gr, .cgrad = cg };
      fc_guide_approx_out a1 = { .cgrad = cs };
      ck_assert_int_eq (fc_guide_approx (g, s, 0.0, o, kind, 0.0, NPTS, x,
                                         &a0), 0);
      ck_assert_int_eq (fc_guide_approx (g, s, 1e-6, o, kind, 0.0, NPTS, x,
                                         &a1), 0);
      limit_at_t0 (g, o, v.dalpha, tw, lim);
      for (size_t p = 0; p < NPTS; p++)
        for (size_t i = 0; i < D; i++)
          {
            ck_assert (gr[p * D + i] == 0.0);
            fc_ck_assert_abs (cg[p * D + i], lim[i],
                              TOL_CLOSED * (1 + norm2 (D, lim)),
                              "%s c_0 grad, tweedie=%d", fc_schedule_name (s),
                              tw);
            /* The term is smooth in alpha: a first-order change, with a
               generous constant 1e2 for |d/dt| of it.  */
            fc_ck_assert_abs (cs[p * D + i], lim[i],
                              1e2 * 1e-6 * (1 + norm2 (D, lim)),
                              "continuity at t = 0");
          }
    }
  fc_obs_free (o);
  fc_gmm_free (g);
  free (x);
}
END_TEST

/* ------------------------------------------- products, not matrices */

/* The dimensions of the checks below: the constant-D = 2 copy of the
   kernel, a D below and a D above the 8-wide register blocks of fc_gemm.h
   (D = 33 = 4 x 8 + 1 also exercises the leftover column).  */
static const size_t fast_d[] = { 2, 7, 33 };
#define N_FD 3

/* Dimension I of fast_d; under valgrind 9 = 8 + 1 stands for 33: the
   same code paths (a full 8-wide block and a leftover column) at a
   fraction of the cost.  */
static size_t
fast_dim (size_t i)
{
  return fc_under_valgrind () && fast_d[i] > 9 ? 9 : fast_d[i];
}
static const double fast_t[] = { 0.0, 0.3, 0.6180339, 0.999, 1.0 };
#define N_FT 5

/* Per-point reference of an approximate likelihood, straight from the
   definitions with the D x D outputs of fc_guide_eval: Sigma (m, m) =
   sigma_y^2 I + kappa A A^T (reconstruction) or + A Cov A^T (tweedie),
   v = Sigma^{-1} (y - A x1hat), q = A^T v; *LL = log N(y; A x1hat, Sigma),
   GRAD = J^T q (G4), CG = c_t J^T q, formed as (CA / sigma^2) Cov q with
   CA = c_t alpha for sigma > 0 (finite at alpha = 0, fc_guide.h) and as
   C J^T q at sigma = 0.  *COND = tr Sigma / sigma_y^2 bounds the condition
   number of Sigma (Sigma >= sigma_y^2 I); *QN = |q|; *LLS = 1 + |LL| +
   sum_i (|y_i| + sum_j |A_ij x1hat_j|)^2 / sigma_y^2 bounds the terms of
   the log-likelihood (the residual y - A x1hat may cancel).  */
static void
approx_reference (const fc_obs *o, const fc_schedule_value *v, double ca,
                  double c, int tweedie, double kappa, const double *xh,
                  const double *cov, const double *jac, double *ll,
                  double *grad, double *cg, double *cond, double *qn,
                  double *lls)
{
  size_t m = o->m, d = o->dim;
  double *sig = malloc (m * m * sizeof (double));
  double *res = malloc (2 * m * sizeof (double)), *vv = res + m;
  double *q = malloc (d * sizeof (double)), s2 = o->sigma_y * o->sigma_y;
  *cond = 0.0;
  *lls = 1.0;
  for (size_t i = 0; i < m; i++)
    {
      double rs = fabs (o->y[i]);
      res[i] = o->y[i];
      for (size_t j = 0; j < d; j++)
        {
          res[i] -= o->a[i * d + j] * xh[j];
          rs += fabs (o->a[i * d + j] * xh[j]);
        }
      *lls += rs * rs / s2;
      for (size_t j = 0; j < m; j++)
        {
          double acc = 0.0;
          for (size_t k = 0; k < d; k++)
            for (size_t l = 0; l < d; l++)
              acc += o->a[i * d + k] * (tweedie ? cov[k * d + l]
                                                : kappa * (k == l))
                     * o->a[j * d + l];
          sig[i * m + j] = acc + (i == j ? s2 : 0.0);
        }
      *cond += sig[i * m + i] / s2;
    }
  gsl_matrix_view sv = gsl_matrix_view_array (sig, m, m);
  gsl_vector_view rv = gsl_vector_view_array (res, m);
  gsl_vector_view vw = gsl_vector_view_array (vv, m);
  ck_assert_int_eq (gsl_linalg_cholesky_decomp1 (&sv.matrix), 0);
  ck_assert_int_eq (gsl_linalg_cholesky_solve (&sv.matrix, &rv.vector,
                                               &vw.vector), 0);
  double quad = 0.0, logdet = 0.0;
  for (size_t i = 0; i < m; i++)
    {
      quad += res[i] * vv[i];
      logdet += 2.0 * log (sig[i * m + i]);
    }
  *ll = -0.5 * quad - 0.5 * logdet - 0.5 * m * log (2 * M_PI);
  *lls += fabs (*ll);
  for (size_t j = 0; j < d; j++)
    {
      q[j] = 0.0;
      for (size_t i = 0; i < m; i++)
        q[j] += o->a[i * d + j] * vv[i];
    }
  *qn = norm2 (d, q);
  double cj = v->sigma > 0 ? ca / v->sigma2 : c;
  const double *mc = v->sigma > 0 ? cov : jac;
  for (size_t i = 0; i < d; i++)
    {
      grad[i] = cg[i] = 0.0;
      for (size_t j = 0; j < d; j++)
        {
          grad[i] += jac[j * d + i] * q[j];
          cg[i] += mc[j * d + i] * q[j];
        }
      cg[i] *= cj;
    }
  free (sig);
  free (res);
  free (q);
}

/* An upper bound, at point X and schedule values V, of the norms of the
   terms that J / alpha is summed from (fc_guide.c, top: J = sum_k r_k J_k
   + sum_k r_k (m1_k - x1hat) (s_k - s)^T).  With a_k = |x - alpha mu_k|
   and c_min = alpha^2 lambda_min + sigma^2 over all components:
   |J_k| / alpha <= lambda_max / c_min; |s_k - s| <= 2 max_k a_k / c_min;
   |m1_k - x1hat| <= 2 max_k (|mu_k| + alpha lambda_max a_k / c_min); and
   (s_k - s) / alpha = (m1_k - x1hat) / sigma^2 (T), so the rank-one terms
   over alpha are bounded by the smaller of the two forms.  */
static double
jac_terms_over_alpha (const fc_gmm *g, const fc_schedule_value *v,
                      const double *x)
{
  size_t d = g->dim;
  double lmin = GSL_POSINF, lmax = 0.0, amax = 0.0, mmax = 0.0;
  for (size_t i = 0; i < g->n_comp * d; i++)
    {
      lmin = GSL_MIN (lmin, g->eigval[i]);
      lmax = GSL_MAX (lmax, g->eigval[i]);
    }
  double cmin = v->alpha * v->alpha * lmin + v->sigma2;
  for (size_t k = 0; k < g->n_comp; k++)
    {
      double a2 = 0.0, mu = norm2 (d, g->mean + k * d);
      for (size_t i = 0; i < d; i++)
        a2 += gsl_pow_2 (x[i] - v->alpha * g->mean[k * d + i]);
      amax = GSL_MAX (amax, sqrt (a2));
      mmax = GSL_MAX (mmax, mu + v->alpha * lmax * sqrt (a2) / cmin);
    }
  double mx = 2 * mmax, sx = 2 * amax / cmin;
  double r1 = v->alpha > 0 ? mx * sx / v->alpha : GSL_POSINF;
  if (v->sigma > 0)
    r1 = GSL_MIN (r1, mx * mx / v->sigma2);
  return lmax / cmin + r1;
}

/* The band of the comparisons with the per-point reference.  Each entry
   of either route is a sum of at most K + D + m terms (K components, D in
   a matrix-vector product or a GEMM, m in A^T v), each bounded by the
   norms of jac_terms_over_alpha times |q| (times alpha or c_t alpha), and
   each a product of up to four rounded factors: 4 eps per term and route,
   8 (K + D + m) eps for the difference of the two routes; v = Sigma^{-1}
   (...) carries in addition the condition number of Sigma.  Near t = 1
   the rank-one terms are rounding noise of m1_k - x1hat times large
   s_k - s in both routes, and the largest ratio seen is ~0.1 of the band
   (FC_GUIDE_REPORT).  */
#define TOL_FAST(k, d, m) TOL_EPS (8.0 * (double) ((k) + (d) + (m)))

/* TOL_BAYES (cond * D = 300 with a margin of ~10) at dimension D: the
   same relative error cond * D * eps with cond ~ 1e2 (the same priors and
   observations).  */
#define TOL_BAYES_D(d) TOL_EPS (1024.0 * (double) (d))

/* The fused field against the prior velocity plus the c_t-scaled gradient
   (two routes through the same terms, summed in a different order: K
   components, D terms per GEMM entry, a few eps each) relative to
   1 + |u| + |c_t grad| + |x|: 8 (K + D) eps; the largest error seen is
   ~1/20 of it (FC_GUIDE_REPORT).  */
#define TOL_FUSED(k, d) TOL_EPS (8.0 * (double) ((k) + (d)))

START_TEST (test_fast_approx_gradients_match_jacobian_reference)
{
  fc_schedule s = all_s[_i / (N_FD * N_FT)];
  size_t d = fast_dim ((_i / N_FT) % N_FD), nk = 4;
  size_t n = fc_under_valgrind () ? 8 : NPTS; /* per-point checks */
  double t = fast_t[_i % N_FT], gamma = 0.381966, c, worst = 0.0;
  fc_schedule_value v;
  ck_assert_int_eq (fc_schedule_eval (s, t, &v), 0);
  ck_assert_int_eq (fc_guide_factor (s, t, &c), 0);
  /* c_t alpha, finite at alpha = 0 (fc_guide.h).  */
  double ca = v.dalpha * v.sigma2 - v.alpha * v.sigma_dsigma;
  fc_gmm *g = make_prior (d, nk, 151 + d);
  double *x = make_points (n, d, 153);
  double *xh = malloc (n * d * sizeof (double));
  double *cov = malloc (2 * n * d * d * sizeof (double));
  double *jac = cov + n * d * d;
  double *b = malloc (n * (1 + 2 * d) * sizeof (double));
  double *ref = malloc ((1 + 2 * d) * sizeof (double));
  fc_guide_out eo = { .x1hat = xh, .cov = cov, .jac = jac };
  ck_assert_int_eq (fc_guide_eval (g, s, t, NULL, n, x, &eo), 0);
  for (size_t m = 1; m <= 3; m += 2)
    for (int tw = 0; tw < 2; tw++)
      {
        fc_obs *o = make_obs (g, m, 152 + m);
        double kappa = v.alpha > 0 ? gamma * v.sigma2 / (v.alpha * v.alpha)
                                   : GSL_POSINF;
        fc_guide_approx_out ao = { b, b + n, b + n * (1 + d), NULL };
        ck_assert_int_eq (fc_guide_approx (g, s, t, o,
                                           tw ? FC_GUIDE_LIK_TWEEDIE
                                              : FC_GUIDE_LIK_RECONSTRUCTION,
                                           gamma, n, x, &ao), 0);
        if (!tw && isinf (kappa))
          {
            /* The limit case (Sigma infinite): checked by
               test_approximate_guidance_has_its_limit_at_t0.  */
            fc_obs_free (o);
            continue;
          }
        for (size_t p = 0; p < n; p++)
          {
            double cond, qn, lls, tol = TOL_FAST (nk, d, m);
            approx_reference (o, &v, ca, c, tw, kappa, xh + p * d,
                              cov + p * d * d, jac + p * d * d, ref, ref + 1,
                              ref + 1 + d, &cond, &qn, &lls);
            double bj = cond * jac_terms_over_alpha (g, &v, x + p * d) * qn;
            fc_ck_assert_abs (b[p], ref[0], tol * cond * lls,
                              "D=%zu %s t=%g m=%zu tweedie=%d: loglik", d,
                              fc_schedule_name (s), t, m, tw);
            worst = GSL_MAX (worst, fabs (b[p] - ref[0]) / (tol * cond * lls));
            for (size_t i = 0; i < d; i++)
              {
                const double *gr = b + n, *cg = b + n * (1 + d);
                double eg = fabs (gr[p * d + i] - ref[1 + i]);
                double ec = fabs (cg[p * d + i] - ref[1 + d + i]);
                if (v.alpha > 0)
                  worst = GSL_MAX (worst, eg / (tol * v.alpha * bj));
                worst = GSL_MAX (worst, ec / (tol * fabs (ca) * bj + 1e-300));
                fc_ck_assert_abs (gr[p * d + i], ref[1 + i],
                                  tol * v.alpha * bj,
                                  "D=%zu %s t=%g m=%zu tweedie=%d: grad[%zu]",
                                  d, fc_schedule_name (s), t, m, tw, i);
                fc_ck_assert_abs (cg[p * d + i], ref[1 + d + i],
                                  tol * fabs (ca) * bj,
                                  "D=%zu %s t=%g m=%zu tweedie=%d: cgrad[%zu]",
                                  d, fc_schedule_name (s), t, m, tw, i);
              }
          }
        fc_obs_free (o);
      }
  char what[80];
  snprintf (what, sizeof what, "fast G4 D=%zu %s t=%g (of band)", d,
            fc_schedule_name (s), t);
  report (what, worst);
  free (xh);
  free (cov);
  free (b);
  free (ref);
  fc_gmm_free (g);
  free (x);
}
END_TEST

/* The exact likelihood and the fused guided fields at the dimensions of
   the fast kernels: log h and grad log h against Bayes on the posterior
   path (as test_log_h_is_bayes_on_the_posterior_path), the exact-split
   field against the posterior path's velocity (S6), and the fused
   reconstruction and tweedie fields against the prior velocity of fc_path
   plus the c_t-scaled gradient of fc_guide_approx.  */
START_TEST (test_fast_exact_likelihood_and_fields_match_references)
{
  fc_schedule s = all_s[_i / (N_FD * N_FT)];
  size_t d = fast_dim ((_i / N_FT) % N_FD), nk = 4, m = 2;
  size_t n = fc_under_valgrind () ? 8 : NPTS; /* per-point checks */
  double t = fast_t[_i % N_FT], gamma = 0.381966;
  double wb = 0.0, ws = 0.0, wf = 0.0;
  fc_gmm *g = make_prior (d, nk, 161 + d);
  fc_obs *o = make_obs (g, m, 162);
  double *x = make_points (n, d, 163);
  fc_gmm *post = fc_gmm_condition (g, m, o->a, o->y, o->sigma_y);
  fc_gmm *law_y = fc_gmm_affine (g, m, o->a, NULL, SIGMA_Y * SIGMA_Y);
  double *buf = malloc ((3 * n + 7 * n * d) * sizeof (double));
  double *logh = buf, *lp = buf + n, *lpp = buf + 2 * n;
  double *grad = buf + 3 * n, *sc = grad + n * d, *scp = sc + n * d;
  double *up = scp + n * d, *ue = up + n * d, *uf = ue + n * d;
  double *cg = uf + n * d, lpy;
  ck_assert_int_eq (fc_gmm_log_density (law_y, 1, o->y, &lpy), 0);
  fc_path_out po = { .logp = lp, .score = sc, .velocity = up };
  fc_path_out pp = { .logp = lpp, .score = scp, .velocity = ue };
  ck_assert_int_eq (fc_path_eval_many (g, s, t, n, x, &po), 0);
  ck_assert_int_eq (fc_path_eval_many (post, s, t, n, x, &pp), 0);
  fc_guide_out eo = { .logh = logh, .grad = grad };
  ck_assert_int_eq (fc_guide_eval (g, s, t, o, n, x, &eo), 0);
  fc_guide_field *fs = fc_guide_field_alloc (g, s, o, FC_GUIDE_EXACT_SPLIT,
                                             0);
  ck_assert_int_eq (fc_guide_field_velocity (t, n, x, uf, NULL, fs), 0);
  for (size_t p = 0; p < n; p++)
    {
      double scale = fabs (lpp[p]) + fabs (lp[p]) + fabs (lpy);
      double gs = norm2 (d, scp + p * d) + norm2 (d, sc + p * d);
      double us = 1 + norm2 (d, ue + p * d) + norm2 (d, x + p * d);
      fc_ck_assert_abs (logh[p], lpp[p] - lp[p] + lpy, TOL_BAYES_D (d) * scale,
                        "D=%zu %s t=%g: log h", d, fc_schedule_name (s), t);
      wb = GSL_MAX (wb, fabs (logh[p] - (lpp[p] - lp[p] + lpy)) / scale);
      for (size_t i = 0; i < d; i++)
        {
          size_t j = p * d + i;
          fc_ck_assert_abs (grad[j], scp[j] - sc[j], TOL_BAYES_D (d) * gs,
                            "D=%zu %s t=%g: grad log h", d,
                            fc_schedule_name (s), t);
          fc_ck_assert_abs (uf[j], ue[j], TOL_BAYES_D (d) * us,
                            "D=%zu %s t=%g: split field", d,
                            fc_schedule_name (s), t);
          wb = GSL_MAX (wb, fabs (grad[j] - (scp[j] - sc[j])) / gs);
          ws = GSL_MAX (ws, fabs (uf[j] - ue[j]) / us);
        }
    }
  for (int tw = 0; tw < 2; tw++)
    {
      fc_guide_field *f = fc_guide_field_alloc (
        g, s, o, tw ? FC_GUIDE_TWEEDIE : FC_GUIDE_RECONSTRUCTION, gamma);
      fc_guide_approx_out ao = { .cgrad = cg };
      ck_assert_int_eq (fc_guide_approx (g, s, t, o,
                                         tw ? FC_GUIDE_LIK_TWEEDIE
                                            : FC_GUIDE_LIK_RECONSTRUCTION,
                                         gamma, n, x, &ao), 0);
      ck_assert_int_eq (fc_guide_field_velocity (t, n, x, uf, NULL, f), 0);
      for (size_t p = 0; p < n; p++)
        {
          double us = 1 + norm2 (d, up + p * d) + norm2 (d, cg + p * d)
                      + norm2 (d, x + p * d);
          for (size_t i = 0; i < d; i++)
            {
              size_t j = p * d + i;
              fc_ck_assert_abs (uf[j], up[j] + cg[j], TOL_FUSED (nk, d) * us,
                                "D=%zu %s t=%g tweedie=%d: fused field", d,
                                fc_schedule_name (s), t, tw);
              wf = GSL_MAX (wf, fabs (uf[j] - (up[j] + cg[j])) / us);
            }
        }
      fc_guide_field_free (f);
    }
  char what[80];
  snprintf (what, sizeof what, "bayes D=%zu %s t=%g (eps)", d,
            fc_schedule_name (s), t);
  report (what, wb / GSL_DBL_EPSILON);
  snprintf (what, sizeof what, "split field D=%zu %s t=%g (eps)", d,
            fc_schedule_name (s), t);
  report (what, ws / GSL_DBL_EPSILON);
  snprintf (what, sizeof what, "fused field D=%zu %s t=%g (eps)", d,
            fc_schedule_name (s), t);
  report (what, wf / GSL_DBL_EPSILON);
  fc_guide_field_free (fs);
  fc_gmm_free (post);
  fc_gmm_free (law_y);
  fc_obs_free (o);
  fc_gmm_free (g);
  free (buf);
  free (x);
}
END_TEST

/* Every output of the fast paths for N points at time T into B, block
   after block, FIELDS the exact-split, reconstruction and tweedie fields
   of G and O; returns the number of blocks and their widths in W.  */
static size_t
fast_everything (const fc_gmm *g, const fc_obs *o, fc_guide_field **fields,
                 double t, size_t n, const double *x, double *b, size_t *w)
{
  size_t d = g->dim, nb = 0;
  double *p = b;
#define FAST_BLOCK(width)                                                     \
  (w[nb++] = (width), p += n * (width), p - n * (width))
  fc_guide_out eo;
  eo.x1hat = FAST_BLOCK (d);
  eo.cov = FAST_BLOCK (d * d);
  eo.jac = FAST_BLOCK (d * d);
  eo.logh = FAST_BLOCK (1);
  eo.grad = FAST_BLOCK (d);
  eo.cgrad = FAST_BLOCK (d);
  ck_assert_int_eq (fc_guide_eval (g, FC_SCHEDULE_LINEAR, t, o, n, x, &eo),
                    0);
  for (int kind = 0; kind < FC_GUIDE_LIK_COUNT; kind++)
    {
      fc_guide_approx_out ao;
      ao.loglik = FAST_BLOCK (1);
      ao.grad = FAST_BLOCK (d);
      ao.cgrad = FAST_BLOCK (d);
      ao.note = FAST_BLOCK (d);
      ck_assert_int_eq (fc_guide_approx (g, FC_SCHEDULE_LINEAR, t, o, kind,
                                         0.381966, n, x, &ao), 0);
    }
  for (int k = 0; k < 3; k++)
    ck_assert_int_eq (fc_guide_field_velocity (t, n, x, FAST_BLOCK (d), NULL,
                                               fields[k]), 0);
#undef FAST_BLOCK
  return nb;
}

START_TEST (test_fast_paths_do_not_depend_on_threads_or_batch)
{
  /* t = 0.3 (scaled form) and 0.7 (direct form); m = D for the note.  */
  size_t d = fast_dim (_i / 2), n = fc_under_valgrind () ? 40 : 200;
  size_t off = 7;
  double t = _i % 2 ? 0.7 : 0.3;
  size_t per = 2 * d * d + 12 * d + 3, w1[32], w3[32];
  fc_gmm *g = make_prior (d, 4, 171 + d);
  fc_obs *o = make_obs (g, d, 172);
  double *x = make_points (n, d, 173);
  double *b1 = malloc (n * per * sizeof (double));
  double *b2 = malloc (n * per * sizeof (double));
  double *b3 = malloc ((n - off) * per * sizeof (double));
  fc_guide_field *f[3];
  for (int k = 0; k < 3; k++)
    f[k] = fc_guide_field_alloc (g, FC_SCHEDULE_LINEAR, o,
                                 FC_GUIDE_EXACT_SPLIT + k, 0.381966);
#ifdef _OPENMP
  int saved = omp_get_max_threads ();
  omp_set_num_threads (1);
#endif
  size_t nb = fast_everything (g, o, f, t, n, x, b1, w1);
#ifdef _OPENMP
  omp_set_num_threads (3);
#endif
  fast_everything (g, o, f, t, n, x, b2, w3);
  fast_everything (g, o, f, t, n - off, x + off * d, b3, w3);
#ifdef _OPENMP
  omp_set_num_threads (saved);
#endif
  ck_assert_msg (memcmp (b1, b2, n * per * sizeof (double)) == 0,
                 "D=%zu t=%g: 1 and 3 threads differ", d, t);
  size_t o1 = 0, o3 = 0;
  for (size_t k = 0; k < nb; k++)
    {
      ck_assert_msg (memcmp (b1 + o1 + off * w1[k], b3 + o3,
                             (n - off) * w1[k] * sizeof (double)) == 0,
                     "D=%zu t=%g: output block %zu depends on the batch", d,
                     t, k);
      o1 += n * w1[k];
      o3 += (n - off) * w1[k];
    }
  ck_assert_uint_eq (o1, n * per);
  for (int k = 0; k < 3; k++)
    fc_guide_field_free (f[k]);
  free (b1);
  free (b2);
  free (b3);
  fc_obs_free (o);
  fc_gmm_free (g);
  free (x);
}
END_TEST

/* ------------------------------------------- fields, threads, errors */

START_TEST (test_guided_fields_are_finite_on_the_whole_interval)
{
  fc_gmm *g = make_prior (D, NK, 121);
  fc_obs *o = make_obs (g, D, 122);
  double *x = make_points (NPTS, D, 123);
  double u[NPTS * D], u0[NPTS * D], dv[NPTS];
  const double ts[] = { 0.0, 1e-9, 0.5, 1.0 };
  for (int mth = 0; mth < FC_GUIDE_COUNT; mth++)
    {
      fc_guide_method m;
      ck_assert_int_eq (fc_guide_method_parse (fc_guide_method_name (mth),
                                               &m), 0);
      ck_assert_int_eq (m, mth);
      fc_guide_field *f = fc_guide_field_alloc (g, FC_SCHEDULE_LINEAR, o, m,
                                                0.381966);
      ck_assert_ptr_nonnull (f);
      for (int k = 0; k < 4; k++)
        {
          ck_assert_int_eq (fc_guide_field_velocity (ts[k], NPTS, x, u, NULL,
                                                     f), 0);
          for (size_t i = 0; i < NPTS * D; i++)
            ck_assert_msg (isfinite (u[i]), "%s at t=%g",
                           fc_guide_method_name (m), ts[k]);
        }
      /* With gamma > 0 the approximate terms vanish at t = 0: the prior
         velocity is left.  */
      if (m == FC_GUIDE_RECONSTRUCTION || m == FC_GUIDE_NOTE)
        {
          fc_path_eval (g, FC_SCHEDULE_LINEAR, 0.0, FC_Q_VELOCITY, NPTS, x,
                        u0);
          fc_guide_field_velocity (0.0, NPTS, x, u, NULL, f);
          ck_assert (memcmp (u, u0, sizeof u) == 0);
        }
      int st = fc_guide_field_velocity (0.5, NPTS, x, u, dv, f);
      ck_assert_int_eq (st, m <= FC_GUIDE_EXACT ? GSL_SUCCESS : GSL_EUNIMPL);
      fc_guide_field_free (f);
    }
  /* The note's guidance with gamma = 0 diverges like c_t at t = 0.  */
  fc_guide_field *f = fc_guide_field_alloc (g, FC_SCHEDULE_LINEAR, o,
                                            FC_GUIDE_NOTE, 0.0);
  ck_assert_int_eq (fc_guide_field_velocity (0.0, NPTS, x, u, NULL, f),
                    GSL_EDOM);
  fc_guide_field_free (f);
  fc_guide_method m;
  ck_assert_int_eq (fc_guide_method_parse ("exactly", &m), GSL_EINVAL);
  ck_assert_str_eq (fc_guide_method_name (FC_GUIDE_COUNT), "unknown");
  fc_obs_free (o);
  fc_gmm_free (g);
  free (x);
}
END_TEST

/* Every output of both entry points for N points, into one buffer.  */
static void
eval_everything (const fc_gmm *g, const fc_obs *o, size_t n, const double *x,
                 double *b)
{
  size_t d = D, dd = D * D;
  fc_guide_out eo = { b, b + n * d, b + n * (d + dd), b + n * (d + 2 * dd),
                      b + n * (d + 2 * dd + 1), b + n * (2 * d + 2 * dd + 1) };
  double *b2 = b + n * (3 * d + 2 * dd + 1);
  fc_guide_approx_out ao
    = { b2, b2 + n, b2 + n * (1 + d), b2 + n * (1 + 2 * d) };
  ck_assert_int_eq (fc_guide_eval (g, FC_SCHEDULE_COSINE, 0.6180339, o, n, x,
                                   &eo), 0);
  ck_assert_int_eq (fc_guide_approx (g, FC_SCHEDULE_COSINE, 0.6180339, o,
                                     FC_GUIDE_LIK_TWEEDIE, 0, n, x, &ao), 0);
}

START_TEST (test_results_do_not_depend_on_threads_or_batch)
{
  size_t n = fc_under_valgrind () ? 40 : 200, off = 7;
  size_t per = 3 * D + 2 * D * D + 1 + 1 + 3 * D;
  fc_gmm *g = make_prior (D, NK, 131);
  fc_obs *o = make_obs (g, D, 132);
  double *x = make_points (n, D, 133);
  double *b1 = malloc (n * per * sizeof (double));
  double *b2 = malloc (n * per * sizeof (double));
  double *b3 = malloc ((n - off) * per * sizeof (double));
#ifdef _OPENMP
  int saved = omp_get_max_threads ();
  omp_set_num_threads (1);
#endif
  eval_everything (g, o, n, x, b1);
#ifdef _OPENMP
  omp_set_num_threads (3);
#endif
  eval_everything (g, o, n, x, b2);
  eval_everything (g, o, n - off, x + off * D, b3);
#ifdef _OPENMP
  omp_set_num_threads (saved);
#endif
  ck_assert_msg (memcmp (b1, b2, n * per * sizeof (double)) == 0,
                 "1 and 3 threads differ");
  /* The shifted batch: every block of width w starts at w * n in b1 and at
     w * (n - off) in b3.  */
  const size_t widths[] = { D, D * D, D * D, 1, D, D, 1, D, D, D };
  size_t o1 = 0, o3 = 0;
  for (size_t k = 0; k < sizeof widths / sizeof widths[0]; k++)
    {
      size_t w = widths[k];
      ck_assert_msg (memcmp (b1 + o1 + off * w, b3 + o3,
                             (n - off) * w * sizeof (double)) == 0,
                     "output block %zu depends on the batch", k);
      o1 += n * w;
      o3 += (n - off) * w;
    }
  free (b1);
  free (b2);
  free (b3);
  fc_obs_free (o);
  fc_gmm_free (g);
  free (x);
}
END_TEST

START_TEST (test_bad_input_is_refused)
{
  fc_gmm *g = make_prior (D, NK, 141);
  fc_obs *o = make_obs (g, 2, 142);
  double x[2 * D] = { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6 }, lh[2], gr[2 * D];
  fc_guide_out eo = { .logh = lh, .grad = gr };
  fc_guide_approx_out ao = { .loglik = lh };
  fc_schedule L = FC_SCHEDULE_LINEAR;
  ck_assert_int_eq (fc_guide_eval (g, L, -0.1, o, 2, x, &eo), GSL_EDOM);
  ck_assert_int_eq (fc_guide_eval (g, L, 1.1, o, 2, x, &eo), GSL_EDOM);
  ck_assert_int_eq (fc_guide_eval (g, L, GSL_NAN, o, 2, x, &eo), GSL_EDOM);
  ck_assert_int_eq (fc_guide_eval (g, L, 0.5, NULL, 2, x, &eo), GSL_EINVAL);
  ck_assert_int_eq (fc_guide_eval (g, L, 0.5, o, 2, x, NULL), GSL_EINVAL);
  ck_assert_int_eq (fc_guide_eval (g, L, 0.5, o, 2, NULL, &eo), GSL_EINVAL);
  ck_assert_int_eq (fc_guide_eval (NULL, L, 0.5, o, 2, x, &eo), GSL_EINVAL);
  x[4] = GSL_NAN;
  ck_assert_int_eq (fc_guide_eval (g, L, 0.5, o, 2, x, &eo), GSL_EBADFUNC);
  ck_assert_int_eq (fc_guide_approx (g, L, 0.5, o, FC_GUIDE_LIK_TWEEDIE, 0,
                                     2, x, &ao), GSL_EBADFUNC);
  x[4] = 0.5;
  ck_assert_int_eq (fc_guide_eval (g, L, 0.5, o, 0, NULL, &eo), GSL_SUCCESS);
  /* The observation: dimension, noise, entries.  */
  fc_obs *o4 = fc_obs_alloc (2, D + 1);
  ck_assert_int_eq (fc_guide_eval (g, L, 0.5, o4, 2, x, &eo), GSL_EBADLEN);
  ck_assert_ptr_null (fc_guide_field_alloc (g, L, o4, FC_GUIDE_EXACT, 0));
  fc_obs_free (o4);
  o->sigma_y = 0.0;
  ck_assert_int_eq (fc_guide_eval (g, L, 0.5, o, 2, x, &eo), GSL_EDOM);
  ck_assert_int_eq (fc_guide_approx (g, L, 0.5, o, FC_GUIDE_LIK_TWEEDIE, 0,
                                     2, x, &ao), GSL_EDOM);
  o->sigma_y = SIGMA_Y;
  /* gamma, kind.  */
  ck_assert_int_eq (fc_guide_approx (g, L, 0.5, o,
                                     FC_GUIDE_LIK_RECONSTRUCTION, -1, 2, x,
                                     &ao), GSL_EDOM);
  ck_assert_int_eq (fc_guide_approx (g, L, 0.5, o,
                                     FC_GUIDE_LIK_RECONSTRUCTION, GSL_POSINF,
                                     2, x, &ao), GSL_EDOM);
  ck_assert_int_eq (fc_guide_approx (g, L, 0.5, o, FC_GUIDE_LIK_COUNT, 0, 2,
                                     x, &ao), GSL_EINVAL);
  ck_assert_int_eq (fc_guide_approx (g, L, 0.5, NULL, FC_GUIDE_LIK_TWEEDIE,
                                     0, 2, x, &ao), GSL_EINVAL);
  ck_assert_ptr_null (fc_guide_field_alloc (g, L, o, FC_GUIDE_RECONSTRUCTION,
                                            -0.5));
  ck_assert_ptr_null (fc_guide_field_alloc (g, L, o, FC_GUIDE_COUNT, 0));
  ck_assert_ptr_null (fc_guide_field_alloc (NULL, L, o, FC_GUIDE_EXACT, 0));
  fc_guide_field_free (NULL);
  /* Point masses: undefined at t = 1, fine before.  */
  fc_gmm *pm = fc_gmm_point_masses (D, 2, x, NULL);
  ck_assert_int_eq (fc_guide_eval (pm, L, 1.0, o, 2, x, &eo), GSL_EDOM);
  ck_assert_int_eq (fc_guide_eval (pm, L, 0.9, o, 2, x, &eo), GSL_SUCCESS);
  fc_gmm_free (pm);
  /* Unprepared mixture.  */
  fc_gmm *raw = fc_gmm_alloc (D, 1);
  ck_assert_int_eq (fc_guide_eval (raw, L, 0.5, o, 2, x, &eo), GSL_EINVAL);
  fc_gmm_free (raw);
  fc_obs_free (o);
  fc_gmm_free (g);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("guide");
  TCase *tc = FC_CK_CASE (s, "exact likelihood");
  tcase_add_loop_test (tc, test_log_h_is_bayes_on_the_posterior_path, 0,
                       N_S * N_T);
  tcase_add_loop_test (tc, test_h_is_the_evidence_with_zero_gradient_at_t0, 0,
                       2);
  tcase_add_loop_test (tc, test_h_is_the_noise_density_at_t1, 0, N_S);
  tcase_add_loop_test (tc, test_grad_log_h_matches_finite_differences, 0,
                       N_S * 3);
  tc = FC_CK_CASE (s, "tweedie", test_covariance_is_prior_covariance_at_t0);
  tcase_add_loop_test (tc, test_jacobian_is_scaled_tweedie_covariance_and_fd,
                       0, N_S * N_T);
  tc = FC_CK_CASE (s, "guided velocity",
                   test_factor_is_one_minus_t_over_t_for_linear,
                   test_guided_fields_are_finite_on_the_whole_interval);
  tcase_add_loop_test (tc, test_split_velocity_is_posterior_path_velocity, 0,
                       N_S * N_T);
  tc = FC_CK_CASE (s, "approximate likelihoods",
                   test_note_vector_needs_square_a_and_solves_sigma_gamma);
  tcase_add_loop_test (tc,
                       test_g4_gradient_is_gradient_of_reconstruction_likelihood,
                       0, N_S * 3);
  tcase_add_loop_test (tc, test_tweedie_likelihood_is_exact_for_one_gaussian,
                       0, N_S * N_T);
  tcase_add_loop_test (tc, test_approximate_guidance_has_its_limit_at_t0, 0,
                       2);
  tc = FC_CK_CASE (s, "products, not matrices");
  tcase_add_loop_test (tc, test_fast_approx_gradients_match_jacobian_reference,
                       0, N_S * N_FD * N_FT);
  tcase_add_loop_test (tc,
                       test_fast_exact_likelihood_and_fields_match_references,
                       0, N_S * N_FD * N_FT);
  tcase_add_loop_test (tc, test_fast_paths_do_not_depend_on_threads_or_batch,
                       0, 2 * N_FD);
  FC_CK_CASE (s, "batches and errors",
              test_results_do_not_depend_on_threads_or_batch,
              test_bad_input_is_refused);
  return fc_run_suite (s);
}
