/* tests/check_gmm_prepare.c -- preparing a Gaussian mixture (fc_gmm.h):
 * the eigendecomposition, normalised weights, deep copies, singular and
 * point-mass components, random mixtures, and every refused argument.  */
#include <config.h>

#include <string.h>

#include "gmm_fixtures.h"

/* ------------------------------------------------------------- prepare */

/* V diag(lambda) V^T = S and V^T V = I to round-off (TOL_EPS(8 D) of the
   largest eigenvalue: the QR iterations of gsl_eigen_symmv are backward
   stable with an O(D) eps error), eigenvalues ascending, eigvec_t the
   exact transpose, mean_eig = V^T mu (a 3-term dot product with |mu| <=
   1.3: TOL_EPS(8)).  */
FC_TEST ("prepare", test_eigendecomposition_reconstructs_covariance)
{
  fc_gmm *g = make_gmm (3, 3, W3, MU3, S3);
  for (size_t k = 0; k < 3; k++)
    {
      const double *v = g->eigvec + 9 * k, *lam = g->eigval + 3 * k;
      double tol = TOL_EPS (24) * lam[2];
      ck_assert (lam[0] <= lam[1] && lam[1] <= lam[2] && lam[0] > 0.0);
      for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < 3; j++)
          {
            double c = 0.0, o = 0.0, m = 0.0;
            for (size_t l = 0; l < 3; l++)
              {
                c += v[3 * i + l] * lam[l] * v[3 * j + l];
                o += v[3 * l + i] * v[3 * l + j];
                m += g->eigvec_t[9 * k + 3 * i + l] * MU3[3 * k + l];
              }
            fc_ck_assert_abs (c, S3[9 * k + 3 * i + j], tol, "S k=%zu", k);
            fc_ck_assert_abs (o, i == j, TOL_EPS (24), "V^T V k=%zu", k);
            ck_assert (g->eigvec_t[9 * k + 3 * j + i] == v[3 * i + j]);
            if (j == 0)
              fc_ck_assert_abs (g->mean_eig[3 * k + i], m, TOL_EPS (8),
                                "mean_eig k=%zu", k);
          }
    }
  fc_gmm_free (g);
}
END_TEST

FC_TEST ("prepare", test_weights_are_normalised_and_renormalising_is_exact)
{
  double w[3] = { 1.0, 3.0, 4.0 }, mu[3] = { 0.0, 1.0, 2.0 };
  double v[3] = { 1.0, 0.5, 0.25 }, keep[3], keep_log[3];
  fc_gmm *g = make_gmm (1, 3, w, mu, v);
  fc_ck_assert_rel (g->weight[0], 0.125, TOL_WEIGHT, "w0");
  fc_ck_assert_rel (g->weight[1], 0.375, TOL_WEIGHT, "w1");
  fc_ck_assert_rel (g->weight[2], 0.5, TOL_WEIGHT, "w2");
  memcpy (keep, g->weight, sizeof keep);
  memcpy (keep_log, g->log_weight, sizeof keep_log);
  ck_assert_int_eq (fc_gmm_prepare (g), GSL_SUCCESS);
  ck_assert_int_eq (memcmp (keep, g->weight, sizeof keep), 0);
  ck_assert_int_eq (memcmp (keep_log, g->log_weight, sizeof keep), 0);
  fc_gmm_free (g);

  /* Weights whose sum overflows a double are normalised all the same. */
  double big[3] = { 1e308, 1e308, 1e308 };
  g = make_gmm (1, 3, big, mu, v);
  for (int k = 0; k < 3; k++)
    {
      fc_ck_assert_rel (g->weight[k], 1.0 / 3.0, TOL_WEIGHT, "big w%d", k);
      fc_ck_assert_rel (g->log_weight[k], -log (3.0), TOL_WEIGHT, "log w%d",
                        k);
    }
  fc_gmm_free (g);
}
END_TEST

