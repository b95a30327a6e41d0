/* tests/check_interp_exact.c -- the barycentric interpolant (fc_interp.h)
 * against independent computations and its own identities:
 *   - two marginals with beta = (1 - t, t), x0 ~ N(0, I): the exact path of
 *     fc_path.h at the linear schedule (log p_t, x1hat = g_1, x0hat = g_0,
 *     u_t = b with dbeta = (-1, 1)), t = 0 and t = 1 included;
 *   - B1 (sum_k beta_k g_k = x) on, off and at the vertices of the simplex,
 *     and the velocity as the dbeta-weighted sum of the g_k;
 *   - every refused marginal and argument.  */
#include <config.h>

#include <string.h>

#include "interp_fixtures.h"
#include "fc_path.h"

/* --------------------------------------------------------- construction */

FC_TEST ("exact", test_alloc_refuses_invalid_marginals)
{
  fc_gmm **m = abc_m;
  fc_interp *ip = abc;
  ck_assert_uint_eq (fc_interp_dim (ip), D);
  ck_assert_uint_eq (fc_interp_n_marginals (ip), 3);
  ck_assert_uint_eq (fc_interp_n_tuples (ip), 6);
  ck_assert_ptr_nonnull (fc_interp_marginal (ip, 2));
  ck_assert_uint_eq (fc_interp_marginal (ip, 2)->n_comp, 3);
  ck_assert_ptr_null (fc_interp_marginal (ip, 3));
  fc_interp_free (NULL);

  /* Fewer than two marginals, a NULL array, a NULL marginal.  */
  ck_assert_ptr_null (fc_interp_alloc (1, (const fc_gmm *const *) m));
  ck_assert_ptr_null (fc_interp_alloc (2, NULL));
  const fc_gmm *with_null[2] = { m[0], NULL };
  ck_assert_ptr_null (fc_interp_alloc (2, with_null));

  /* Dimensions differ.  */
  double one = 1.0, zero = 0.0;
  fc_gmm *g1 = fc_gmm_alloc (1, 1);
  fc_gmm_set_component (g1, 0, 1.0, &zero, &one);
  fc_gmm_prepare (g1);
  const fc_gmm *mixed[2] = { m[0], g1 };
  ck_assert_ptr_null (fc_interp_alloc (2, mixed));

  /* A point mass (singular component).  */
  double pt[2] = { 0.381966, -1.0 };
  fc_gmm *dirac = fc_gmm_point_masses (D, 1, pt, NULL);
  const fc_gmm *with_dirac[2] = { m[0], dirac };
  ck_assert_ptr_null (fc_interp_alloc (2, with_dirac));

  /* 65 x 64 = 4160 > FC_INTERP_MAX_TUPLES tuples; 64 x 64 = 4096 pass.  */
  fc_gmm_random_params p = { 1.0, 2.0, 1.0, 0.5, 1.5 };
  fc_gmm *r65 = fc_gmm_random (1, 65, &p, 7UL, 0);
  fc_gmm *r64 = fc_gmm_random (1, 64, &p, 7UL, 1);
  const fc_gmm *big[2] = { r65, r64 };
  ck_assert_ptr_null (fc_interp_alloc (2, big));
  const fc_gmm *ok[2] = { r64, r64 };
  fc_interp *ip64 = fc_interp_alloc (2, ok);
  ck_assert_ptr_nonnull (ip64);
  ck_assert_uint_eq (fc_interp_n_tuples (ip64), FC_INTERP_MAX_TUPLES);

  /* An unprepared marginal is prepared on copy.  */
  fc_gmm *raw = fc_gmm_alloc (D, 1);
  fc_gmm_set_component (raw, 0, 0.381966, MUB, SB);
  const fc_gmm *with_raw[2] = { m[0], raw };
  fc_interp *ipr = fc_interp_alloc (2, with_raw);
  ck_assert_ptr_nonnull (ipr);
  ck_assert_double_eq (fc_interp_marginal (ipr, 1)->weight[0], 1.0);

  fc_interp_free (ip64);
  fc_interp_free (ipr);
  fc_gmm_free (raw);
  fc_gmm_free (r65);
  fc_gmm_free (r64);
  fc_gmm_free (dirac);
  fc_gmm_free (g1);
}
END_TEST

