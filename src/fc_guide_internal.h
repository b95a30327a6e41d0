/* src/fc_guide_internal.h -- what the parts of fc_guide (fc_guide.h)
 * share: the per-call plan, the per-thread scratch and the functions that
 * fill them.  Internal, not installed.
 *
 * The parts: fc_guide_plan.c (the per-call constants, in the components'
 * eigenbases), fc_guide_kernel.c (the two passes over the components for a
 * chunk of points: the only code compiled per ISA), fc_guide_exact.c (the
 * Tweedie moments and the exact likelihood h_t = p_t(y | x)),
 * fc_guide_approx.c (the approximate likelihoods, G4 and G5),
 * fc_guide_field.c (the guided velocity fields), fc_guide_sample.c
 * (sampling by a guided flow).
 *
 * Component posteriors (canonical convention, CATALOG.md
 * "Conventions").  Given k, (x1, x_t) is Gaussian: x1 ~ N(mu_k, S_k),
 * x_t | x1 ~ N(alpha x1, sigma^2 I), so x1 | x_t = x, k is Gaussian with
 * mean m1_k(x) and covariance Sigma1_k as in fc_guide.h.  In the eigenbasis
 * of S_k every matrix is diagonal: J_k = V diag(alpha lambda/c) V^T and
 * Sigma1_k = V diag(lambda - alpha^2 lambda^2/c) V^T
 * = V diag(lambda sigma^2/c) V^T, which is why J_k = (alpha/sigma^2)
 * Sigma1_k.  Also alpha m1_k = x + sigma^2 s_k (Tweedie per component),
 * hence
 *
 *   s_k - s = (alpha / sigma^2) (m1_k - x1hat).                        (T)
 *
 * Two numerically equal forms.  Where alpha <= sigma ("scaled" form) the
 * code computes grad/alpha with (T), s_k - s = alpha (m1_k - x1hat)/sigma^2,
 * and J_k/alpha = V diag(lambda/c) V^T: then grad = alpha * (...) is exactly
 * 0 at alpha = 0 and c_t grad = (alpha' sigma^2 - alpha sigma sigma') (...)
 * takes its finite limit there, alpha'(0) (E[x1|y] - E[x1]); no small
 * difference s_k - s is divided by a small alpha.  Where alpha > sigma
 * ("direct" form) it uses s_k - s and J_k themselves, which stay exact at
 * sigma = 0 (t = 1), where (T) would divide by sigma^2 = 0.
 */
#ifndef FC_GUIDE_INTERNAL_H
#define FC_GUIDE_INTERNAL_H

#include <math.h>
#include <stddef.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_matrix.h>

#include "fc_gmm.h"
#include "fc_guide.h"
#include "fc_obs.h"
#include "fc_schedule.h"

/* Points per chunk, the unit of OpenMP work; results do not depend on it.
   32 rows amortise each component's constants and the loads of V_k in the
   GEMMs (five 6-row register blocks and one of 2), while the chunk's Z_k
   for all K components stays in L2 up to K D ~ 2000.  */
#define FC_GUIDE_CHUNK 32

/* Per-call constants and outputs, read-only in the threads.  */
typedef struct
{
  const fc_gmm *g;
  const fc_obs *obs;    /* NULL when no observation is needed */
  size_t d, nk, m;      /* m = 0 without an observation */
  fc_schedule_value sv;
  int alpha0;           /* alpha == 0: r_k = w_k for every x */
  int scaled;           /* alpha <= sigma: the scaled form (top) */
  double gfac;          /* grad = gfac * vec, jac = gfac * jhat */
  double cfac;          /* c_t grad = cfac * vec */
  int lik;              /* the exact likelihood: log h, rho_k */
  int approx;           /* an approximate likelihood of kind KIND */
  fc_guide_lik kind;
  int limit;            /* reconstruction at alpha = 0, gamma > 0 */
  int need_am;          /* A m1_k (lik or approx) */
  int need_as;          /* A s_k (approximate gradient, direct form) */
  int need_vec;         /* the gradient vector vec */
  int need_vel;         /* u = prior velocity + cfac vec (guided fields) */
  int need_m1, need_cov, need_jac; /* the per-component m1_k and matrices */
  double *lconst;       /* (K) log w_k - 1/2 sum log c - D/2 log 2 pi */
  double *inv_c;        /* (K, D) 1/c */
  double *gjt;          /* (K, D) alpha lambda / c, the diagonal of J_k */
  double *gjo;          /* (K, D) that of jhat_k: J_k, J_k/alpha if scaled */
  double *gs1;          /* (K, D) lambda sigma^2 / c, that of Sigma1_k */
  double *bvel;         /* (K, D) (alpha alpha' lambda + sigma sigma') / c */
  double *av;           /* (K, m, D) A V_k */
  double *gav;          /* (K, m, D) A V_k diag(gjo) */
  double *asa;          /* (K, m, m) A Sigma1_k A^T */
  double *gchol;        /* (K, m, m) Cholesky factor of G_k */
  double *nconst;       /* (K) -1/2 log det G_k - m/2 log 2 pi */
  double *s1mat;        /* (K, D, D) Sigma1_k */
  double *jmat;         /* (K, D, D) V diag(gjo) V^T */
  double *schol;        /* (m, m) factor of Sigma_gamma (reconstruction) */
  double sconst;        /* -1/2 log det Sigma_gamma - m/2 log 2 pi */
  double *block;        /* the allocation the arrays above but schol
                           point into (fc_carve.h) */
  const fc_guide_out *eo;        /* outputs of fc_guide_eval, or NULL */
  const fc_guide_approx_out *ao; /* outputs of fc_guide_approx, or NULL */
  double *u;                     /* the guided velocity, or NULL */
} fc_guide_plan;


