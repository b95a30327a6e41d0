/* src/fc_blas.c -- the CBLAS in use and its thread count (fc_blas.h).  */
#include <config.h>

#include "fc_blas.h"

#if HAVE_OPENBLAS_SET_NUM_THREADS
/* OpenBLAS's own entry point (cblas.h of OpenBLAS, not GSL's).  */
void openblas_set_num_threads (int num_threads);
#endif

const char *
fc_blas_name (void)
{
  return FC_CBLAS_NAME;
}

void
fc_blas_serial (void)
{
#if HAVE_OPENBLAS_SET_NUM_THREADS
  openblas_set_num_threads (1);
#endif
}

/* At load time, before any parallel region: every program linked with the
   library (Makefile.am keeps this object linked in with -u) gets a
   single-threaded BLAS.  */
__attribute__ ((constructor)) static void
fc_blas_serial_at_load (void)
{
  fc_blas_serial ();
}
