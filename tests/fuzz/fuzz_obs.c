/* tests/fuzz/fuzz_obs.c -- libFuzzer harness of the observation parser
 * (fc_obs_read_stream): the first byte chooses the data dimension (1 to
 * 8), the rest is the file.  What parses is written back (fc_obs_write),
 * parsed again and must be the same to the bit; what does not parse is
 * refused with a printable message.  */
#include <config.h>

#include <gsl/gsl_errno.h>

#include "fc_obs.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t n);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t n)
{
  char err[1024], *copy, *text = NULL;
  size_t len = 0, dim = fc_fuzz_width (&data, &n, 8);
  gsl_set_error_handler_off ();
  FILE *in = fc_fuzz_stream (data, n, &copy);
  if (in == NULL)
    return 0;
  fc_obs *o = fc_obs_read_stream (in, "fuzz.obs", dim, err, sizeof err);
  fclose (in);
  free (copy);
  if (o == NULL)
    {
      fc_fuzz_check_message ("obs", err);
      return 0;
    }
  FILE *out = open_memstream (&text, &len);
  if (out == NULL || fc_obs_write (out, o) != GSL_SUCCESS)
    FC_FUZZ_FAIL ("obs: cannot write the observation");
  fclose (out);
  in = fmemopen (text, len, "r");
  fc_obs *p = in ? fc_obs_read_stream (in, "rewritten", dim, err, sizeof err)
                 : NULL;
  if (in != NULL)
    fclose (in);
  if (p == NULL)
    FC_FUZZ_FAIL ("a written observation does not read back: %s", err);
  if (p->m != o->m || p->dim != o->dim)
    FC_FUZZ_FAIL ("obs: the shape changed");
  fc_fuzz_same ("obs sigma", &o->sigma_y, &p->sigma_y, 1);
  fc_fuzz_same ("obs y", o->y, p->y, o->m);
  fc_fuzz_same ("obs A", o->a, p->a, o->m * o->dim);
  fc_obs_free (p);
  fc_obs_free (o);
  free (text);
  return 0;
}
