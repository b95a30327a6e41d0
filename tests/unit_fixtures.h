/* tests/unit_fixtures.h -- helpers that unit suites of src/ of several
 * families share: a prepared mixture from arrays of weights, means and
 * covariances, and the OpenMP team size of the thread-independence
 * tests.  */
#ifndef UNIT_FIXTURES_H
#define UNIT_FIXTURES_H

#include <stddef.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "fc_check.h"
#include "fc_gmm.h"

/* The prepared mixture in dimension D of the K components W[j],
   N(MU + j D, S + j D D) (row-major covariances).  */
static inline fc_gmm *
make_gmm (size_t d, size_t k, const double *w, const double *mu,
          const double *s)
{
  fc_gmm *g = fc_gmm_alloc (d, k);
  ck_assert_ptr_nonnull (g);
  for (size_t j = 0; j < k; j++)
    ck_assert_int_eq (fc_gmm_set_component (g, j, w[j], mu + j * d,
                                            s + j * d * d), GSL_SUCCESS);
  ck_assert_int_eq (fc_gmm_prepare (g), GSL_SUCCESS);
  return g;
}

/* Run the following parallel regions with K threads; returns the team
   size it replaces, for restoring it.  Without OpenMP there is one
   thread and nothing to set.  */
static inline int
set_threads (int k)
{
#ifdef _OPENMP
  int previous = omp_get_max_threads ();
  omp_set_num_threads (k);
  return previous;
#else
  (void) k;
  return 1;
#endif
}

#endif /* UNIT_FIXTURES_H */
