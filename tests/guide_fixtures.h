/* tests/guide_fixtures.h -- what the fc_guide suites share (check_guide_exact,
 * check_guide_approx, check_guide_field, check_guide_fast): a random prior,
 * observation and points, the round-off and finite-difference bands, the
 * 5-point finite-difference Jacobian, and the thread and batch comparison
 * of every output.  Every case runs at t = 0 and t = 1 as well as inside.  */
#ifndef GUIDE_FIXTURES_H
#define GUIDE_FIXTURES_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_math.h>

#include "unit_fixtures.h"
#include "fc_gmm.h"
#include "fc_guide.h"
#include "fc_obs.h"
#include "fc_path.h"
#include "fc_rng.h"

#define D 3     /* data dimension */
#define NK 3    /* prior components */
#define NPTS 40 /* points per check (more than one chunk of 32) */
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

static inline fc_gmm *
make_prior (size_t d, size_t nk, unsigned long seed)
{
  const fc_gmm_random_params p = { 0.5, 1.5, 1.2, 0.3, 2.0 };
  fc_gmm *g = fc_gmm_random (d, nk, &p, seed, 0);
  ck_assert_ptr_nonnull (g);
  return g;
}

/* A ~ N(0, 1/D) entries, y = A x1 + noise with x1 a draw of G.  */
static inline fc_obs *
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
static inline double *
make_points (size_t n, size_t d, unsigned long seed)
{
  double *x = malloc (n * d * sizeof (double));
  ck_assert_int_eq (fc_rng_gaussian_fill (seed, 30, n * d, x), 0);
  for (size_t i = 0; i < n * d; i++)
    x[i] *= 1.5;
  return x;
}

static inline double
norm2 (size_t n, const double *v)
{
  double s = 0.0;
  for (size_t i = 0; i < n; i++)
    s += v[i] * v[i];
  return sqrt (s);
}

/* V = SIG^{-1} R for the (M, M) positive definite SIG (row-major), which
   is left holding its Cholesky factor: its diagonal is the factor's, for a
   log-determinant.  */
static inline void
cholesky_solve_in_place (size_t m, double *sig, const double *r, double *v)
{
  gsl_matrix_view sv = gsl_matrix_view_array (sig, m, m);
  gsl_vector_const_view rv = gsl_vector_const_view_array (r, m);
  gsl_vector_view vv = gsl_vector_view_array (v, m);
  ck_assert_int_eq (gsl_linalg_cholesky_decomp1 (&sv.matrix), 0);
  ck_assert_int_eq (gsl_linalg_cholesky_solve (&sv.matrix, &rv.vector,
                                               &vv.vector), 0);
}

/* Largest measured error per test, printed when FC_GUIDE_REPORT is set. */
static inline void
report (const char *what, double err)
{
  if (getenv ("FC_GUIDE_REPORT"))
    fprintf (stderr, "%-48s %.3g\n", what, err);
}


/* d f / d x_j at X by the 5-point stencil, F writing WIDTH values.  */
typedef void (*field_fn) (const double *x, double *f, void *ctx);

static inline void
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

/* The batch whose every output a thread and batch test compares.  */
typedef struct
{
  const fc_gmm *g;
  const fc_obs *o;            /* m = D, for the note */
  fc_schedule s;
  double t, gamma;
  fc_guide_lik first_kind;    /* the approximate likelihoods from this one */
  fc_guide_field **fields;    /* NULL, or the exact-split, reconstruction
                                 and tweedie fields of G and O */
} guide_batch;

/* Every output of fc_guide_eval, of fc_guide_approx for the kinds from
   B->first_kind on and of B's fields, for the N points X, into OUT block
   after block (block k: N rows of W[k] numbers); returns the number of
   blocks.  */
static inline size_t
guide_every_output (const guide_batch *b, size_t n, const double *x,
                    double *out, size_t *w)
{
  size_t d = b->g->dim, nb = 0;
  double *p = out;
#define GUIDE_BLOCK(width)                                                    \
  (w[nb++] = (width), p += n * (width), p - n * (width))
  fc_guide_out eo;
  eo.x1hat = GUIDE_BLOCK (d);
  eo.cov = GUIDE_BLOCK (d * d);
  eo.jac = GUIDE_BLOCK (d * d);
  eo.logh = GUIDE_BLOCK (1);
  eo.grad = GUIDE_BLOCK (d);
  eo.cgrad = GUIDE_BLOCK (d);
  ck_assert_int_eq (fc_guide_eval (b->g, b->s, b->t, b->o, n, x, &eo), 0);
  for (int kind = b->first_kind; kind < FC_GUIDE_LIK_COUNT; kind++)
    {
      fc_guide_approx_out ao;
      ao.loglik = GUIDE_BLOCK (1);
      ao.grad = GUIDE_BLOCK (d);
      ao.cgrad = GUIDE_BLOCK (d);
      ao.note = GUIDE_BLOCK (d);
      ck_assert_int_eq (fc_guide_approx (b->g, b->s, b->t, b->o, kind,
                                         b->gamma, n, x, &ao), 0);
    }
  for (int k = 0; b->fields != NULL && k < 3; k++)
    ck_assert_int_eq (fc_guide_field_velocity (b->t, n, x, GUIDE_BLOCK (d),
                                               NULL, b->fields[k]), 0);
#undef GUIDE_BLOCK
  return nb;
}

/* Every output of batch B for the N points X is the same, bit for bit,
   with 1 and with 3 threads, and for the batch that starts 7 points later
   (every point is computed in the same order whatever its chunk and its
   position in it, fc_guide_kernel.c).  PER is the number of outputs per
   point; WHAT names the case in the messages.  */
static inline void
guide_assert_threads_and_batch (const guide_batch *b, size_t n, size_t per,
                                const double *x, const char *what)
{
  const size_t off = 7, d = b->g->dim;
  size_t w1[32], w3[32];
  double *b1 = malloc (n * per * sizeof (double));
  double *b2 = malloc (n * per * sizeof (double));
  double *b3 = malloc ((n - off) * per * sizeof (double));
  int saved = set_threads (1);
  size_t nb = guide_every_output (b, n, x, b1, w1);
  set_threads (3);
  guide_every_output (b, n, x, b2, w3);
  guide_every_output (b, n - off, x + off * d, b3, w3);
  set_threads (saved);
  ck_assert_msg (memcmp (b1, b2, n * per * sizeof (double)) == 0,
                 "%s: 1 and 3 threads differ", what);
  size_t o1 = 0, o3 = 0;
  for (size_t k = 0; k < nb; k++)
    {
      ck_assert_msg (memcmp (b1 + o1 + off * w1[k], b3 + o3,
                             (n - off) * w1[k] * sizeof (double)) == 0,
                     "%s: output block %zu depends on the batch", what, k);
      o1 += n * w1[k];
      o3 += (n - off) * w1[k];
    }
  ck_assert_uint_eq (o1, n * per);
  free (b1);
  free (b2);
  free (b3);
}

#endif /* GUIDE_FIXTURES_H */
