/* src/fc_guide.h -- exact and approximate guidance for a linear-Gaussian
 * observation of mixture data.
 *
 * Canonical convention (CATALOG.md "Conventions"): noise x0 ~ N(0, I)
 * at t = 0, data x1 ~ q = sum_k w_k N(mu_k, S_k) at t = 1,
 * x_t = alpha_t x1 + sigma_t x0; an observation y = A x1 + N(0, sigma_y^2 I)
 * (fc_obs.h).  Per component k, with C_k = alpha^2 S_k + sigma^2 I and, in
 * the eigenbasis S_k = V diag(lambda) V^T, c_i = alpha^2 lambda_i + sigma^2:
 *
 *   m1_k(x)  = E[x1 | x_t = x, k] = mu_k + alpha S_k C_k^{-1} (x - alpha mu_k)
 *   Sigma1_k = Cov[x1 | x_t, k]   = S_k - alpha^2 S_k C_k^{-1} S_k
 *            = V diag(lambda sigma^2 / c) V^T            (independent of x)
 *   J_k      = d m1_k / dx        = alpha S_k C_k^{-1}
 *            = V diag(alpha lambda / c) V^T
 *   s_k(x)   = -C_k^{-1} (x - alpha mu_k),  s = sum_k r_k s_k = grad log p_t
 *   r_k(x)   = P(k | x_t = x)
 *
 * The quantities (derived in fc_guide_internal.h, fc_guide_exact.c and
 * fc_guide_approx.c):
 *
 *  Tweedie (N §Vector field parameterisation):
 *   x1hat(x)          = E[x1 | x_t = x] = sum_k r_k m1_k
 *   Cov[x1 | x_t = x] = sum_k r_k (Sigma1_k + (m1_k - x1hat)(m1_k - x1hat)^T)
 *   J(x) = d x1hat/dx = sum_k r_k J_k + sum_k r_k m1_k (s_k - s)^T
 *                     = (alpha / sigma^2) Cov[x1 | x_t = x]   (sigma > 0)
 *
 *  Exact likelihood (N §Guidance term, first line; S5, S6, G2):
 *   h_t(x) = p_t(y | x) = sum_k r_k(x) N(y; A m1_k(x), G_k),
 *            G_k = A Sigma1_k A^T + sigma_y^2 I
 *   grad log h = sum_k rho_k [(s_k - s) + J_k A^T G_k^{-1} (y - A m1_k)],
 *            rho_k = r_k N(y; A m1_k, G_k) / h
 *   h_t = p_t^post(x) p(y) / p_t(x): at t = 0 h = p(y) and grad log h = 0
 *   (exactly), at t = 1 h = N(y; A x, sigma_y^2 I).
 *
 *  Guidance factor: the velocity of the posterior path is
 *   u_t(x | y) = u_t(x) + c_t grad log h_t(x),
 *   c_t = sigma (alpha' sigma - alpha sigma') / alpha
 *       = (alpha' sigma^2 - alpha sigma sigma') / alpha,
 *  (1 - t)/t for the linear schedule (S6); infinite at alpha = 0, where
 *  c_t grad log h has the finite limit alpha'(0) (E[x1 | y] - E[x1]).
 *
 *  Approximate likelihoods (N §Guidance term; G4, G5), N(y; A x1hat, Sigma):
 *   reconstruction  Sigma = sigma_y^2 I + gamma (sigma/alpha)^2 A A^T
 *                   (gamma (1-t)^2/t^2 A A^T for linear, as in the note);
 *   tweedie         Sigma = sigma_y^2 I + A Cov[x1 | x_t = x] A^T,
 *   with the gradient J^T A^T Sigma^{-1} (y - A x1hat) (G4), Sigma treated
 *   as constant in x (it is for reconstruction; for tweedie this drops the
 *   derivative of Cov, as the usual approximation does); and the note's
 *   vector Sigma^{-1} (y - A x1hat) (G5), an m-vector, comparable with a
 *   gradient only when m = D.
 *
 * All calls are batched (X is (n, D) row-major), parallel over fixed chunks
 * of points with per-thread scratch allocated once per call, and bitwise
 * independent of the thread count.  Errors: GSL_EDOM for t outside [0, 1],
 * a singular component at t = 1, gamma < 0 or a covariance that is not
 * numerically positive definite; GSL_EBADFUNC for a non-finite input
 * coordinate; GSL_EBADLEN for mismatched dimensions; GSL_EINVAL for an
 * unprepared mixture or a missing buffer.  */
