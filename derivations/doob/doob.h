/* derivations/doob/doob.h -- the studies of module `doob` that
 * experiments/doob-bridge runs at other sizes (N §Doob's h-transform,
 * claims H1-H3).
 *
 * The module's claims measure these same studies at the sizes of its size
 * plan; the experiment sweeps them over dimensions, rates, noise levels,
 * step sizes and windows, and writes the tables.  Each function is one
 * study of one problem; the problems are fixed (doob_internal.h): bridges
 * of dX = -theta (X - mu) dt + sigma dB (theta = 0: Brownian motion) from
 * fixed x0 to fixed x_T over [0, FC_DOOB_T], and the double well
 * dX = (X - X^3) dt + 0.6 dB from -1 conditioned on X_4 = +1.  */
#ifndef FC_DOOB_H
#define FC_DOOB_H

#include <stddef.h>
#include "fc_bridge.h"
#include "fc_module.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The Gaussian bridges: end time and noise level (H1 (a, b), H3).  */
#define FC_DOOB_T 1.3
#define FC_DOOB_SIGMA 0.8

/* Monte Carlo decisions of the Gaussian bridges (as module score): a
   family of M moment z-scores is judged at Bonferroni's band
   fc_compare_z_band (FC_DOOB_MC_ALPHA, M) (false alarm of the family at
   most 1e-4 with the fixed seed); a family of M two-sample tests rejects
   when some p-value < FC_DOOB_TS_ALPHA / M (family level 5%).  */
#define FC_DOOB_MC_ALPHA 1e-4
#define FC_DOOB_TS_ALPHA 0.05

/* ------------------------------------------- H1 (a, b): the marginals */

/* The comparison times T/4, T/2, 3T/4.  */
#define FC_DOOB_NT 3

typedef struct
{
  size_t n;     /* paths */
  size_t steps; /* Euler-Maruyama steps over [0, T] */
  size_t n_two; /* points of each side of a two-sample test, at most n */
} fc_doob_marginal_sizes;

typedef struct
{
  double z_mean[FC_DOOB_NT], z_var[FC_DOOB_NT]; /* largest |z| at each time */
  double p[FC_DOOB_NT];     /* two-sample p-value at each time */
  double z_mean_max, z_var_max, p_min; /* over the times */
  double bias_z;            /* the scheme's exact bias, in standard errors */
  double end_err, end_band; /* max |X_T - x_T| (deterministic last step) */
  size_t n_z, n_tests;      /* z-scores and two-sample tests made */
} fc_doob_marginals;

/* The bridge of KIND in dimension DIM (at most 10) with the OU rates
   scaled by THETA_SCALE, simulated by Euler-Maruyama with the h-drift
   f + sigma^2 grad log h, against its exact marginals: moment z-scores and
   MMD two-sample tests at T/4, T/2, 3T/4, the scheme's bias from its exact
   moment recursion, and the end point hit with the deterministic last
   step.  Draws from SEED.  */
int
fc_doob_marginal_study (fc_bridge_kind kind, size_t dim, double theta_scale,
                        const fc_doob_marginal_sizes *sz, unsigned long seed,
                        fc_doob_marginals *r);

/* ----------------------------------------------- H2: sigma -> 0 */

#define FC_DOOB_NSIG_MAX 16

typedef struct
{
  double rate, rate_se; /* fitted rate of dev_sup in sigma, and its Monte
                           Carlo standard error */
  double dev_sup[FC_DOOB_NSIG_MAX];  /* RMS sup_t |X^sigma - X^0| per sigma */
  double dev_half[FC_DOOB_NSIG_MAX]; /* RMS |X^sigma - X^0| at T/2 */
  double det_err[3]; /* sup_k |X^0_k - xbar(t_k)| at N/4, N/2, N steps */
  double det_order;  /* fitted over those above the floor (OU), NAN for BM */
  size_t det_kept;   /* of the three, the leading ones above ten times the
                        round-off floor */
  double sd_half;    /* sqrt (tr Cov X(T/2)) of the exact bridge at sigma 1 */
} fc_doob_sigma_limit;

/* The bridge of KIND in D = 3 at each of the N_SIG (at most
   FC_DOOB_NSIG_MAX) noise levels SIGMAS, each on its own N (at least 2)
   Brownian paths of STEPS steps (a multiple of 4): deviations from the
   sigma = 0 chain X^0, their rate with its Monte Carlo error, and X^0
   against the exact deterministic bridge.  */
int
fc_doob_sigma_study (fc_bridge_kind kind, size_t n_sig, const double *sigmas,
                     size_t n, size_t steps, unsigned long seed,
                     fc_doob_sigma_limit *c);

/* --------------------------------------- H3: Euler-Maruyama orders */

#define FC_DOOB_NH_MAX 12

