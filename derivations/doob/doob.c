/* derivations/doob/doob.c -- Doob's h-transform: conditioning an SDE on
 * its end point (N §Doob's h-transform).
 *
 * Claims H1-H3 of CATALOG.md.  The note writes the process
 *   dX = f_t(X) dt + sigma_t dB
 * conditioned on X_T = x_T as
 *   dH = (f_t(H) + sigma_t^2 grad log h(t, H)) dt + sigma_t dB,
 *   h(t, x) = p(X_T = x_T | X_t = x),
 * and asks whether the construction survives sigma -> 0.
 *
 *  H1  the h-transformed SDE has the conditioned law: Brownian motion and
 *      Ornstein-Uhlenbeck bridges against their exact marginals
 *      (h1_marginals.c), and a double well whose h is computed on a grid,
 *      against rejection-conditioned paths (h1_double_well.c), in 1-D and
 *      as a coupled (non-separable) double well in 2-D (h1_well2d.c).
 *  H2  sigma -> 0: the BM and OU h-drifts do not depend on sigma, bridge
 *      paths converge to the deterministic bridge at a rate measured on
 *      independent paths at each sigma, and
 *      for BM at T = 1 the limit field is (x1 - x)/(1 - t)
 *      (h2_sigma_limit.c).
 *  H3  Euler-Maruyama on the bridge: weak, strong (interior) and endpoint
 *      orders (h3_em_orders.c).
 *
 * This file is the claim table with each claim's controls, the size plan
 * and the figure list; doob_internal.h lists the parts.  */
#include <config.h>

#include <stdio.h>

#include <gsl/gsl_errno.h>

#include "doob_internal.h"

#define DB_SECTION "N §Doob's h-transform"

/* ------------------------------------------------------- the size plan */

const db_sizes db_size_plan[FC_SIZE_COUNT] = {
  [FC_SIZE_FULL] = {
    /* H1 (a, b): n paths in `steps` steps, chosen so that the scheme's
       bias stays below a quarter standard error (measured exactly, metric
       em_bias_z): at T/2 the Brownian variance error is about
       sigma^2 h log 2 against a standard error sigma^2 (T/4) sqrt(2/n), a
       ratio 4 log 2 sqrt(n/2) / steps = 0.19 for n = 10000, 1024 steps
       (0.17 for the quick 2000 and 512).  */
    .h1 = { .n = 10000, .steps = 1024, .n_two = 500 },
    /* H1 (c): about 1.85% of the unconditioned paths are accepted (the
       Kolmogorov-Smirnov test takes every draw); at least 30 expected
       counts per chi-square bin; h's order study from dx = 0.02 to 0.0025 (the
       quick sizes skip the finest level, 0.4 s of 0.6 s: the fit then has
       two differences, and the Richardson reference of the moments comes
       from levels 1 and 2 instead of 2 and 3).  */
    .well = { .n_h = 3000, .n_u = 170000, .bins = 20, .n_lev = 4 },
    /* H1 (c) in 2-D: about 0.5% of the unconditioned paths end in the
       square window, so 150000 paths give some 750 accepted (24000 about
       115 at the quick sizes, which keep the power against the control
       without the h-term: |z| above 10); the grid at dx = 0.05 with the
       order measured on three levels (0.1 s), dx = 0.1 and two levels at
       the quick sizes, whose grid error stays near 0.06 standard errors.  */
    .well2 = { .n_h = 2000, .n_u = 150000, .n_two = 300, .n_lev = 3,
               .dx = 0.05 },
    .h2_npts = 512, .h2_n = 500, .h2_steps = 512,
    .h3_n = 1000 },
  [FC_SIZE_QUICK] = {
    .h1 = { .n = 2000, .steps = 512, .n_two = 200 },
    .well = { .n_h = 450, .n_u = 24000, .bins = 10, .n_lev = 3 },
    .well2 = { .n_h = 300, .n_u = 24000, .n_two = 100, .n_lev = 2,
               .dx = 0.1 },
    .h2_npts = 64, .h2_n = 200, .h2_steps = 256,
    .h3_n = 500 },
};

/* ------------------------------------------------------------------ H1 */

/* H1's figures are its parts' (the Gaussian bridges, the double wells);
   the framework's rule decides from them.  A control changes one part
   only; the other part is the claim as stated, which the claim's own run
   checks, so a control runs the part it changes alone.  */
