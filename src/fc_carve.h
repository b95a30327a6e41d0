/* src/fc_carve.h -- several double arrays carved out of one allocation:
 * the per-call plans and per-thread scratch of the chunked kernels
 * (fc_path.c, fc_guide_plan.c, fc_guide_kernel.c) take one malloc and one
 * free, and a failed allocation leaves nothing to unwind.  Internal, not
 * installed.  */
#ifndef FC_CARVE_H
#define FC_CARVE_H

#include <stddef.h>
#include <stdlib.h>

/* Point *SLOT[i] at LEN[i] consecutive doubles of one new allocation, for
   i < N (an array of length 0 gets a pointer that is never read); returns
   the allocation, which frees them all, or NULL (every slot left alone)
   when out of memory.  */
static inline double *
fc_carve (size_t n, double **const slot[], const size_t len[])
{
  size_t total = 0;
  for (size_t i = 0; i < n; i++)
    total += len[i];
  double *block = malloc ((total > 0 ? total : 1) * sizeof (double));
  double *p = block;
  for (size_t i = 0; block != NULL && i < n; i++)
    {
      *slot[i] = p;
      p += len[i];
    }
  return block;
}

/* fc_carve of the arrays SLOT and LEN, their length counted.  */
#define FC_CARVE(slot, len)                                                   \
  (fc_carve (sizeof (len) / sizeof ((len)[0]), (slot), (len)))

#endif /* FC_CARVE_H */