FC_TEST ("prepare", test_clone_is_a_deep_equal_copy)
{
  fc_gmm *g = make_gmm (3, 3, W3, MU3, S3), *c = fc_gmm_clone (g);
  ck_assert_ptr_nonnull (c);
  ck_assert (c->mean != g->mean && c->cov != g->cov);
  ck_assert_int_eq (memcmp (c->cov, g->cov, 27 * sizeof (double)), 0);
  ck_assert_int_eq (memcmp (c->chol, g->chol, 27 * sizeof (double)), 0);
  ck_assert_int_eq (memcmp (c->eigvec_t, g->eigvec_t, 27 * sizeof (double)),
                    0);
  ck_assert_int_eq (memcmp (c->log_weight, g->log_weight,
                            3 * sizeof (double)), 0);
  ck_assert_int_eq (c->prepared, 1);
  ck_assert_int_eq (c->all_pd, 1);
  fc_gmm_free (c);
  fc_gmm_free (g);
}
END_TEST

/* A rank-1 covariance is positive semi-definite: prepared, singular, its
   zero eigenvalue clamped to exactly 0.  */
FC_TEST ("prepare", test_singular_component_is_recorded_not_rejected)
{
  double w = 1.0, mu[2] = { 0.3, -0.1 }, s[4] = { 1.0, 1.0, 1.0, 1.0 };
  double x[2] = { 0.0, 0.0 }, out[2];
  fc_gmm *g = make_gmm (2, 1, &w, mu, s);
  ck_assert_int_eq (g->all_pd, 0);
  ck_assert (g->log_det[0] == -INFINITY);
  ck_assert (g->eigval[0] == 0.0);
  fc_ck_assert_rel (g->eigval[1], 2.0, TOL_EPS (8), "nonzero eigenvalue");
  ck_assert_int_eq (fc_gmm_log_density (g, 1, x, out), GSL_EDOM);
  ck_assert_int_eq (fc_gmm_score (g, 1, x, out), GSL_EDOM);
  ck_assert_int_eq (fc_gmm_responsibilities (g, 1, x, out), GSL_EDOM);
  fc_gmm_free (g);
}
END_TEST

FC_TEST ("prepare", test_point_masses_are_prepared_singular_components)
{
  double pts[6] = { 0.381966, -1.0, 2.0, 0.5, -0.7, 1.1 };
  double wts[3] = { 1.0, 2.0, 1.0 };
  fc_gmm *g = fc_gmm_point_masses (2, 3, pts, NULL);
  ck_assert_ptr_nonnull (g);
  ck_assert_int_eq (g->prepared, 1);
  ck_assert_int_eq (g->all_pd, 0);
  for (int k = 0; k < 3; k++)
    {
      fc_ck_assert_rel (g->weight[k], 1.0 / 3.0, TOL_WEIGHT, "w%d", k);
      ck_assert (g->eigval[2 * k] == 0.0 && g->eigval[2 * k + 1] == 0.0);
    }
  fc_gmm_free (g);
  g = fc_gmm_point_masses (2, 3, pts, wts);
  fc_ck_assert_rel (g->weight[1], 0.5, TOL_WEIGHT, "weighted w1");
  fc_gmm_free (g);
}
END_TEST

/* ---------------------------------------------------------- error paths */

