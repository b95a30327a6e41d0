/* tests/check_guide_fast.c -- the batched kernels of fc_guide
 * (fc_guide_kernel.c), which form no D x D matrix unless asked, at D = 2, 7
 * and 33: against per-point references built from the D x D outputs,
 * against Bayes, against the unfused route for the guided fields, and for
 * bitwise independence of threads and batch.  */
#include <config.h>

#include "guide_fixtures.h"

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
  cholesky_solve_in_place (m, sig, res, vv);
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
   terms that J / alpha is summed from (fc_guide_exact.c, top:
   J = sum_k r_k J_k + sum_k r_k (m1_k - x1hat) (s_k - s)^T).  With a_k = |x - alpha mu_k|
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

FC_LOOP_TEST ("products, not matrices", test_fast_approx_gradients_match_jacobian_reference,
              N_S * N_FD * N_FT)
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
FC_LOOP_TEST ("products, not matrices", test_fast_exact_likelihood_and_fields_match_references,
              N_S * N_FD * N_FT)
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

FC_LOOP_TEST ("products, not matrices", test_fast_paths_do_not_depend_on_threads_or_batch,
              2 * N_FD)
{
  /* t = 0.3 (scaled form) and 0.7 (direct form); m = D for the note.  */
  size_t d = fast_dim (_i / 2), n = fc_under_valgrind () ? 40 : 200;
  double t = _i % 2 ? 0.7 : 0.3;
  size_t per = 2 * d * d + 12 * d + 3;
  fc_gmm *g = make_prior (d, 4, 171 + d);
  fc_obs *o = make_obs (g, d, 172);
  double *x = make_points (n, d, 173);
  fc_guide_field *f[3];
  for (int k = 0; k < 3; k++)
    f[k] = fc_guide_field_alloc (g, FC_SCHEDULE_LINEAR, o,
                                 FC_GUIDE_EXACT_SPLIT + k, 0.381966);
  const guide_batch b = { g, o, FC_SCHEDULE_LINEAR, t, 0.381966,
                          FC_GUIDE_LIK_RECONSTRUCTION, f };
  char what[32];
  snprintf (what, sizeof what, "D=%zu t=%g", d, t);
  guide_assert_threads_and_batch (&b, n, per, x, what);
  for (int k = 0; k < 3; k++)
    fc_guide_field_free (f[k]);
  fc_obs_free (o);
  fc_gmm_free (g);
  free (x);
}
END_TEST

FC_CK_MAIN ("guide_fast")