/* ------------------------------------------------- against the exact path */

/* K + 1 = 2, x0 ~ N(0, I), x1 ~ A, beta = (1 - t, t): x(beta) is x_t of
   the linear schedule (alpha = t, sigma = 1 - t), so log rho = log p_t,
   g_1 = E[x1 | x_t] = x1hat, g_0 = x0hat and b(dbeta = (-1, 1)) = u_t.
   fc_path.c works in the eigenbasis of each S_k; this file by Cholesky
   factors of C_c, so the agreement is not shared code.  */
static void
check_against_path (const fc_interp *ip, const fc_gmm *a, double t)
{
  const size_t n = 40;
  const double beta[2] = { 1.0 - t, t }, dbeta[2] = { -1.0, 1.0 };
  double *x = make_points (ip, beta, n);
  double *lr = malloc (n * sizeof (double)), *g = malloc (2 * n * D * sizeof (double));
  double *b = malloc (n * D * sizeof (double));
  double *lp = malloc (n * sizeof (double));
  double *x1 = malloc (n * D * sizeof (double)), *x0 = malloc (n * D * sizeof (double));
  double *u = malloc (n * D * sizeof (double));
  ck_assert_int_eq (fc_interp_eval (ip, beta, n, x, lr, g), GSL_SUCCESS);
  ck_assert_int_eq (fc_interp_velocity (ip, beta, dbeta, n, x, b), GSL_SUCCESS);
  fc_path_out out = { lp, NULL, u, x1, x0, NULL };
  ck_assert_int_eq (fc_path_eval_many (a, FC_SCHEDULE_LINEAR, t, n, x, &out),
                    GSL_SUCCESS);
  for (size_t i = 0; i < n; i++)
    {
      fc_ck_assert_abs (lr[i], lp[i], TOL_POINT * (1.0 + fabs (lp[i])),
                        "log rho, t = %g, point %zu", t, i);
      for (size_t j = 0; j < D; j++)
        {
          double e1 = x1[i * D + j], e0 = x0[i * D + j], eu = u[i * D + j];
          fc_ck_assert_abs (g[(n + i) * D + j], e1,
                            TOL_POINT * (1.0 + row_norm (x + i * D)),
                            "g_1 vs x1hat, t = %g, point %zu", t, i);
          fc_ck_assert_abs (g[i * D + j], e0,
                            TOL_POINT * (1.0 + row_norm (x + i * D)),
                            "g_0 vs x0hat, t = %g, point %zu", t, i);
          fc_ck_assert_abs (b[i * D + j], eu,
                            TOL_POINT * (1.0 + row_norm (x + i * D)),
                            "b vs u_t, t = %g, point %zu", t, i);
        }
    }
  free (x);
  free (lr);
  free (g);
  free (b);
  free (lp);
  free (x1);
  free (x0);
  free (u);
}

FC_TEST ("exact", test_two_marginals_reproduce_the_exact_linear_path)
{
  fc_gmm *m[2];
  m[0] = make_gmm (D, 1, WB, MU0, ID);
  m[1] = make_gmm (D, 2, WA, MUA, SA);
  fc_interp *ip = fc_interp_alloc (2, (const fc_gmm *const *) m);
  ck_assert_ptr_nonnull (ip);
  const double ts[] = { 0.0, 0.381966, 0.7236068, 1.0 };
  for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++)
    check_against_path (ip, m[1], ts[i]);
  free_all (ip, m, 2);
}
END_TEST

/* ------------------------------------------------------ identities (B1) */

/* sum_k C_k g_k at point I of the N points whose g (3, N, D) fc_interp_eval
   gave, into S (D); returns sum_k |C_k| |g_k|, the size of its terms.  */
static double
g_combination (const double *g, size_t n, size_t i, const double *c,
               double *s)
{
  double scale = 0.0;
  for (size_t j = 0; j < D; j++)
    s[j] = 0.0;
  for (size_t k = 0; k < 3; k++)
    {
      const double *gk = g + (k * n + i) * D;
      scale += fabs (c[k]) * row_norm (gk);
      for (size_t j = 0; j < D; j++)
        s[j] += c[k] * gk[j];
    }
  return scale;
}

/* B1: sum_k beta_k g_k = sum_c r_c (m_c + C_c C_c^{-1} (x - m_c)) = x,
   to round-off relative to sum_k |beta_k| |g_k| + |x|.  */