FC_TEST ("prepare", test_bad_arguments_are_rejected)
{
  double mu[2] = { 0.0, 0.0 }, s[4] = { 1.0, 0.2, 0.2, 1.0 };
  double asym[4] = { 1.0, 0.2, 0.3, 1.0 }, notpsd[4] = { 1.0, 2.0, 2.0, 1.0 };
  double nanmu[2] = { NAN, 0.0 }, x[2] = { 0.1, 0.2 }, out[2];
  ck_assert_ptr_null (fc_gmm_alloc (0, 1));
  ck_assert_ptr_null (fc_gmm_alloc (2, 0));
  fc_gmm *g = fc_gmm_alloc (2, 1);
  ck_assert_int_eq (fc_gmm_set_component (g, 0, 0.0, mu, s), GSL_EDOM);
  ck_assert_int_eq (fc_gmm_set_component (g, 0, -1.0, mu, s), GSL_EDOM);
  ck_assert_int_eq (fc_gmm_set_component (g, 0, NAN, mu, s), GSL_EDOM);
  ck_assert_int_eq (fc_gmm_set_component (g, 0, INFINITY, mu, s), GSL_EDOM);
  ck_assert_int_eq (fc_gmm_set_component (g, 0, 1.0, nanmu, s), GSL_EDOM);
  ck_assert_int_eq (fc_gmm_set_component (g, 0, 1.0, mu, asym), GSL_EDOM);
  /* The symmetry band is 64 eps of the largest entry: 1e-12 is outside,
     one ulp of 0.2 inside (and the stored matrix is made symmetric).  */
  asym[2] = 0.2 + 1e-12;
  ck_assert_int_eq (fc_gmm_set_component (g, 0, 1.0, mu, asym), GSL_EDOM);
  ck_assert_int_eq (fc_gmm_set_component (g, 1, 1.0, mu, s), GSL_EINVAL);
  /* Never set: the zero weight is refused by prepare.  */
  ck_assert_int_eq (fc_gmm_prepare (g), GSL_EDOM);
  asym[2] = nextafter (0.2, 1.0);
  ck_assert_int_eq (fc_gmm_set_component (g, 0, 1.0, mu, asym), GSL_SUCCESS);
  ck_assert (g->cov[1] == g->cov[2]);
  /* Not prepared: no density, no samples.  */
  ck_assert_int_eq (fc_gmm_set_component (g, 0, 1.0, mu, s), GSL_SUCCESS);
  ck_assert_int_eq (fc_gmm_log_density (g, 1, x, out), GSL_EINVAL);
  ck_assert_int_eq (fc_gmm_sample (g, 1UL, 1, out), GSL_EINVAL);
  ck_assert_ptr_null (fc_gmm_condition (g, 2, s, x, 1.0));
  ck_assert_int_eq (fc_gmm_set_component (g, 0, 1.0, mu, notpsd),
                    GSL_SUCCESS);
  ck_assert_int_eq (fc_gmm_prepare (g), GSL_EDOM);
  ck_assert_int_eq (g->prepared, 0);
  ck_assert_int_eq (fc_gmm_set_component (g, 0, 1.0, mu, s), GSL_SUCCESS);
  ck_assert_int_eq (fc_gmm_prepare (g), GSL_SUCCESS);
  ck_assert_ptr_null (fc_gmm_condition (g, 2, s, x, 0.0));
  ck_assert_ptr_null (fc_gmm_condition (g, 2, s, x, -1.0));
  ck_assert_ptr_null (fc_gmm_condition (g, 2, s, x, NAN));
  ck_assert_ptr_null (fc_gmm_condition (g, 2, s, x, INFINITY));
  ck_assert_ptr_null (fc_gmm_condition (g, 0, s, x, 1.0));
  fc_gmm_free (g);
  fc_gmm_free (NULL);
}
END_TEST

/* A covariance within round-off of singular, its small eigenvalue
   negative by less than 64 eps of the largest, is accepted and clamped.  */
FC_TEST ("prepare", test_round_off_negative_eigenvalue_is_clamped)
{
  double w = 1.0, mu[2] = { 0.0, 0.0 };
  double s[4] = { 1.0, 1.0 + 4.0 * GSL_DBL_EPSILON,
                  1.0 + 4.0 * GSL_DBL_EPSILON, 1.0 };
  fc_gmm *g = make_gmm (2, 1, &w, mu, s);
  ck_assert (g->eigval[0] == 0.0);
  ck_assert_int_eq (g->all_pd, 0);
  fc_gmm_free (g);
}
END_TEST

/* fc_gmm_random: every covariance has its eigenvalues inside the requested
   band (so cond(S_k) <= eig_max / eig_min, the bound the path tests derive
   their tolerance from), weights and means are finite, the same (seed,
   stream) gives the same mixture bit for bit and another stream another. */
FC_TEST ("prepare", test_random_mixture_respects_eigenvalue_band_and_is_seeded)
{
  const fc_gmm_random_params p = { 0.5, 1.5, 1.5, 0.3, 2.0 };
  const size_t d = 6, nk = 5;
  fc_gmm *a = fc_gmm_random (d, nk, &p, 977, 3);
  fc_gmm *b = fc_gmm_random (d, nk, &p, 977, 3);
  fc_gmm *c = fc_gmm_random (d, nk, &p, 977, 4);
  ck_assert_ptr_nonnull (a);
  ck_assert_ptr_nonnull (b);
  ck_assert_ptr_nonnull (c);
  ck_assert (a->all_pd);
  ck_assert_mem_eq (a->cov, b->cov, nk * d * d * sizeof (double));
  ck_assert_mem_eq (a->mean, b->mean, nk * d * sizeof (double));
  ck_assert (memcmp (a->cov, c->cov, nk * d * d * sizeof (double)) != 0);
  /* The eigenvalues come back from gsl_eigen_symmv of Q diag Q^T: exact up
     to the round-off of forming the product and of the solver, a few
     hundred eps times the largest eigenvalue.  */
  const double slack = TOL_EPS (64.0 * d) * p.eig_max;
  for (size_t k = 0; k < nk; k++)
    for (size_t i = 0; i < d; i++)
      {
        double lam = a->eigval[k * d + i];
        ck_assert_msg (lam >= p.eig_min - slack && lam <= p.eig_max + slack,
                       "eigenvalue %zu of component %zu is %.17g, outside "
                       "[%.17g, %.17g]", i, k, lam, p.eig_min, p.eig_max);
      }
  fc_gmm_free (a);
  fc_gmm_free (b);
  fc_gmm_free (c);
}
END_TEST

