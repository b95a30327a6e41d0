/* derivations/fc_module.h -- what a derivation module is.
 *
 * A module checks one group of claims of DERIVATIONS.md (continuity, score,
 * guidance, doob, manifold, barycentric, training).  It is one file,
 * derivations/NAME.c, defining
 *
 *     const fc_module fc_module_NAME = { ... };
 *
 * and one line in derivations/registry.am.  The registry (registry.c) is
 * generated from that list at build time; nothing else needs to change.
 *
 * The claim table is the catalog in code: identifier, source section,
 * statement and the expected verdict.  The check functions measure and
 * decide a verdict from the measurements only; they never read `expected`.
 * `flowcheck run` and the tests compare the two.  */
#ifndef FC_MODULE_H
#define FC_MODULE_H

#include <stdio.h>
#include "fc_io.h"
#include "fc_verdict.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct
{
  unsigned long seed; /* every random draw derives from it (fc_rng.h) */
  const char *out_dir; /* write figure data there when not NULL */
  int quick;           /* 1: the smaller sizes used by the tests and valgrind */
  FILE *progress;      /* progress lines for long runs; NULL for silence */
} fc_run_options;

typedef struct
{
  const char *id;        /* "C1" */
  const char *section;   /* source section: "L 'Probability flow in a simple setting'" */
  const char *statement; /* the claim in one line */
  fc_verdict_kind expected; /* the catalog's expectation (DERIVATIONS.md) */
  /* Measure the claim into RESULT (initialised by the caller with id and
     module).  Returns a GSL status; non-zero means the measurement itself
     failed (result->verdict stays FC_VERDICT_NONE).  */
  int (*check) (const fc_run_options *opt, fc_verdict *result);
} fc_claim;

typedef struct
{
  const char *name;  /* "continuity" */
  const char *title; /* one line */
  const fc_claim *claims;
  size_t n_claims;
  /* Write the data of this module's figures into opt->out_dir (which
     exists); NULL when the module has no figures.  */
  int (*write_figure_data) (const fc_run_options *opt);
} fc_module;

/* The registry: NULL-terminated, in catalog order (generated registry.c). */
extern const fc_module *const fc_modules[];

/* The module named NAME, or NULL. */
const fc_module *
fc_module_find (const char *name);

/* The claim with identifier ID (case-sensitive) and its module, or NULL. */
const fc_claim *
fc_claim_find (const char *id, const fc_module **module);

/* Run CLAIM of MODULE into RESULT (fc_verdict_init, then check). */
int
fc_claim_run (const fc_module *module, const fc_claim *claim,
              const fc_run_options *opt, fc_verdict *result);

/* Helpers every module uses.  */

/* A progress line: FMT and its arguments, a newline, flushed, on
   opt->progress; nothing when that is NULL.  Modules begin the line with
   their name ("continuity: C1 ...").  */
void
fc_module_progress (const fc_run_options *opt, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));

/* The seed of the sub-stream TAG of opt->seed (fc_rng_stream_seed): one tag
   per study of a claim, so that no two studies share draws and each study's
   draws do not depend on which other claims run.  */
unsigned long
fc_module_seed (const fc_run_options *opt, unsigned long tag);

/* Open the figure data file NAME in opt->out_dir for module MODULE (its
   name), with the '#' header naming the command that writes it and the
   COLUMNS; NULL (through GSL_ERROR_NULL) on failure.  */
fc_datafile *
fc_module_datafile (const fc_run_options *opt, const char *module,
                    const char *name, const char *columns);

/* Name PROGRAM (a static string, e.g. "experiments/doob-bridge") as the
   writer in the headers of every later fc_module_datafile, in place of
   "flowcheck run MODULE"; NULL restores the default.  Call it once at the
   start of an experiment program, before any module runs.  */
void
fc_module_set_program (const char *program);

/* Commit F (fc_datafile_commit), reporting failure through GSL_ERROR.  */
int
fc_module_commit (fc_datafile *f);

#ifdef __cplusplus
}
#endif
#endif /* FC_MODULE_H */
