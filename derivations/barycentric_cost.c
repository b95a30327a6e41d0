/* derivations/barycentric_cost.c -- stub, to be written. */
#include <config.h>
#include <gsl/gsl_errno.h>
#include "barycentric.h"

int
fc_barycentric_b6_check (const fc_run_options *opt, fc_verdict *v)
{
  (void) opt; (void) v;
  return GSL_EUNIMPL;
}

int
fc_barycentric_b7_check (const fc_run_options *opt, fc_verdict *v)
{
  (void) opt; (void) v;
  return GSL_EUNIMPL;
}

int
fc_barycentric_b8_check (const fc_run_options *opt, fc_verdict *v)
{
  (void) opt; (void) v;
  return GSL_EUNIMPL;
}

int
fc_barycentric_write_cost_figures (const fc_run_options *opt)
{
  (void) opt;
  return GSL_EUNIMPL;
}

int
fc_barycentric_cost_study (const fc_run_options *opt, const char *out_dir,
                           FILE *summary)
{
  (void) opt; (void) out_dir; (void) summary;
  return GSL_EUNIMPL;
}
