/* tests/path_fixtures.h -- random mixtures and points for the tests of the
 * exact path kernel (check_path.c, check_path_isa.c), and the comparison
 * of the kernel with the independent reference (ref_path.c).  */
#ifndef PATH_FIXTURES_H
#define PATH_FIXTURES_H

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>

#include "unit_fixtures.h"
#include "fc_gmm.h"
#include "fc_rng.h"
#include "fc_path.h"
#include "fc_schedule.h"
#include "ref_path.h"

/* A seeded mixture of NK components in D dimensions with full covariances
   S_k = Q diag(lambda) Q^T, lambda in [LAM_MIN, LAM_MAX]: cond(C_k) <=
   LAM_MAX / LAM_MIN at every t.  */
static inline fc_gmm *
path_mixture (size_t d, size_t nk, double lam_min, double lam_max,
              unsigned long seed)
{
  const fc_gmm_random_params p = { 0.5, 1.5, 1.5, lam_min, lam_max };
  fc_gmm *g = fc_gmm_random (d, nk, &p, seed, 0);
  ck_assert_ptr_nonnull (g);
  return g;
}

/* N points scattered around the components' means at time T: x = alpha_t
   mu_k + N(0, I), k cycling, so every component holds some of them.  */
static inline double *
make_points (const fc_gmm *g, fc_schedule s, double t, size_t n,
             unsigned long seed)
{
  size_t d = g->dim;
  fc_schedule_value v;
  ck_assert_int_eq (fc_schedule_eval (s, t, &v), GSL_SUCCESS);
  gsl_rng *r = fc_rng_alloc (seed, 1);
  double *x = malloc (n * d * sizeof (double));
  for (size_t p = 0; p < n; p++)
    for (size_t i = 0; i < d; i++)
      x[p * d + i] = v.alpha * g->mean[(p % g->n_comp) * d + i]
                     + gsl_ran_gaussian (r, 1.0);
  gsl_rng_free (r);
  return x;
}

/* Kernel vs reference for quantity Q: every entry within TOL of the
   reference, relative to max(1, largest entry of its vector).  Returns the
   worst such relative difference.  */
static inline double
compare_with_reference (const fc_gmm *g, fc_schedule s, double t,
                        fc_quantity q, size_t n, const double *x, double tol)
{
  size_t w = fc_quantity_width (q, g->dim);
  double *a = malloc (n * w * sizeof (double));
  double *b = malloc (n * w * sizeof (double));
  ck_assert_int_eq (fc_path_eval (g, s, t, q, n, x, a), GSL_SUCCESS);
  ck_assert_int_eq (ref_path_eval (g, s, t, q, n, x, b), GSL_SUCCESS);
  double worst = 0.0;
  for (size_t p = 0; p < n; p++)
    {
      double scale = 1.0;
      for (size_t i = 0; i < w; i++)
        scale = GSL_MAX (scale, fabs (b[p * w + i]));
      for (size_t i = 0; i < w; i++)
        {
          fc_ck_assert_abs (a[p * w + i], b[p * w + i], tol * scale,
                            "%s %s t=%g D=%zu K=%zu point %zu entry %zu",
                            fc_quantity_name (q), fc_schedule_name (s), t,
                            g->dim, g->n_comp, p, i);
          worst = GSL_MAX (worst, fabs (a[p * w + i] - b[p * w + i]) / scale);
        }
    }
  free (a);
  free (b);
  return worst;
}

/* Every quantity into BUF (n (2 + 4 D)); without the divergence (its
   slots zero) when !WITH_DIV, which lets the Cholesky form run.  */
static inline void
eval_all (const fc_gmm *g, fc_schedule s, double t, size_t n,
          const double *x, double *buf, int with_div)
{
  size_t d = g->dim;
  fc_path_out o;
  memset (buf, 0, n * (2 + 4 * d) * sizeof (double));
  o.logp = buf;
  o.div = with_div ? buf + n : NULL;
  o.score = buf + 2 * n;
  o.velocity = o.score + n * d;
  o.x1hat = o.velocity + n * d;
  o.x0hat = o.x1hat + n * d;
  ck_assert_int_eq (fc_path_eval_many (g, s, t, n, x, &o), GSL_SUCCESS);
}

#endif /* PATH_FIXTURES_H */