/* fc_gmm_finish, the end of every constructor: a mixture whose components
   were set is returned prepared; after a failed set (or a failed prepare)
   it is freed (valgrind sees no leak) and NULL returned; NULL stays NULL.  */
FC_TEST ("prepare", test_finish_prepares_or_frees)
{
  double w = 1.0, mu[2] = { 0.0, 0.0 }, s[4] = { 1.0, 0.2, 0.2, 1.0 };
  double notpsd[4] = { 1.0, 2.0, 2.0, 1.0 };
  fc_gmm *g = fc_gmm_alloc (2, 1);
  g = fc_gmm_finish (g, fc_gmm_set_component (g, 0, w, mu, s));
  ck_assert_ptr_nonnull (g);
  ck_assert_int_eq (g->prepared, 1);
  fc_gmm_free (g);
  g = fc_gmm_alloc (2, 1);
  ck_assert_ptr_null (fc_gmm_finish (g, GSL_EDOM));
  g = fc_gmm_alloc (2, 1);
  ck_assert_ptr_null (fc_gmm_finish (g, fc_gmm_set_component (g, 0, w, mu,
                                                              notpsd)));
  ck_assert_ptr_null (fc_gmm_finish (NULL, GSL_SUCCESS));
}
END_TEST

/* fc_gmm_check_points, the input check of the batched evaluations
   (fc_path, fc_guide): a prepared mixture, points given unless there are
   none, every coordinate finite.  */
FC_TEST ("prepare", test_check_points_refuses_unprepared_missing_or_non_finite)
{
  double w = 1.0, mu[2] = { 0.0, 0.0 }, s[4] = { 1.0, 0.2, 0.2, 1.0 };
  double x[4] = { 0.1, -0.2, 0.3, 0.4 };
  fc_gmm *raw = fc_gmm_alloc (2, 1), *g = make_gmm (2, 1, &w, mu, s);
  ck_assert_int_eq (fc_gmm_check_points (g, 2, x), GSL_SUCCESS);
  ck_assert_int_eq (fc_gmm_check_points (g, 0, NULL), GSL_SUCCESS);
  ck_assert_int_eq (fc_gmm_check_points (NULL, 2, x), GSL_EINVAL);
  ck_assert_int_eq (fc_gmm_check_points (raw, 2, x), GSL_EINVAL);
  ck_assert_int_eq (fc_gmm_check_points (g, 2, NULL), GSL_EINVAL);
  x[3] = INFINITY;
  ck_assert_int_eq (fc_gmm_check_points (g, 2, x), GSL_EBADFUNC);
  ck_assert_int_eq (fc_gmm_check_points (g, 1, x), GSL_SUCCESS);
  fc_gmm_free (raw);
  fc_gmm_free (g);
}
END_TEST

FC_TEST ("prepare", test_random_mixture_rejects_bad_parameters)
{
  const fc_gmm_random_params bad[] = {
    { 0.0, 1.0, 1.0, 0.1, 1.0 },      /* weight_min not > 0 */
    { 2.0, 1.0, 1.0, 0.1, 1.0 },      /* weight_min > weight_max */
    { 0.5, 1.0, -1.0, 0.1, 1.0 },     /* negative mean_std */
    { 0.5, 1.0, 1.0, 2.0, 1.0 },      /* eig_min > eig_max */
    { 0.5, 1.0, 1.0, -0.1, 1.0 },     /* negative eigenvalue */
    { 0.5, 1.0, 1.0, 0.1, INFINITY }, /* not finite */
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    ck_assert_msg (fc_gmm_random (2, 3, &bad[i], 1, 0) == NULL,
                   "bad parameter set %zu accepted", i);
}
END_TEST

FC_CK_MAIN ("gmm_prepare")