FC_TEST ("exact", test_weighted_sum_of_g_is_x_on_and_off_the_simplex)
{
  fc_interp *ip = abc;
  const double betas[6][3] = { { 0.381966, 0.236068, 0.381966 },
                               { 1.3, -0.618034, 0.854102 },
                               { -0.4, 2.1, 0.03 },
                               { 1.0, 0.0, 0.0 },
                               { 0.0, 1.0, 0.0 },
                               { 0.0, 0.0, 1.0 } };
  const size_t n = 40;
  for (size_t r = 0; r < 6; r++)
    {
      const double *beta = betas[r];
      double *x = make_points (ip, beta, n);
      double g[3 * 40 * D];
      ck_assert_int_eq (fc_interp_eval (ip, beta, n, x, NULL, g), GSL_SUCCESS);
      for (size_t i = 0; i < n; i++)
        {
          double s[D], scale = g_combination (g, n, i, beta, s);
          scale += row_norm (x + i * D);
          for (size_t j = 0; j < D; j++)
            fc_ck_assert_abs (s[j], x[i * D + j], TOL_POINT * scale,
                              "B1, beta row %zu, point %zu", r, i);
        }
      free (x);
    }
}
END_TEST

/* At the vertex e_1, x(beta) = x_1: g_1 = x, and x_0, x_2 are independent
   of x, so g_0, g_2 are the marginal means (the tuple posterior of the
   other marginals is their prior).  */
FC_TEST ("exact", test_vertex_gives_x_and_the_other_marginal_means)
{
  fc_gmm **m = abc_m;
  fc_interp *ip = abc;
  const double beta[3] = { 0.0, 1.0, 0.0 };
  const size_t n = 40;
  double *x = make_points (ip, beta, n);
  double g[3 * 40 * D], mean[3][D], cov[D * D];
  for (size_t k = 0; k < 3; k++)
    fc_gmm_moments (m[k], mean[k], cov);
  ck_assert_int_eq (fc_interp_eval (ip, beta, n, x, NULL, g), GSL_SUCCESS);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < D; j++)
      {
        double tol = TOL_POINT * (1.0 + row_norm (x + i * D));
        fc_ck_assert_abs (g[(n + i) * D + j], x[i * D + j], tol, "g_1 = x");
        fc_ck_assert_abs (g[i * D + j], mean[0][j], tol, "g_0 = E x_0");
        fc_ck_assert_abs (g[(2 * n + i) * D + j], mean[2][j], tol,
                          "g_2 = E x_2");
      }
  free (x);
}
END_TEST

/* b = sum_k dbeta_k g_k (the velocity kernel sums per tuple).  */
FC_TEST ("exact", test_velocity_is_the_dbeta_weighted_sum_of_g)
{
  fc_interp *ip = abc;
  const double beta[3] = { 0.2, 0.381966, 0.418034 };
  const double dbeta[3] = { -1.7, 0.6180339, 1.0819661 };
  const size_t n = 40;
  double *x = make_points (ip, beta, n);
  double g[3 * 40 * D], b[40 * D];
  ck_assert_int_eq (fc_interp_eval (ip, beta, n, x, NULL, g), GSL_SUCCESS);
  ck_assert_int_eq (fc_interp_velocity (ip, beta, dbeta, n, x, b), GSL_SUCCESS);
  for (size_t i = 0; i < n; i++)
    {
      double s[D], scale = g_combination (g, n, i, dbeta, s);
      for (size_t j = 0; j < D; j++)
        fc_ck_assert_abs (b[i * D + j], s[j], TOL_POINT * scale,
                          "b vs sum dbeta_k g_k, point %zu", i);
    }
  free (x);
}
END_TEST

/* --------------------------------------------------------- error paths */

