/* derivations/module.c -- lookups in the module registry, and the helpers
   every module uses.  */
#include <config.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include "fc_module.h"
#include "fc_rng.h"

const fc_module *
fc_module_find (const char *name)
{
  for (const fc_module *const *m = fc_modules; *m != NULL; m++)
    if (strcmp ((*m)->name, name) == 0)
      return *m;
  return NULL;
}

const fc_claim *
fc_claim_find (const char *id, const fc_module **module)
{
  for (const fc_module *const *m = fc_modules; *m != NULL; m++)
    for (size_t i = 0; i < (*m)->n_claims; i++)
      if (strcmp ((*m)->claims[i].id, id) == 0)
        {
          if (module != NULL)
            *module = *m;
          return &(*m)->claims[i];
        }
  return NULL;
}

int
fc_claim_run (const fc_module *module, const fc_claim *claim,
              const fc_run_options *opt, fc_verdict *result)
{
  fc_verdict_init (result, claim->id, module->name);
  return claim->check (opt, result);
}

void
fc_module_progress (const fc_run_options *opt, const char *fmt, ...)
{
  if (opt->progress == NULL)
    return;
  va_list ap;
  va_start (ap, fmt);
  vfprintf (opt->progress, fmt, ap);
  va_end (ap);
  fputc ('\n', opt->progress);
  fflush (opt->progress);
}

unsigned long
fc_module_seed (const fc_run_options *opt, unsigned long tag)
{
  return fc_rng_stream_seed (opt->seed, tag);
}

/* The program named in data-file headers when it is not `flowcheck run`
   (set once, before any module runs, by an experiment program).  */
static const char *fc_module_program = NULL;

void
fc_module_set_program (const char *program)
{
  fc_module_program = program;
}

fc_datafile *
fc_module_datafile (const fc_run_options *opt, const char *module,
                    const char *name, const char *columns)
{
  char path[4096], cmd[512];
  if (fc_io_path (path, sizeof path, opt->out_dir, name) != GSL_SUCCESS)
    return NULL;
  if (fc_module_program != NULL)
    snprintf (cmd, sizeof cmd, "%s --seed %lu --out %s%s", fc_module_program,
              opt->seed, opt->out_dir, opt->quick ? " --quick" : "");
  else
    snprintf (cmd, sizeof cmd, "flowcheck run %s --seed %lu --out %s%s",
              module, opt->seed, opt->out_dir,
              opt->quick ? " (quick sizes)" : "");
  fc_datafile *f = fc_datafile_open (path, cmd, columns);
  if (f == NULL)
    GSL_ERROR_NULL ("cannot open a figure data file", GSL_EFAILED);
  return f;
}

int
fc_module_commit (fc_datafile *f)
{
  if (fc_datafile_commit (f) != GSL_SUCCESS)
    GSL_ERROR ("cannot write a figure data file", GSL_EFAILED);
  return GSL_SUCCESS;
}