/* Per-thread scratch, allocated once per call; B = FC_GUIDE_CHUNK.  */
typedef struct
{
  double *z;            /* (K, B, D) z_k = V_k^T x - alpha mean_eig_k */
  double *l, *ln;       /* (B, K) log w_k N_k(x), log N(y; A m1_k, G_k) */
  double *r, *rho;      /* (B, K) r_k, rho_k */
  double *coef;         /* (B, K) rho_k - r_k (over sigma^2 when scaled),
                           or the centred c_k */
  double *am, *as, *vk; /* (B, K, m) A m1_k, A s_k, G_k^{-1} (y - A m1_k) */
  double *v;            /* (B, m) Sigma^{-1} (y - A x1hat) */
  double *lh;           /* (B) log h or the approximate log-likelihood */
  double *w, *y;        /* (B, D) weighted eigenbasis vectors, their sum */
  double *m1, *sk;      /* (K, B, D) m1_k, s_k (Cov and J only) */
  double *e, *x1hat, *s, *dk; /* (D) */
  double *res, *ax;     /* (m) */
  double *sig;          /* (m, m) Sigma (tweedie) and its factor */
  double *cov, *jhat;   /* (D, D) */
  double *block;        /* the one allocation all the above point into */
} fc_guide_scratch;

/* Factor SIG (m, m), lower triangle filled, in place; *LCONST the log
   normalising constant.  GSL_EDOM when not positive definite.  */
static inline int
fc_guide_factor_sigma (size_t m, double *sig, double *lconst)
{
  gsl_matrix_view sv = gsl_matrix_view_array (sig, m, m);
  int status = gsl_linalg_cholesky_decomp1 (&sv.matrix);
  if (status)
    return status;
  double logdet = 0.0;
  for (size_t i = 0; i < m; i++)
    logdet += 2.0 * log (sig[i * m + i]);
  *lconst = -0.5 * logdet - 0.5 * m * log (2 * M_PI);
  return GSL_SUCCESS;
}

/* ------------------------------------------------ fc_guide_plan.c */

/* Every per-call constant of PL, whose schedule values, dimensions and
   needs are set; fc_guide_plan_free releases them, also after a failure.  */
int
fc_guide_plan_init (fc_guide_plan *pl);

void
fc_guide_plan_free (fc_guide_plan *pl);

/* Common checks of the inputs: G prepared, OBS (unless NULL) an
   observation of its dimension, the N points X finite.  */
int
fc_guide_check (const fc_gmm *g, const fc_obs *obs, size_t n,
                const double *x);

/* ------------------------------------------------ fc_guide_kernel.c */

/* The N points X, OpenMP over chunks of FC_GUIDE_CHUNK, into the outputs
   of PL.  */
int
fc_guide_run (const fc_guide_plan *pl, size_t n, const double *x);

/* ------------------------------------------------ fc_guide_exact.c */

/* Responsibilities and the per-point likelihood of point P of the chunk.
   Returns 2 when the tweedie Sigma is not positive definite.  */
int
fc_guide_weights (const fc_guide_plan *pl, fc_guide_scratch *s, size_t p);

/* Store the fc_guide_eval results of point P of the chunk (P0 + P
   overall).  Returns 1 when one is not finite.  */
int
fc_guide_store_eval (const fc_guide_plan *pl, fc_guide_scratch *s, size_t p,
                     size_t p0);

/* The plan of the exact likelihood; OUT (fc_guide_eval) or U (the
   exact-split field's velocity) receives the results.  */
int
fc_guide_eval_plan (fc_guide_plan *pl, const fc_gmm *g, fc_schedule s,
                    double t, const fc_obs *obs, size_t n, const double *x,
                    const fc_guide_out *out, double *u);

/* ------------------------------------------------ fc_guide_approx.c */

/* The approximate likelihood at point P of the chunk and the coefficients
   of its gradient.  Returns 2 when Sigma is not positive definite.  */
int
fc_guide_approx_weights (const fc_guide_plan *pl, fc_guide_scratch *s,
                         size_t p);

/* Store the fc_guide_approx results (or the guided velocity) of point P
   of the chunk (P0 + P overall).  Returns 1 when one is not finite.  */
int
fc_guide_store_approx (const fc_guide_plan *pl, const fc_guide_scratch *s,
                       size_t p, size_t p0);

/* The plan of an approximate likelihood of KIND; OUT (fc_guide_approx) or
   U (a guided field's velocity) receives the results.  */
int
fc_guide_approx_plan (fc_guide_plan *pl, const fc_gmm *g, fc_schedule s,
                      double t, const fc_obs *obs, fc_guide_lik kind,
                      double gamma, size_t n, const double *x,
                      const fc_guide_approx_out *out, double *u);

#endif /* FC_GUIDE_INTERNAL_H */
