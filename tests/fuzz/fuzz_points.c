/* tests/fuzz/fuzz_points.c -- libFuzzer harness of the points reader of
 * eval (fc_io_read_points_lines, text points on standard input or
 * --points): the first byte chooses the dimension (1 to 16), the rest is
 * the input.  What parses is written as eval writes numbers and must read
 * back to the bit (fc_fuzz_points).  */
#include <config.h>

#include <gsl/gsl_errno.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t n);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t n)
{
  double *x;
  size_t np, dim = fc_fuzz_width (&data, &n, 16);
  gsl_set_error_handler_off ();
  fc_fuzz_points (data, n, dim, &x, &np);
  free (x);
  return 0;
}
