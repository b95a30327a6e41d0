/* tests/check_guide_exact.c -- the exact likelihood and the Tweedie
 * moments of fc_guide (fc_guide.h).
 *
 * The exact likelihood h_t(x) = p_t(y | x) is checked against Bayes on the
 * path, h = p_t^post(x) p(y) / p_t(x), with the posterior mixture of
 * fc_gmm_condition, its path density and score from fc_path (an independent
 * route: conditioning first, then the path), against its closed forms at
 * t = 0 and t = 1, and against finite differences; the Tweedie Jacobian
 * against (alpha/sigma^2) Cov[x1|x_t] and against finite differences of
 * fc_path's x1hat.  */
#include <config.h>

#include "guide_fixtures.h"

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

FC_LOOP_TEST ("exact likelihood", test_log_h_is_bayes_on_the_posterior_path,
              N_S * N_T)
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

FC_LOOP_TEST ("exact likelihood", test_h_is_the_evidence_with_zero_gradient_at_t0,
              2)
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

FC_LOOP_TEST ("exact likelihood", test_h_is_the_noise_density_at_t1, N_S)
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

FC_LOOP_TEST ("exact likelihood", test_grad_log_h_matches_finite_differences,
              N_S * 3)
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

FC_LOOP_TEST ("tweedie", test_jacobian_is_scaled_tweedie_covariance_and_fd,
              N_S * N_T)
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

FC_TEST ("tweedie", test_covariance_is_prior_covariance_at_t0)
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

FC_CK_MAIN ("guide_exact")
