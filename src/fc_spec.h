/* src/fc_spec.h -- the mixture spec file and the built-in data sets.
 *
 * Spec file (ARCHITECTURE.md "Contracts"):
 *
 *   # comment (anywhere after '#')
 *   dim D
 *   component WEIGHT
 *   mean m1 ... mD
 *   var v              (isotropic)      one of these three
 *   diag v1 ... vD     (diagonal)       after each mean
 *   cov c11 ... cDD    (row-major)
 *   component WEIGHT
 *   ...
 *
 * Parsing is strict: every error is reported as "FILE:LINE: message" (unknown
 * keyword, wrong count of numbers, trailing garbage, non-finite number,
 * weight <= 0, a second 'dim', a component without mean or covariance,
 * asymmetric or not positive-definite covariance, a variance below DBL_MIN
 * (subnormal: its inverse overflows), no component at all).
 *
 * Built-in data sets (all 2-D, documented in the README):
 *   8gaussians    8 isotropic components on a circle
 *   moons         two half-moons, 8 full-covariance components each
 *   checkerboard  8 squares of a 4x4 board, 4 components per square
 *   grid25        25 isotropic components on a 5x5 grid  */
#ifndef FC_SPEC_H
#define FC_SPEC_H

#include <stdio.h>
#include "fc_gmm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Parse the spec in IN, named NAME in messages.  On error: NULL, and ERR
   (size ERRLEN) holds "NAME:LINE: message".  The result is prepared.  */
fc_gmm *
fc_spec_read_stream (FILE *in, const char *name, char *err, size_t errlen);

/* Same, from the file PATH ("PATH: cannot open: reason" when unreadable). */
fc_gmm *
fc_spec_read_file (const char *path, char *err, size_t errlen);

/* A built-in data set by NAME, prepared; NULL when NAME is not built in. */
fc_gmm *
fc_spec_builtin (const char *name);

/* NULL-terminated list of the built-in names. */
const char *const *
fc_spec_builtin_names (void);

/* A built-in NAME if there is one, else the spec file at that path. */
fc_gmm *
fc_spec_load (const char *name_or_path, char *err, size_t errlen);

/* Write G as a spec file ("cov" rows, %.17g) that fc_spec_read_stream reads
   back to the same mixture.  */
int
fc_spec_write (FILE *out, const fc_gmm *g);

#ifdef __cplusplus
}
#endif
#endif /* FC_SPEC_H */