typedef int (*db_h1_part) (const fc_run_options *opt, int variant,
                           fc_verdict *v, char *note);

/* The control VARIANT changes the Gaussian bridges (else the wells).  */
static int
db_h1_gaussian_variant (int variant)
{
  return variant == DB_H1_WRONG_END_TIME || variant == DB_H1_HALF_H_TERM
         || variant == DB_H1_COARSE_STEPS;
}

static int
db_check_h1 (const fc_run_options *opt, fc_verdict *v)
{
  static const db_h1_part parts[3] = { db_h1_marginals, db_h1_double_well,
                                        db_h1_double_well_2d };
  int variant = fc_control_variant (opt);
  int gauss = variant == DB_CLAIM || db_h1_gaussian_variant (variant);
  int wells = variant == DB_CLAIM || !db_h1_gaussian_variant (variant);
  int run[3] = { gauss, wells, wells };
  char note[3][DB_NOTE_LEN] = { "", "", "" };
  for (int p = 0; p < 3; p++)
    if (run[p])
      {
        int status = parts[p] (opt, variant, v, note[p]);
        if (status)
          return status;
      }
  fc_verdict_note (v, "%s%s%s%s%s", note[0], gauss && wells ? "; " : "", note[1],
                   wells ? "; " : "", note[2]);
  return GSL_SUCCESS;
}

/* The controls of H1.  A wrong drift gives the simulated paths another
   law.  Must flip: the Gaussian marginals then differ from the exact ones
   by many standard errors, far outside the Bonferroni band 4.69, the
   two-sample p-values fall below their level and the deterministic last
   step misses x_T (REFUTED); without the h-term the double-well paths
   follow the unconditioned law, mostly in the left well, which the
   moment z-scores, the two-sample test and the chi-square test against
   q reject (REFUTED; the rejection reference, which has no h-term, still
   agrees).  The other three break what shows the check able to decide,
   so the declared verdict is NONE: an eighth of the steps makes the
   Gaussian scheme's bias exceed a quarter standard error (em_bias_z);
   rejection paths simulated with 1.5 sigma no longer follow q_eps nor
   match its acceptance (well_chisq_p_ref, well_accept_z, well2_ref_z,
   well2_accept_z); a window five
   times wider biases the rejection sample by 25 times the window's bias,
   past the band of the summed systematic errors (well_bias_z,
   well2_bias_z).  */
static const fc_control db_h1_controls[] = {
  { "wrong_end_time",
    "Gaussian bridges simulated with the h of the end time 1.25 T instead of T",
    FC_VERDICT_REFUTED, DB_H1_WRONG_END_TIME },
  { "half_h_term",
    "Gaussian bridges with the h-term halved: f + sigma^2 grad log h / 2",
    FC_VERDICT_REFUTED, DB_H1_HALF_H_TERM },
  { "no_h_term",
    "double wells simulated with the drift f alone (h-term dropped)",
    FC_VERDICT_REFUTED, DB_H1_NO_H_TERM },
  { "coarse_steps",
    "Gaussian bridges simulated with an eighth of the steps",
    FC_VERDICT_NONE, DB_H1_COARSE_STEPS },
  { "reference_noise",
    "double wells' rejection paths simulated with the noise 1.5 sigma",
    FC_VERDICT_NONE, DB_H1_REFERENCE_NOISE },
  { "wide_window",
    "double wells' rejection window (and its grid law q_eps) five times wider",
    FC_VERDICT_NONE, DB_H1_WIDE_WINDOW },
};

/* H2's controls change the sigma -> 0 limit.  Must flip: with h of unit
   noise the drift f + sigma^2 (b - f) depends on sigma and tends to f as
   sigma -> 0, so the long-way drift moves with sigma (drift_sigma_spread,
   fm_identity: O(1) against 16 eps), X^0 is the unconditioned flow (BM:
   X^0 = x0), O(1) from the deterministic bridge where det_err_bm's band is
   round-off (2 N eps max|x|) and det_order_ou's error no longer shrinks
   with the step, and the deviations X^sigma - X^0 gain a sigma^2 part that
   bends their rate (BM 0.96, OU 1.09 against 1 +- 0.017 at the quick
   sizes: the Monte Carlo band of independent paths).  With the end time
   (1 + 1e-3) T the sigma = 0 chain ends (1 - 1/1.001) |x_T - x0|, about
   1e-3, from x_T (det_err_bm some 1e10 times its band) and the field at
   t = 1 - 1e-9 is (x1 - x)/(1e-3), not (x1 - x)/1e-9 (fm_identity about
   1); the drift stays sigma-free, and the rate 1.  */
