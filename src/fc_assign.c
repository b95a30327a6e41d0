/* src/fc_assign.c -- the exact assignment problem (fc_assign.h).
 * API stub: the solver follows.  */
#include <config.h>

#include <gsl/gsl_errno.h>

#include "fc_assign.h"

int
fc_assign_solve (size_t n, const double *cost, size_t *perm, double *total,
                 double *u, double *v)
{
  (void) n; (void) cost; (void) perm; (void) total; (void) u; (void) v;
  GSL_ERROR ("not implemented yet", GSL_EUNIMPL);
}

int
fc_assign_sqeuclid (size_t n, size_t d, const double *x, const double *y,
                    size_t *perm, double *total)
{
  (void) n; (void) d; (void) x; (void) y; (void) perm; (void) total;
  GSL_ERROR ("not implemented yet", GSL_EUNIMPL);
}

int
fc_assign_w2sq (size_t n, size_t d, const double *x, const double *y,
                double *w2sq)
{
  (void) n; (void) d; (void) x; (void) y; (void) w2sq;
  GSL_ERROR ("not implemented yet", GSL_EUNIMPL);
}
