/* derivations/doob_well.c -- stub, to be written. */
#include <config.h>
#include <gsl/gsl_errno.h>
#include "doob.h"

int
fc_doob_h1_double_well (const fc_run_options *opt, int drop_h, fc_verdict *v,
                        fc_verdict_kind *kind, char *note)
{
  (void) opt; (void) drop_h; (void) v; (void) kind; (void) note;
  return GSL_EUNIMPL;
}

int
fc_doob_write_well_figures (const fc_run_options *opt)
{
  (void) opt;
  return GSL_EUNIMPL;
}

int
fc_doob_well_sweep (const fc_run_options *opt, const char *out_dir,
                    FILE *summary)
{
  (void) opt; (void) out_dir; (void) summary;
  return GSL_EUNIMPL;
}