FC_TEST ("exact", test_non_admissible_or_invalid_arguments_are_refused)
{
  fc_interp *ip = abc;
  const double zero[3] = { 0.0, 0.0, 0.0 };
  const double nan3[3] = { 0.2, NAN, 0.8 };
  const double inf3[3] = { 0.2, 0.3, INFINITY };
  const double beta[3] = { 0.2, 0.381966, 0.418034 };
  const double dbeta[3] = { -1.0, 0.0, 1.0 };
  double x[D] = { 0.1, -0.2 }, lr[1], g[3 * D], b[D], s2;
  /* beta = 0: every C_c = 0, no density.  */
  ck_assert_int_eq (fc_interp_eval (ip, zero, 1, x, lr, g), GSL_EDOM);
  ck_assert_int_eq (fc_interp_velocity (ip, zero, dbeta, 1, x, b), GSL_EDOM);
  ck_assert_ptr_null (fc_interp_mixture (ip, zero));
  ck_assert_int_eq (fc_interp_eval (ip, nan3, 1, x, lr, g), GSL_EDOM);
  ck_assert_int_eq (fc_interp_eval (ip, inf3, 1, x, lr, g), GSL_EDOM);
  ck_assert_ptr_null (fc_interp_mixture (ip, nan3));
  ck_assert_int_eq (fc_interp_velocity (ip, beta, nan3, 1, x, b), GSL_EDOM);
  ck_assert_int_eq (fc_interp_sample (ip, nan3, 1UL, 0, 1, x, NULL), GSL_EDOM);
  /* NULL inputs.  */
  ck_assert_int_eq (fc_interp_eval (NULL, beta, 1, x, lr, g), GSL_EINVAL);
  ck_assert_int_eq (fc_interp_eval (ip, NULL, 1, x, lr, g), GSL_EINVAL);
  ck_assert_int_eq (fc_interp_eval (ip, beta, 1, NULL, lr, g), GSL_EINVAL);
  ck_assert_int_eq (fc_interp_velocity (ip, beta, NULL, 1, x, b), GSL_EINVAL);
  ck_assert_int_eq (fc_interp_velocity (ip, beta, dbeta, 1, x, NULL),
                    GSL_EINVAL);
  ck_assert_int_eq (fc_interp_velocity (NULL, beta, dbeta, 1, x, b),
                    GSL_EINVAL);
  ck_assert_ptr_null (fc_interp_mixture (NULL, beta));
  ck_assert_ptr_null (fc_interp_mixture (ip, NULL));
  ck_assert_int_eq (fc_interp_sample (NULL, beta, 1UL, 0, 1, x, NULL),
                    GSL_EINVAL);
  ck_assert_int_eq (fc_interp_sample (ip, NULL, 1UL, 0, 1, x, NULL),
                    GSL_EINVAL);
  /* No points is not an error; both outputs may be NULL.  */
  ck_assert_int_eq (fc_interp_eval (ip, beta, 0, NULL, NULL, NULL),
                    GSL_SUCCESS);
  ck_assert_int_eq (fc_interp_eval (ip, beta, 1, x, NULL, NULL), GSL_SUCCESS);
  /* Closed-form speed: mixtures refused, then beta = 0, NaN dbeta, NULL.  */
  ck_assert_int_eq (fc_interp_gaussian_speed2 (ip, beta, dbeta, &s2),
                    GSL_EINVAL);
  fc_gmm *gs[2] = { make_gmm (D, 1, WB, MUB, SB),
                    make_gmm (D, 1, WB, MUE, SE2) };
  fc_interp *ig = fc_interp_alloc (2, (const fc_gmm *const *) gs);
  const double z2[2] = { 0.0, 0.0 }, b2[2] = { 0.4, 0.6 }, d2[2] = { -1, 1 };
  const double n2[2] = { NAN, 1.0 };
  ck_assert_int_eq (fc_interp_gaussian_speed2 (ig, z2, d2, &s2), GSL_EDOM);
  ck_assert_int_eq (fc_interp_gaussian_speed2 (ig, b2, n2, &s2), GSL_EDOM);
  ck_assert_int_eq (fc_interp_gaussian_speed2 (ig, n2, d2, &s2), GSL_EDOM);
  ck_assert_int_eq (fc_interp_gaussian_speed2 (ig, b2, d2, NULL), GSL_EINVAL);
  ck_assert_int_eq (fc_interp_gaussian_speed2 (NULL, b2, d2, &s2),
                    GSL_EINVAL);
  fc_interp_free (ig);
  fc_gmm_free (gs[0]);
  fc_gmm_free (gs[1]);
}
END_TEST

FC_FIXTURE ("exact", abc_setup, abc_teardown)

FC_CK_MAIN ("interp_exact")