typedef struct
{
  size_t n_h;
  double h[FC_DOOB_NH_MAX], steps[FC_DOOB_NH_MAX];
  double weak[FC_DOOB_NH_MAX];       /* |E|X_h|^2 - E|X_ref|^2| at T/2, coupled */
  double weak_se[FC_DOOB_NH_MAX];    /* its Monte Carlo standard error */
  double weak_exact[FC_DOOB_NH_MAX]; /* |E|X_h|^2 - E|X|^2|, moment recursion */
  double strong[FC_DOOB_NH_MAX];     /* RMS |X_h - X_ref| at T/2 */
  double endpoint[FC_DOOB_NH_MAX];   /* RMS |X_h(T) - x_T|, plain EM */
  double endpoint_det[FC_DOOB_NH_MAX]; /* max |X_h(T) - x_T|, deterministic
                                          last step */
  double det_band[FC_DOOB_NH_MAX];   /* its round-off and local-error band */
  double mc_z;                       /* max |weak MC - recursion| / se */
} fc_doob_order_table;

/* Fitted orders of the table's columns and their standard errors, each
   fitted on the leading steps whose error stays above ten times its
   round-off floor (fc_study_ladder_above_floor): KEPT says how many, in
   the order weak, strong, end, wexact, det; NAN where fewer than three
   are (the Brownian bridge's deterministic end point is at round-off: no
   order).  */
typedef struct
{
  double weak, weak_se, strong, strong_se, end, end_se, wexact, wexact_se;
  double det, det_se;
  size_t kept[5];
} fc_doob_orders;

/* Euler-Maruyama on the bridge of KIND in D = 2 (T = FC_DOOB_T, sigma =
   FC_DOOB_SIGMA) with each of the N_H (at most FC_DOOB_NH_MAX) step counts
   STEPS (even, each dividing FINE) against FINE steps on the same N
   Brownian paths; the table and its fitted orders.  */
int
fc_doob_order_study (fc_bridge_kind kind, size_t n_h, const size_t *steps,
                     size_t fine, size_t n, unsigned long seed,
                     fc_doob_order_table *tab, fc_doob_orders *o);

/* ------------------------------------------ H1 (c): the double well */

/* The comparison times T/2 and 3T/4; the grid levels of the order study
   of h (dx = 0.02 / 2^l).  */
#define FC_DOOB_WELL_NT 2
#define FC_DOOB_WELL_NLEV 4
/* The window eps of the module (rejection keeps |X_T - x_T| < eps).  */
#define FC_DOOB_WELL_EPS 0.07

typedef struct
{
  double mean, var, m4; /* of a density on the grid, or of a sample */
} fc_doob_moments;

/* The grid convergence of q = p h / h(0, x0), the conditioned density.  */
typedef struct
{
  double dx[FC_DOOB_WELL_NLEV], dt[FC_DOOB_WELL_NLEV];
  double diff[FC_DOOB_WELL_NLEV - 1]; /* max |q_l - q_{l+1}| / max q */
  fc_doob_moments m[FC_DOOB_WELL_NLEV][FC_DOOB_WELL_NT];
  fc_doob_moments m_wide[FC_DOOB_WELL_NT]; /* the interval widened */
  double order, order_se, order_band;
  size_t n_lev; /* levels computed */
} fc_doob_well_grid;

/* The grid study over N_LEV (2 .. FC_DOOB_WELL_NLEV) levels.  */
int
fc_doob_well_grid_study (size_t n_lev, fc_doob_well_grid *gs);

/* Rejection with window EPS: its acceptance P(|X_T - x_T| < eps) =
   h_eps(0, x0), the moments of the window-conditioned marginals and their
   largest difference from the point-conditioned ones in standard errors
   of a comparison of N_CMP against N_CMP draws.  */
typedef struct
{
  double acceptance, bias_z;
  fc_doob_moments m[FC_DOOB_WELL_NT];
} fc_doob_well_window;

int
fc_doob_well_window_study (size_t n_eps, const double *eps, size_t n_cmp,
                           fc_doob_well_window *w);

/* The comparison of H1 (c): N_H paths of the h-transformed SDE against
   the N_U unconditioned paths kept by the window, at T/2 and 3T/4, with
   the systematic errors bounded (the module's full sizes otherwise; draws
   from opt->seed, progress on opt->progress).  */
typedef struct
{
  size_t n_h, n_u, n_acc, bins;
  double z_mean, z_var, z_acc;     /* moment and acceptance z-scores */
  double p_two, p_chi_h, p_chi_ref; /* two-sample and chi-square p-values */
  double grid_err_z, eps_bias_z, em_bias_z; /* in standard errors */
  double clamped_frac, accept_grid;
  double grid_order, grid_order_band;
} fc_doob_well_result;

int
fc_doob_well_study (const fc_run_options *opt, size_t n_h, size_t n_u,
                    fc_doob_well_result *r);

#ifdef __cplusplus
}
#endif
#endif /* FC_DOOB_H */
