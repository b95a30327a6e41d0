/* src/fc_compare.h -- does a sample come from an exact Gaussian mixture?
 *
 * Every sampling claim (C5, S3, S5, S6, G3, G6, H1, B4) ends with the same
 * question: are the N draws X (pushed by a flow, simulated by an SDE,
 * guided towards a posterior) draws of the mixture G whose law is known
 * exactly?  This is the one answer the modules share:
 *
 *   - moment z-scores: the largest |z| of the sample means and variances
 *     against the exact ones, standard errors from the exact covariance
 *     and the exact fourth moments (fc_stats_moment_z,
 *     fc_gmm_fourth_moments);
 *   - a permutation MMD two-sample test of X against a fresh exact sample
 *     (fc_stats_two_sample);
 *   - the sliced W2 distance from X to that exact sample against its own
 *     noise level: the mean m0 and standard deviation s0 of the same
 *     statistic over n_rep pairs of independent exact samples of the same
 *     size.  When X is exact its distance is one more draw of that
 *     statistic, so it is judged against m0 + w2_z s0;
 *   - the Bonferroni band of a family of z-scores.
 *
 * Random streams, all derived from one SEED: the exact reference sample is
 * stream (SEED, 1), the permutations (SEED, 2), the noise pairs
 * (SEED, 2 r + 10) and (SEED, 2 r + 11), r < n_rep, and the W2 projections
 * SEED itself, so a comparison's figures depend only on SEED and X.  */
#ifndef FC_COMPARE_H
#define FC_COMPARE_H

#include <stddef.h>
#include "fc_gmm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What to measure.  */
typedef struct
{
  size_t n_proj;  /* directions of every sliced W2 */
  size_t n_rep;   /* exact-vs-exact pairs of the W2 noise level; 0: no W2 */
  double w2_z;    /* the W2 band: m0 + w2_z s0 */
  size_t n_two;   /* points of each side of the two-sample test, at most N
                     (the test costs n_two^2 per permutation); 0: no test */
  size_t n_perm;  /* permutations of the two-sample test */
} fc_compare_plan;

/* What was measured.  */
typedef struct
{
  double z_mean, z_var;   /* largest |z| of the sample means and variances */
  double se_min;          /* smallest standard error of a sample mean,
                             sqrt (min_i S_ii / n), S the exact covariance */
  double pvalue;          /* of the two-sample test; NAN without one */
  double w2;              /* sliced W2 from X to the reference sample */
  double w2_noise;        /* m0: mean over the exact pairs */
  double w2_noise_sd;     /* s0: their standard deviation */
  double w2_tol;          /* m0 + w2_z s0 */
} fc_compare_result;        /* the W2 figures are NAN without W2 */

/* Compare the N draws X (n, D) with the prepared mixture G (dimension D,
   at most FC_COMPARE_DIM_MAX) as PLAN says, streams from SEED (see
   above), into R.  GSL_EINVAL for a bad plan (n_two > n, n_rep 1, n < 2,
   dimension too large); GSL_ENOMEM; otherwise the status of the
   statistics.  */
#define FC_COMPARE_DIM_MAX 128
int
fc_compare_sample (const fc_gmm *g, size_t n, const double *x,
                   const fc_compare_plan *plan, unsigned long seed,
                   fc_compare_result *r);

/* The noise level alone: sliced W2 (N_PROJ directions, from SEED) between
   N_REP >= 2 pairs of independent exact samples of size N of G, streams
   (SEED, 2 r + 10) and (SEED, 2 r + 11); their mean into *MEAN and
   standard deviation into *SD.  */
int
fc_compare_w2_noise (const fc_gmm *g, size_t n, size_t n_rep, size_t n_proj,
                     unsigned long seed, double *mean, double *sd);

/* Bonferroni's band for a family of M z-scores judged together at the
   family false-alarm level ALPHA: |z| <= Qinv (ALPHA / (2 M)), the
   two-sided normal quantile.  */
double
fc_compare_z_band (double alpha, size_t m);

#ifdef __cplusplus
}
#endif
#endif /* FC_COMPARE_H */
