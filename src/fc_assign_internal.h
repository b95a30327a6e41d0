/* src/fc_assign_internal.h -- the parts of the assignment solver shared
 * between its files (not installed).  */
#ifndef FC_ASSIGN_INTERNAL_H
#define FC_ASSIGN_INTERNAL_H

#include <stddef.h>

/* Column prices P (n) near the optimal dual of min sum_i C[i, sigma(i)],
   C (n, n) row-major with a finite entries, and the assignment X (row ->
   column), Y (column -> row) that the auction ends with: every row within
   1e-6 of the cost range of its least C[i, j] + p_j (fc_assign_auction.c).
   STACK (n) is workspace.  */
void fc_assign_auction (size_t n, const double *c, double *p, long *x,
                        long *y, long *stack);

#endif /* FC_ASSIGN_INTERNAL_H */
