/* src/fc_stats.h -- sample statistics for comparing particle clouds.
 *
 * Moments against their Monte Carlo standard errors, sliced Wasserstein-2
 * with seeded projections, the maximum mean discrepancy, and a permutation
 * two-sample test.  Samples are (n, D) row-major.  Reductions run in a fixed
 * order (serially, or over fixed chunks combined in chunk order), so results
 * do not depend on the thread count.  */
#ifndef FC_STATS_H
#define FC_STATS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Sample mean (D) and unbiased covariance (D, D) of X (n, D), n >= 2.
   COV may be NULL.  Two-pass (Welford-free but centred) for accuracy.  */
int
fc_stats_mean_cov (size_t n, size_t dim, const double *x, double *mean,
                   double *cov);

/* Largest |z| over coordinates of the sample mean of X against the exact
   MEAN (D), with the exact covariance COV (D, D) giving the standard error
   sqrt(COV_ii / n).  Also the largest |z| of the sample variances against
   COV_ii, standard error from the exact fourth moment when KURT (D) (the
   exact E[(x_i - mean_i)^4]) is given, else from the sample fourth moment.
   Either output pointer may be NULL.  The variance standard error is
   sqrt((mu4 - COV_ii^2 (n-3)/(n-1)) / n) (exact for independent draws),
   mu4 = KURT_i or the sample fourth central moment about the sample mean. */
int
fc_stats_moment_z (size_t n, size_t dim, const double *x, const double *mean,
                   const double *cov, const double *kurt, double *z_mean_max,
                   double *z_var_max);

/* Sliced Wasserstein-2 distance (not squared) between X (n, D) and Y (m, D)
   with N_PROJ directions drawn uniformly on the sphere from stream
   (SEED, 0): the root mean over directions of the 1-D W2^2 between the
   projected samples, computed exactly from the two empirical quantile
   functions (n and m may differ).  */
double
fc_stats_sliced_w2 (size_t dim, size_t n, const double *x, size_t m,
                    const double *y, size_t n_proj, unsigned long seed);

/* Unbiased MMD^2 with the Gaussian kernel exp(-|a-b|^2 / (2 bw^2)).  */
double
fc_stats_mmd2 (size_t dim, size_t n, const double *x, size_t m,
               const double *y, double bandwidth);

/* Median of the pairwise distances of the pooled sample (the usual kernel
   bandwidth heuristic), on at most the first 1000 points of each.  */
double
fc_stats_median_distance (size_t dim, size_t n, const double *x, size_t m,
                          const double *y);

/* Permutation two-sample test on MMD^2 (median-heuristic bandwidth):
   STAT = MMD^2 of the observed split, PVALUE = (1 + #{perm >= stat}) /
   (1 + N_PERM), permutations drawn from stream (SEED, 0).  */
int
fc_stats_two_sample (size_t dim, size_t n, const double *x, size_t m,
                     const double *y, size_t n_perm, unsigned long seed,
                     double *stat, double *pvalue);

#ifdef __cplusplus
}
#endif
#endif /* FC_STATS_H */
