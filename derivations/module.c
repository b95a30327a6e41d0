/* derivations/module.c -- lookups in the module registry, running claims,
   controls and figure records, and the helpers every module uses
   (fc_module.h).  */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "fc_module.h"
#include "fc_rng.h"
#include "fc_spec.h"

size_t
fc_module_count (void)
{
  size_t n = 0;
  while (fc_modules[n] != NULL)
    n++;
  return n;
}

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

const fc_control *
fc_control_find (const fc_claim *claim, const char *name)
{
  for (size_t i = 0; i < claim->n_controls; i++)
    if (strcmp (claim->controls[i].name, name) == 0)
      return &claim->controls[i];
  return NULL;
}

/* The check of CLAIM with the run fields of OPT set.  */
static int
fc_module_check (const fc_module *module, const fc_claim *claim,
                 const fc_control *control, void *figures,
                 const fc_run_options *opt, fc_verdict *result)
{
  fc_run_options o = *opt;
  o.module = module;
  o.claim = claim;
  o.control = control;
  o.figures = figures;
  fc_verdict_init (result, claim->id, module->name);
  int status = claim->check (&o, result);
  /* The verdict is the framework's, from the deciding figures alone; a
     check only measures and says which figures decide.  */
  result->verdict
      = status == GSL_SUCCESS ? fc_verdict_rule (result) : FC_VERDICT_NONE;
  return status;
}

int
fc_claim_run (const fc_module *module, const fc_claim *claim,
              const fc_run_options *opt, fc_verdict *result)
{
  return fc_module_check (module, claim, NULL, opt->figures, opt, result);
}

int
fc_control_run (const fc_module *module, const fc_claim *claim,
                const fc_control *control, const fc_run_options *opt,
                fc_verdict *result)
{
  /* Only a control of CLAIM's own table: a check then never sees a
     variant it does not know.  (Equality, not an address range: pointers
     into different objects may not be ordered.)  */
  size_t k = 0;
  while (k < claim->n_controls && &claim->controls[k] != control)
    k++;
  if (k == claim->n_controls)
    {
      fc_verdict_init (result, claim->id, module->name);
      GSL_ERROR ("not a control of this claim", GSL_EINVAL);
    }
  return fc_module_check (module, claim, control, NULL, opt, result);
}

/* ------------------------------------------------------ figure records */

void *
fc_module_figures_alloc (const fc_module *module)
{
  if (module->write_figures == NULL || module->figures_size == 0)
    return NULL;
  void *record = calloc (1, module->figures_size);
  if (record == NULL)
    GSL_ERROR_NULL ("no memory for a figure record", GSL_ENOMEM);
  return record;
}

int
fc_module_figures_write (const fc_module *module, const fc_run_options *opt,
                         const void *record)
{
  if (opt->out_dir == NULL || record == NULL || module->write_figures == NULL)
    GSL_ERROR ("no output directory, record or figure writer", GSL_EINVAL);
  fc_run_options o = *opt;
  o.module = module;
  o.claim = NULL;
  o.control = NULL;
  o.figures = NULL;
  return module->write_figures (&o, record);
}

void
fc_module_figures_free (const fc_module *module, void *record)
{
  if (record == NULL)
    return;
  if (module->free_figures != NULL)
    module->free_figures (record);
  free (record);
}

/* ------------------------------------------------------------ helpers */

void
fc_module_progress (const fc_run_options *opt, const char *fmt, ...)
{
  if (opt->progress == NULL)
    return;
  if (opt->module != NULL && opt->claim != NULL && opt->control != NULL)
    fprintf (opt->progress, "[%s %s control %s] ", opt->module->name,
             opt->claim->id, opt->control->name);
  else if (opt->module != NULL && opt->claim != NULL)
    fprintf (opt->progress, "[%s %s] ", opt->module->name, opt->claim->id);
  else if (opt->module != NULL)
    fprintf (opt->progress, "[%s] ", opt->module->name);
  va_list ap;
  va_start (ap, fmt);
  vfprintf (opt->progress, fmt, ap);
  va_end (ap);
  fputc ('\n', opt->progress);
  fflush (opt->progress);
}

