/* src/fc_assign.h -- the exact linear assignment problem (issue 13):
 *     min over permutations sigma of  sum_i C[i, sigma(i)],
 * for minibatch OT couplings (otcfm) and for the exact W2 between two
 * equal-size samples (the empirical W2 of train-cfm and claim T2).
 *
 * Solver: Jonker and Volgenant (Computing 38, 1987), the dense shortest
 * augmenting path form (one Dijkstra-like search per row with dual
 * potentials, O(n^3) worst case), started from n = 16 on by the prices of
 * an epsilon-scaled auction (fc_assign_auction.c), written here because
 * neither GSL nor a Debian C library fits (see fc_assign.c).  It is
 * exact: the result is an optimal permutation, certified by the dual
 * potentials u, v it returns,
 *     u_i + v_j <= C[i, j]  for all i, j,
 *     u_i + v_sigma(i) = C[i, sigma(i)],
 * up to the round-off of the additions that built them (so the primal
 * cost equals the dual sum_i u_i + sum_j v_j: no permutation costs less).
 * Ties between optimal permutations are broken deterministically (the
 * result depends only on C).  Single-threaded.  */
#ifndef FC_ASSIGN_H
#define FC_ASSIGN_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The optimal assignment of the cost matrix COST (n, n), row-major, all
   entries finite: PERM[i] (n) is the column of row i, *TOTAL (may be NULL)
   the optimal cost sum_i COST[i, PERM[i]] (summed in row order).  When U
   (n) and V (n) are not NULL, the dual potentials of the certificate
   above.  N = 0 gives an empty assignment of cost 0.  GSL_EDOM for a
   non-finite cost, GSL_ENOMEM.  */
int
fc_assign_solve (size_t n, const double *cost, size_t *perm, double *total,
                 double *u, double *v);

/* The optimal assignment of the point sets X (n, D) and Y (n, D),
   row-major, under the squared Euclidean cost |x_i - y_j|^2: PERM[i] is
   the point of Y matched to x_i, *TOTAL (may be NULL) the optimal total
   cost.  Builds the n x n cost matrix (8 n^2 bytes).  */
int
fc_assign_sqeuclid (size_t n, size_t d, const double *x, const double *y,
                    size_t *perm, double *total);

/* The exact W2^2 between the empirical measures (1/n) sum delta_{x_i} and
   (1/n) sum delta_{y_j} of two equal-size samples X, Y (n, D): the
   optimal total squared Euclidean cost over n (for equal weights an
   optimal plan is a permutation, Birkhoff).  GSL_EINVAL for n = 0.  */
int
fc_assign_w2sq (size_t n, size_t d, const double *x, const double *y,
                double *w2sq);

#ifdef __cplusplus
}
#endif
#endif /* FC_ASSIGN_H */