static const fc_control db_h2_controls[] = {
  { "unit_noise_h",
    "drift f + sigma^2 grad log h with h of sigma = 1 whatever sigma is "
    "simulated (limit f, not the bridge)",
    FC_VERDICT_REFUTED, DB_H2_UNIT_NOISE_H },
  { "wrong_end_time",
    "drift with the h of the end time (1 + 1e-3) T instead of T",
    FC_VERDICT_REFUTED, DB_H2_WRONG_END_TIME },
};

/* H3's controls.  Must flip: a last step that keeps its noise leaves
   |X_N - x_T| ~ sigma sqrt(h), order 1/2, where the deterministic last
   step gives round-off for BM (endpoint_det_bm band 1e-13) and order 2
   for OU (endpoint_det_order_ou band 2 +- 0.24); coarse runs on Brownian
   paths independent of the reference's stay O(1) from it, so the strong
   error does not shrink (strong_order about 0 against 1 +- 0.16); the
   h of the end time 1.25 T is an inconsistent scheme for the bridge to
   T: its moments at T/2 converge to another law (the exact weak error
   tends to a constant, weak_order_exact about 0) and its end point to
   another point (endpoint_order about 0); a moment recursion that takes
   the drift's coefficients at the right end of each step is another
   first-order scheme than the simulated one (left ends), which the
   coupled Monte Carlo weak errors, whose standard errors are small,
   tell (weak_mc_z some 30 against its band 4.5: the check that the
   recursion is the scheme's fails, NONE).  */
static const fc_control db_h3_controls[] = {
  { "noisy_last_step",
    "the deterministic last step keeps its noise sigma dW_{N-1}",
    FC_VERDICT_REFUTED, DB_H3_NOISY_LAST_STEP },
  { "uncoupled_paths",
    "the coarse runs on Brownian paths independent of the fine reference's",
    FC_VERDICT_REFUTED, DB_H3_UNCOUPLED_PATHS },
  { "wrong_end_time",
    "the scheme (and its moment recursion) with the h of the end time 1.25 T",
    FC_VERDICT_REFUTED, DB_H3_WRONG_END_TIME },
  { "broken_recursion",
    "the moment recursion takes the drift's coefficients at the steps' right "
    "ends, the simulated scheme at their left ends",
    FC_VERDICT_NONE, DB_H3_BROKEN_RECURSION },
};

static const fc_claim db_claims[] = {
  { "H1", DB_SECTION,
    "dX = f dt + sigma dB conditioned on X_T = x_T has drift f + sigma^2 "
    "grad log h, h(t, x) = p(X_T = x_T | X_t = x)",
    FC_VERDICT_CONFIRMED, db_check_h1, FC_CONTROLS (db_h1_controls) },
  { "H2", DB_SECTION,
    "sigma -> 0: the BM and OU h-drifts do not depend on sigma, bridges "
    "tend to the deterministic bridge; BM at T = 1 gives (x1 - x)/(1 - t)",
    FC_VERDICT_CONFIRMED, db_check_h2, FC_CONTROLS (db_h2_controls) },
  { "H3", DB_SECTION,
    "Euler-Maruyama on the bridge (drift singular at T): weak order 1, "
    "strong order 1 at interior times (additive noise), endpoint order 1/2",
    FC_VERDICT_CONFIRMED, db_check_h3, FC_CONTROLS (db_h3_controls) },
};

static const fc_figure db_figure_list[] = {
  { "doob-paths", "H2", { "doob-paths.dat", NULL } },
  { "doob-double-well", "H1", { "doob-double-well.dat", NULL } },
  { "doob-orders", "H3", { "doob-orders.dat", NULL } },
};

FC_MODULE_DEFINE (doob,
                  "Doob h-transform drift, its sigma -> 0 limit and bridge "
                  "simulation orders (N §Doob's h-transform)",
                  db_claims, db_figure_list, db_figures,
                  db_write_figures, NULL);
