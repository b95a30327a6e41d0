/* derivations/doob_gauss.c -- stub, to be written. */
#include <config.h>
#include <gsl/gsl_errno.h>
#include "doob.h"

int
fc_doob_h1_gaussian (const fc_run_options *opt, fc_verdict *v,
                     fc_verdict_kind *kind, char *note)
{
  (void) opt; (void) v; (void) kind; (void) note;
  return GSL_EUNIMPL;
}

int
fc_doob_h2_check (const fc_run_options *opt, fc_verdict *v)
{
  (void) opt; (void) v;
  return GSL_EUNIMPL;
}

int
fc_doob_h3_check (const fc_run_options *opt, fc_verdict *v)
{
  (void) opt; (void) v;
  return GSL_EUNIMPL;
}

int
fc_doob_write_gauss_figures (const fc_run_options *opt)
{
  (void) opt;
  return GSL_EUNIMPL;
}

int
fc_doob_gauss_sweep (const fc_run_options *opt, const char *out_dir,
                     FILE *summary)
{
  (void) opt; (void) out_dir; (void) summary;
  return GSL_EUNIMPL;
}
