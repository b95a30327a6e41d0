/* src/fc_npy.h -- NumPy's .npy format for arrays of float64, read strictly
 * and written as NumPy writes them.
 *
 * The binary interface of `flowcheck eval` and `flowcheck sample` (issue
 * "Performance", goal 4): text I/O of %.17g numbers costs about twenty
 * times the evaluation it carries, .npy is a header and the raw doubles.
 *
 * Format (NumPy's "format.py", version 1.0): the 6 bytes "\x93NUMPY", the
 * version bytes 1 and 0, the header length HLEN as a little-endian
 * uint16, then HLEN bytes of ASCII: a Python dict literal
 *   {'descr': '<f8', 'fortran_order': False, 'shape': (N, D), }
 * padded with blanks and ended by '\n' so that 10 + HLEN is a multiple of
 * 64, then the N*D values, little-endian IEEE-754 doubles, row-major.
 *
 * Accepted on input, and nothing else (each refusal is one message naming
 * the file and what is wrong): version 1.0; descr '<f8' (what NumPy
 * writes for float64 on every little-endian machine; '>f8', '<f4' and the
 * rest are refused, to be converted with astype('<f8')); fortran_order
 * False (np.ascontiguousarray converts); shape (N, D) with D the expected width, or (N,)
 * when the expected width is 1; the keys in any order, Python's spacing or
 * none; exactly N*D values after the header (a short file is "truncated",
 * bytes beyond "trailing data"); every value finite.  */
#ifndef FC_NPY_H
#define FC_NPY_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The first byte of every .npy file: no text input starts with it, so a
   reader can tell the two formats apart by one byte.  */
#define FC_NPY_MAGIC0 0x93

/* 1 when the next byte of IN is FC_NPY_MAGIC0 (the byte is pushed back).  */
int
fc_npy_sniff (FILE *in);

/* Read a float64 array of width DIM (shape (N, DIM), or (N,) if DIM is 1)
   from IN, named NAME in messages.  On success *X (N, DIM) is malloc'ed
   (NULL when N = 0) and *N set.  On error returns GSL_EINVAL (GSL_ENOMEM
   when memory runs out; no handler call) and ERR holds "NAME: message".  */
int
fc_npy_read (FILE *in, const char *name, size_t dim, double **x, size_t *n,
             char *err, size_t errlen);

/* Write X (N, DIM) to OUT as a version 1.0 .npy file of shape (N, DIM), or
   (N,) when VECTOR is nonzero (DIM must then be 1).  GSL_EFAILED on a
   write error (errno set), GSL_EINVAL for VECTOR with DIM != 1.  */
int
fc_npy_write (FILE *out, const double *x, size_t n, size_t dim, int vector);

#ifdef __cplusplus
}
#endif
#endif /* FC_NPY_H */
