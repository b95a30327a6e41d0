/* src/fc_sort.h -- an exact ascending sort of doubles, for the sliced W2
 * projections (fc_stats.c), where sorting is the cost.  Internal: not
 * installed.  */
#ifndef FC_SORT_H
#define FC_SORT_H

#include <stddef.h>
#include <stdint.h>

/* Sort X (n) ascending, with KEY and TMP (n each) as scratch.  The values
   are those of any comparison sort (gsl_sort), but that -0 is put before
   +0; X must hold no NaN.  */
void fc_sort_doubles (size_t n, double *x, uint64_t *key, uint64_t *tmp);

#endif /* FC_SORT_H */