void
fc_module_record_study (const fc_run_options *opt, fc_verdict *v,
                        const fc_order_study *st)
{
  fc_module_record_study_as (opt, v, st, FC_TEST_HOLDS);
}

void
fc_module_record_study_as (const fc_run_options *opt, fc_verdict *v,
                           const fc_order_study *st, fc_metric_test test)
{
  char line[256];
  fc_order_study_record_as (v, st, test);
  fc_order_study_describe (st, line, sizeof line);
  fc_module_progress (opt, "%s", line);
}

unsigned long
fc_module_seed (const fc_run_options *opt, unsigned long tag)
{
  return fc_rng_stream_seed (opt->seed, tag);
}

fc_gmm *
fc_module_builtin (const char *name)
{
  fc_gmm *g = fc_spec_builtin (name);
  if (g == NULL)
    GSL_ERROR_NULL ("built-in data set missing", GSL_EFAILED);
  return g;
}

/* The program named in data-file headers when it is not `flowcheck run`
   (set once, before any module runs, by an experiment program).  */
static const char *fc_module_program = NULL;

void
fc_module_set_program (const char *program)
{
  fc_module_program = program;
}

/* The --out directory named in data-file headers when it is not
   opt->out_dir: a cell of a sharded run writes in its own directory the
   files the merge copies into --out (fc_cells.h).  */
static const char *fc_module_out_name = NULL;

void
fc_module_set_out_name (const char *dir)
{
  fc_module_out_name = dir;
}

fc_datafile *
fc_module_datafile (const fc_run_options *opt, const char *name,
                    const char *columns)
{
  const char *out_name = fc_module_out_name ? fc_module_out_name
                                            : opt->out_dir;
  char path[4096], cmd[512];
  if (opt->out_dir == NULL)
    GSL_ERROR_NULL ("no output directory", GSL_EINVAL);
  if (fc_io_path (path, sizeof path, opt->out_dir, name) != GSL_SUCCESS)
    return NULL;
  if (fc_module_program != NULL)
    snprintf (cmd, sizeof cmd, "%s --seed %lu --out %s%s", fc_module_program,
              opt->seed, out_name, opt->quick ? " --quick" : "");
  else
    snprintf (cmd, sizeof cmd, "flowcheck run %s --seed %lu --out %s%s",
              opt->module != NULL ? opt->module->name : "", opt->seed,
              out_name, opt->quick ? " (quick sizes)" : "");
  fc_datafile *f = fc_datafile_open (path, cmd, columns);
  if (f == NULL)
    GSL_ERROR_NULL ("cannot open a figure data file", GSL_EFAILED);
  return f;
}

int
fc_module_commit (fc_datafile *f, int status)
{
  if (f == NULL)
    return status != GSL_SUCCESS ? status : GSL_EFAILED;
  if (status != GSL_SUCCESS)
    {
      fc_datafile_abort (f);
      return status;
    }
  if (fc_datafile_commit (f) != GSL_SUCCESS)
    GSL_ERROR ("cannot write a figure data file", GSL_EFAILED);
  return GSL_SUCCESS;
}

int
fc_module_write_datafiles (const fc_run_options *opt,
                           const fc_figure_datafile *files, size_t n,
                           const void *record)
{
  int status = GSL_SUCCESS;
  for (size_t i = 0; i < n && status == GSL_SUCCESS; i++)
    {
      fc_datafile *f = fc_module_datafile (opt, files[i].name,
                                           files[i].columns);
      if (f != NULL)
        files[i].rows (fc_datafile_stream (f), record);
      status = fc_module_commit (f, GSL_SUCCESS);
    }
  return status;
}
