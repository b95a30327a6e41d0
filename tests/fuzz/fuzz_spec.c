/* tests/fuzz/fuzz_spec.c -- libFuzzer harness of the mixture spec parser
 * (fc_spec_read_stream): what parses is written back (fc_spec_write),
 * parsed again, and must be the same mixture to the bit; what does not
 * parse is refused with a printable message.  */
#include <config.h>

#include <gsl/gsl_errno.h>

#include "fc_spec.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t n);

/* The mixture of the spec text TEXT (LEN bytes), read back; aborts if it
   does not parse.  */
static fc_gmm *
fuzz_spec_reread (char *text, size_t len)
{
  char err[1024];
  FILE *in = fmemopen (text, len, "r");
  if (in == NULL)
    return NULL;
  fc_gmm *g = fc_spec_read_stream (in, "rewritten", err, sizeof err);
  fclose (in);
  if (g == NULL)
    FC_FUZZ_FAIL ("a written spec does not read back: %s", err);
  return g;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t n)
{
  char err[1024], *copy, *text = NULL;
  size_t len = 0;
  gsl_set_error_handler_off ();
  FILE *in = fc_fuzz_stream (data, n, &copy);
  if (in == NULL)
    return 0;
  fc_gmm *g = fc_spec_read_stream (in, "fuzz.spec", err, sizeof err);
  fclose (in);
  free (copy);
  if (g == NULL)
    {
      fc_fuzz_check_message ("spec", err);
      return 0;
    }
  FILE *out = open_memstream (&text, &len);
  if (out == NULL || fc_spec_write (out, g) != GSL_SUCCESS)
    FC_FUZZ_FAIL ("spec: cannot write the mixture");
  fclose (out);
  fc_gmm *h = fuzz_spec_reread (text, len);
  if (h != NULL)
    {
      size_t d = g->dim, k = g->n_comp;
      if (h->dim != d || h->n_comp != k)
        FC_FUZZ_FAIL ("spec: dim or component count changed");
      fc_fuzz_same ("spec weights", g->weight, h->weight, k);
      fc_fuzz_same ("spec means", g->mean, h->mean, k * d);
      fc_fuzz_same ("spec covariances", g->cov, h->cov, k * d * d);
      fc_gmm_free (h);
    }
  free (text);
  fc_gmm_free (g);
  return 0;
}