#ifndef FC_GUIDE_H
#define FC_GUIDE_H

#include <stddef.h>
#include "fc_gmm.h"
#include "fc_obs.h"
#include "fc_ode.h"
#include "fc_schedule.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Outputs of fc_guide_eval; a NULL field is not computed.  */
typedef struct
{
  double *x1hat; /* (n, D)    E[x1 | x_t = x] */
  double *cov;   /* (n, D, D) Cov[x1 | x_t = x], row-major */
  double *jac;   /* (n, D, D) J[i][j] = d x1hat_i / d x_j */
  double *logh;  /* (n)       log p_t(y | x)          needs an observation */
  double *grad;  /* (n, D)    grad_x log p_t(y | x)   needs an observation */
  double *cgrad; /* (n, D)    c_t grad_x log p_t(y | x) (limit at alpha = 0) */
} fc_guide_out;

/* The Tweedie moments and the exact likelihood of mixture prior G
   (prepared) under schedule S at time T for the N points X (n, D).  OBS may
   be NULL when logh, grad and cgrad are.  */
int
fc_guide_eval (const fc_gmm *g, fc_schedule s, double t, const fc_obs *obs,
               size_t n, const double *x, const fc_guide_out *out);

/* The guidance factor c_t = (alpha' sigma^2 - alpha sigma sigma') / alpha
   into *C; +INFINITY where alpha = 0.  Status of fc_schedule_eval.  */
int
fc_guide_factor (fc_schedule s, double t, double *c);

/* The two approximate likelihoods. */
typedef enum
{
  FC_GUIDE_LIK_RECONSTRUCTION = 0, /* s_y^2 I + gamma (sigma/alpha)^2 A A^T */
  FC_GUIDE_LIK_TWEEDIE,            /* s_y^2 I + A Cov[x1 | x_t] A^T */
  FC_GUIDE_LIK_COUNT
} fc_guide_lik;

/* Outputs of fc_guide_approx; a NULL field is not computed.  */
typedef struct
{
  double *loglik; /* (n)    log N(y; A x1hat, Sigma) */
  double *grad;   /* (n, D) J^T A^T Sigma^{-1} (y - A x1hat)      (G4) */
  double *cgrad;  /* (n, D) c_t times grad, its limit at alpha = 0 */
  double *note;   /* (n, m) Sigma^{-1} (y - A x1hat), m = D only  (G5) */
} fc_guide_approx_out;

/* The approximate likelihood KIND (GAMMA >= 0 for reconstruction, ignored
   for tweedie) at time T for the N points X.  GSL_EBADLEN when NOTE is
   requested and m != D.

   At alpha = 0 (t = 0 for linear and cosine) reconstruction with gamma > 0
   has Sigma infinite: loglik is -INFINITY, grad, cgrad and note are 0, the
   limits as alpha -> 0 (for note, when A is invertible).  With gamma = 0,
   and for tweedie, c_t J = (alpha' sigma^2 - alpha sigma sigma') Cov /
   sigma^2 stays finite and cgrad is its value there.  */
int
fc_guide_approx (const fc_gmm *g, fc_schedule s, double t, const fc_obs *obs,
                 fc_guide_lik kind, double gamma, size_t n, const double *x,
                 const fc_guide_approx_out *out);

