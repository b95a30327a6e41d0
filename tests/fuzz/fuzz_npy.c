/* tests/fuzz/fuzz_npy.c -- libFuzzer harness of the .npy reader
 * (fc_npy_read): the first byte chooses the expected width (1 to 8), the
 * rest is the file.  What parses is written back (fc_npy_write, shape
 * (N, D); and (N,) when D is 1), read again and must be the same array to
 * the bit; what does not parse is refused with a printable message.  */
#include <config.h>

#include <gsl/gsl_errno.h>

#include "fc_npy.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t n);

/* X (n, D) written as .npy (a vector when VECTOR) and read back equal.  */
static void
fuzz_npy_round_trip (const double *x, size_t n, size_t d, int vector)
{
  char err[1024], *text = NULL;
  size_t len = 0, n2 = 0;
  double *y = NULL;
  FILE *out = open_memstream (&text, &len);
  if (out == NULL || fc_npy_write (out, x, n, d, vector) != GSL_SUCCESS)
    FC_FUZZ_FAIL ("npy: cannot write the array");
  fclose (out);
  FILE *in = fmemopen (text, len, "r");
  if (in == NULL || fc_npy_read (in, "rewritten", d, &y, &n2, err,
                                 sizeof err) != GSL_SUCCESS)
    FC_FUZZ_FAIL ("a written .npy does not read back: %s", err);
  fclose (in);
  if (n2 != n)
    FC_FUZZ_FAIL ("npy: %zu rows read back of %zu", n2, n);
  fc_fuzz_same ("npy values", x, y, n * d);
  free (y);
  free (text);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t n)
{
  char err[1024], *copy;
  double *x = NULL;
  size_t rows = 0, dim = fc_fuzz_width (&data, &n, 8);
  gsl_set_error_handler_off ();
  FILE *in = fc_fuzz_stream (data, n, &copy);
  if (in == NULL)
    return 0;
  int status = fc_npy_read (in, "fuzz.npy", dim, &x, &rows, err, sizeof err);
  fclose (in);
  free (copy);
  if (status != GSL_SUCCESS)
    {
      fc_fuzz_check_message ("npy", err);
      return 0;
    }
  fuzz_npy_round_trip (x, rows, dim, 0);
  if (dim == 1)
    fuzz_npy_round_trip (x, rows, dim, 1);
  free (x);
  return 0;
}
