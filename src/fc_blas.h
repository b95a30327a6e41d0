/* src/fc_blas.h -- which CBLAS the library was linked with, and keeping it
 * single-threaded.  Internal, not installed.
 *
 * configure links OpenBLAS as the CBLAS when it finds it (faster GEMM than
 * GSL's reference gslcblas by an order of magnitude), gslcblas otherwise
 * (--with-cblas=gsl forces it).  flowcheck's parallelism is OpenMP over
 * fixed chunks of points; Debian's default OpenBLAS (libopenblas0-pthread)
 * starts a pthread pool of its own, sized by OMP_NUM_THREADS, which would
 * nest inside our parallel regions (oversubscribing the cores, spinning)
 * and split its own reductions by its thread count.  So OpenBLAS runs
 * single-threaded: openblas_set_num_threads (1) when the library is
 * loaded, and again when a network is created.  Linking the serial variant
 * (libopenblas0-serial) would do the same at link time, but it is not what
 * libopenblas-dev installs by default, and the call keeps any variant
 * safe.  */
#ifndef FC_BLAS_H
#define FC_BLAS_H

/* "OpenBLAS" or "gslcblas": the CBLAS configure linked.  */
const char *
fc_blas_name (void);

/* Make the CBLAS run on the calling thread only (no effect on gslcblas,
   which has no threads).  Idempotent; call it outside parallel regions.  */
void
fc_blas_serial (void);

#endif /* FC_BLAS_H */