/* ------------------------------------------------ guided velocity fields */

typedef enum
{
  FC_GUIDE_NONE = 0,       /* u_t of the prior: samples the prior */
  FC_GUIDE_EXACT,          /* u_t of the exact posterior path (fc_path) */
  FC_GUIDE_EXACT_SPLIT,    /* u_t + c_t grad log h, exact h (S6) */
  FC_GUIDE_RECONSTRUCTION, /* u_t + c_t G4 gradient, reconstruction Sigma */
  FC_GUIDE_TWEEDIE,        /* u_t + c_t G4 gradient, Tweedie Sigma */
  FC_GUIDE_NOTE,           /* u_t + c_t Sigma_gamma^{-1} (y - A x1hat), G5 */
  FC_GUIDE_COUNT
} fc_guide_method;

/* A guided field: params of fc_guide_field_velocity.  */
typedef struct
{
  const fc_gmm *prior;    /* prepared; not owned */
  const fc_obs *obs;      /* not owned */
  fc_gmm *post;           /* the exact posterior (fc_gmm_condition), owned */
  fc_schedule s;
  fc_guide_method method;
  double gamma;           /* reconstruction and note only */
} fc_guide_field;

/* A guided field of METHOD for PRIOR and OBS, which must outlive it.  NULL
   (GSL_ERROR_NULL) on bad input: dimensions that differ, gamma not finite
   and >= 0, FC_GUIDE_NOTE with m != D, no memory.  */
fc_guide_field *
fc_guide_field_alloc (const fc_gmm *prior, fc_schedule s, const fc_obs *obs,
                      fc_guide_method method, double gamma);

void
fc_guide_field_free (fc_guide_field *f); /* NULL is a no-op */

/* An fc_velocity_fn, PARAMS an fc_guide_field.  Finite on all of [0, 1]:
   at alpha = 0 the guidance term takes its limit (see fc_guide_approx), so
   sampling starts at t = 0 from N(0, I) like the unguided flow.  DIV is
   given for FC_GUIDE_NONE and FC_GUIDE_EXACT (divergence of the prior or
   posterior path); for the others, whose divergence has no closed form
   here, a non-NULL DIV gives GSL_EUNIMPL.  For FC_GUIDE_EXACT_SPLIT,
   FC_GUIDE_RECONSTRUCTION and FC_GUIDE_TWEEDIE the prior velocity and the
   guidance term are computed in one pass over the components: equal to
   fc_path's velocity plus the cgrad of fc_guide_eval or fc_guide_approx
   up to rounding, not bit for bit.  */
int
fc_guide_field_velocity (double t, size_t n, const double *x, double *u,
                         double *div, void *params);

/* Samples by the guided flow of F: N starting points x0 ~ N(0, I), chunk
   c of FC_RNG_CHUNK coordinates drawn from stream (SEED, STREAM_BASE + c)
   (fc_rng_gaussian_fill), carried from t = 0 to t = 1 by METHOD in STEPS
   equal steps (fc_ode_fixed), into X (n, D).  With FC_GUIDE_NONE they are
   samples of the prior, with the exact methods samples of the posterior up
   to the integration error (claims S5, S6, G6).  Status of the field or
   of fc_ode_fixed; GSL_EINVAL (through GSL_ERROR) when STEPS is 0 or
   METHOD is not a fixed-step method.  */
int
fc_guide_sample (fc_guide_field *f, unsigned long seed,
                 unsigned long stream_base, fc_ode_fixed_method method,
                 size_t steps, size_t n, double *x);

/* "none", "exact", "exact-split", "reconstruction", "tweedie", "note". */
const char *
fc_guide_method_name (fc_guide_method m);

/* GSL_EINVAL (no error handler call) when NAME names no method. */
int
fc_guide_method_parse (const char *name, fc_guide_method *m);

#ifdef __cplusplus
}
#endif
#endif /* FC_GUIDE_H */
