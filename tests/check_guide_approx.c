/* tests/check_guide_approx.c -- the approximate likelihoods of fc_guide
 * (fc_guide.h; G4, G5): the G4 gradient against finite differences of the
 * reconstruction likelihood, the Tweedie likelihood against the exact one
 * where it is exact (one Gaussian component), the note's vector against
 * its definition, and the limits at t = 0.  */
#include <config.h>

#include "guide_fixtures.h"

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

FC_LOOP_TEST ("approximate likelihoods", test_g4_gradient_is_gradient_of_reconstruction_likelihood,
              N_S * 3)
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

FC_LOOP_TEST ("approximate likelihoods", test_tweedie_likelihood_is_exact_for_one_gaussian,
              N_S * N_T)
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

FC_TEST ("approximate likelihoods", test_note_vector_needs_square_a_and_solves_sigma_gamma)
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
  cholesky_solve_in_place (m, sig, r, v);
  for (size_t i = 0; i < D; i++)
    {
      out[i] = 0.0;
      for (size_t k = 0; k < D; k++)
        for (size_t j = 0; j < m; j++)
          out[i] += dalpha * c0[i * D + k] * o->a[j * D + k] * v[j];
    }
}

FC_LOOP_TEST ("approximate likelihoods", test_approximate_guidance_has_its_limit_at_t0,
              2)
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

FC_CK_MAIN ("guide_approx")
