/* derivations/fc_module.h -- what a derivation module is.
 *
 * A module checks one group of claims of the catalog (CATALOG.md:
 * continuity, score, guidance, doob, manifold, barycentric, training).  It
 * is a folder, derivations/NAME/:
 *
 *   NAME.c           the claim table (with each claim's controls) and the
 *                    figure list: `const fc_module fc_module_NAME`
 *   PART.c ...       one file per claim or claim group: the checks
 *   figures.c        the figure writer: renders what the checks measured
 *   NAME_internal.h  what the parts share, private to the folder
 *   module.am        its sources (and its tests) for Makefile.am
 *
 * and one `include` line in derivations/registry.am.  The registry
 * (registry.c) is generated at build time from the module names.
 *
 * A check measures its claim and says which figures decide and whether
 * each passes its criterion; the verdict follows from the deciding figures
 * by one rule for every claim (fc_verdict_rule).  A check never reads
 * `expected`; `flowcheck run` and the tests compare the two.  A deciding
 * figure must be able to fail: for each, some control of its claim flips
 * it (tests/check_controls).
 *
 * Controls.  A check that cannot fail proves nothing.  Every claim carries
 * controls: the same check run with one stated change that must flip its
 * outcome (a CONFIRMED identity broken by a small stated amount must not
 * be confirmed; a REFUTED statement's corrected form must be confirmed; an
 * APPROXIMATE claim made exact, or broken).  A control names the change and
 * the verdict the check must give; the check reads which change to apply
 * from opt->control (fc_control_variant).  `flowcheck run --controls` and
 * tests/check_controls run them all.
 *
 * Figures.  A check measures once; the figure writer renders what it
 * measured.  When the figures are wanted (flowcheck run --out DIR on whole
 * modules), the caller allocates the module's figure record, a struct
 * private to the module of figures_size bytes, zeroed, and passes it in
 * opt->figures to every check; each check stores there the data its
 * figures need.  After the last claim, write_figures renders the record
 * into opt->out_dir, and free_figures releases what the checks stored.  A
 * check given opt->figures == NULL stores nothing.  */
#ifndef FC_MODULE_H
#define FC_MODULE_H

#include <stdio.h>
#include "fc_gmm.h"
#include "fc_io.h"
#include "fc_study.h"
#include "fc_verdict.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fc_module fc_module;
typedef struct fc_claim fc_claim;
typedef struct fc_control fc_control;

typedef struct
{
  unsigned long seed;  /* every random draw derives from it (fc_rng.h) */
  const char *out_dir; /* where figure (or experiment) data goes; NULL: none */
  int quick;           /* 1: the smaller sizes used by the tests and valgrind */
  FILE *progress;      /* progress lines for long runs; NULL for silence */
  /* Set by fc_claim_run, fc_control_run and fc_module_figures_write for the
     call they make; callers leave them zero.  */
  const fc_module *module;   /* the module being run */
  const fc_claim *claim;     /* the claim being checked */
  const fc_control *control; /* the control being run; NULL: the claim */
  void *figures;             /* the module's figure record to fill, or NULL */
} fc_run_options;

/* A check: measure a claim (or, when opt->control is set, the control)
   into RESULT (initialised by the caller with id and module): its deciding
   figures (fc_verdict_decide) and its reported ones (fc_verdict_report).
   The check does not set result->verdict: fc_claim_run and fc_control_run
   set it from the deciding figures by fc_verdict_rule.  Returns a GSL
   status; non-zero means the measurement itself failed (the verdict is
   then FC_VERDICT_NONE).  Modules declare their checks
   with it: `fc_check_fn ct_check_c1, ct_check_c2;`.  */
typedef int fc_check_fn (const fc_run_options *opt, fc_verdict *result);

/* A control of a claim: its own check, run with one stated change.  */
struct fc_control
{
  const char *name;          /* one word, unique within its claim */
  const char *changes;       /* what the control changes, in one line */
  fc_verdict_kind expected;  /* the verdict the claim's check must give it;
                                NONE when the change breaks what a VALID
                                figure stands on (the check cannot decide) */
  int variant;               /* the module's code for the change (> 0) */
};

struct fc_claim
{
  const char *id;        /* "C1" */
  const char *section;   /* source section: "L 'Probability flow in a simple setting'" */
  const char *statement; /* the claim in one line */
  fc_verdict_kind expected; /* the catalog's expectation */
  fc_check_fn *check;    /* measures the claim, or one of its controls */
  const fc_control *controls; /* at least one */
  size_t n_controls;
};

/* The element count of a static array TABLE.  */
#define FC_COUNT(table) (sizeof (table) / sizeof (table)[0])

/* The controls field pair of a claim from a static array TABLE. */
#define FC_CONTROLS(table) (table), FC_COUNT (table)

/* A figure of the write-up drawn from a module's data.  */
#define FC_FIGURE_MAX_DATA 3
typedef struct
{
  const char *name;   /* plots/NAME.gp draws figures/NAME.png and .pdf */
  const char *claims; /* the claims whose measurements it shows: "C1 C2 C3" */
  const char *data[FC_FIGURE_MAX_DATA]; /* its data files in --out DIR,
                                            NULL after the last */
} fc_figure;

struct fc_module
{
  const char *name;  /* "continuity" */
  const char *title; /* one line */
  const fc_claim *claims;
  size_t n_claims;
  const fc_figure *figures; /* NULL and 0 when the module draws none */
  size_t n_figures;
  size_t figures_size;      /* bytes of the figure record (file header) */
  /* Write every data file of the figure list into opt->out_dir (which
     exists) from RECORD, filled by every check of the module.  */
  int (*write_figures) (const fc_run_options *opt, const void *record);
  /* Free what the checks stored in RECORD (not RECORD itself); NULL when
     they store nothing that needs freeing.  */
  void (*free_figures) (void *record);
};

/* Define `const fc_module fc_module_NAME` (the symbol the generated
   registry names) with its TITLE, the static arrays CLAIMS and FIGURES,
   the figure record type RECORD, and its WRITE and FREE functions
   (write_figures, free_figures).  */
#define FC_MODULE_DEFINE(NAME, TITLE, CLAIMS, FIGURES, RECORD, WRITE, FREE)  \
  const fc_module fc_module_##NAME                                            \
      = { #NAME,    (TITLE),          (CLAIMS),       FC_COUNT (CLAIMS),      \
          (FIGURES), FC_COUNT (FIGURES), sizeof (RECORD), (WRITE), (FREE) }

/* The registry: NULL-terminated, in catalog order (generated registry.c). */
extern const fc_module *const fc_modules[];

/* The number of registered modules.  */
size_t
fc_module_count (void);

/* The module named NAME, or NULL. */
const fc_module *
fc_module_find (const char *name);

/* The claim with identifier ID (case-sensitive) and its module, or NULL. */
const fc_claim *
fc_claim_find (const char *id, const fc_module **module);

/* The control of CLAIM named NAME, or NULL.  */
const fc_control *
fc_control_find (const fc_claim *claim, const char *name);

/* Run CLAIM of MODULE as stated into RESULT (fc_verdict_init, then the
   check), with opt->figures passed through.  */
int
fc_claim_run (const fc_module *module, const fc_claim *claim,
              const fc_run_options *opt, fc_verdict *result);

/* Run CONTROL of CLAIM (of MODULE) into RESULT: the claim's own check with
   opt->control set; no figure data is collected.  GSL_EINVAL (verdict
   NONE) when CONTROL is not an element of CLAIM's table, so a check only
   ever sees its own variants.  */
int
fc_control_run (const fc_module *module, const fc_claim *claim,
                const fc_control *control, const fc_run_options *opt,
                fc_verdict *result);

/* The variant of the control the check given OPT runs; 0 for the claim
   as stated.  */
static inline int
fc_control_variant (const fc_run_options *opt)
{
  return opt->control != NULL ? opt->control->variant : 0;
}

/* A zeroed figure record for MODULE, NULL when it draws no figure (or on
   no memory: GSL_ERROR_NULL).  */
void *
fc_module_figures_alloc (const fc_module *module);

/* Render RECORD into opt->out_dir (write_figures).  GSL_EINVAL when
   opt->out_dir is NULL or RECORD is NULL; otherwise the writer's status
   (a directory that does not exist gives GSL_EFAILED and no file).  */
int
fc_module_figures_write (const fc_module *module, const fc_run_options *opt,
                         const void *record);

/* Release RECORD (free_figures, then the record).  NULL is a no-op. */
void
fc_module_figures_free (const fc_module *module, void *record);

/* Helpers every module uses.  */

/* Problem sizes.  A module keeps its sizes in one struct type with two
   instances, full and quick, in an array indexed by fc_size; a check
   picks its instance once: `const ct_sizes *sz = FC_SIZES (ct_sizes_plan,
   opt);`.  */
typedef enum
{
  FC_SIZE_FULL = 0,
  FC_SIZE_QUICK = 1,
  FC_SIZE_COUNT
} fc_size;
#define FC_SIZES(plan, opt) (&(plan)[(opt)->quick ? FC_SIZE_QUICK : FC_SIZE_FULL])

/* A progress line on opt->progress: "[MODULE CLAIM] " ("[MODULE CLAIM
   control NAME] " in a control run, "[MODULE] " in the figure writer,
   nothing outside a run), FMT and its arguments, a newline, flushed;
   nothing when opt->progress is NULL.  */
void
fc_module_progress (const fc_run_options *opt, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));

/* Record the decided order study ST in V (fc_order_study_record: its order
   and rel(h_min) with their tolerances, as HOLDS figures) and report it as
   a progress line (fc_order_study_describe).  */
void
fc_module_record_study (const fc_run_options *opt, fc_verdict *v,
                        const fc_order_study *st);

/* The same with the two figures of kind TEST (FC_TEST_NONE: reported).  */
void
fc_module_record_study_as (const fc_run_options *opt, fc_verdict *v,
                           const fc_order_study *st, fc_metric_test test);

/* The seed of the sub-stream TAG of opt->seed (fc_rng_stream_seed): one tag
   per study of a claim, so that no two studies share draws and each study's
   draws do not depend on which other claims run.  */
unsigned long
fc_module_seed (const fc_run_options *opt, unsigned long tag);

/* The built-in data set NAME (fc_spec_builtin), prepared; NULL through
   GSL_ERROR_NULL when there is none.  */
fc_gmm *
fc_module_builtin (const char *name);

/* Open the data file NAME in opt->out_dir, with the '#' header naming the
   command that writes it ("flowcheck run MODULE ...", or the program set
   by fc_module_set_program) and the COLUMNS; NULL (through GSL_ERROR_NULL)
   on failure.  */
fc_datafile *
fc_module_datafile (const fc_run_options *opt, const char *name,
                    const char *columns);

/* Name PROGRAM (a static string, e.g. "experiments/doob-bridge") as the
   writer in the headers of every later fc_module_datafile, in place of
   "flowcheck run MODULE"; NULL restores the default.  Call it once at the
   start of an experiment program, before any module runs.  */
void
fc_module_set_program (const char *program);

/* Name DIR (a string that outlives the run) as the --out directory in
   the headers of every later fc_module_datafile, in place of
   opt->out_dir, where the file is still written; NULL restores the
   default.  A cell of a sharded run (fc_cells.h) writes its data files in
   its own directory with the headers of the unsharded run's.  */
void
fc_module_set_out_name (const char *dir);

/* A data file of a module's figures: its NAME in opt->out_dir, its
   COLUMNS (fc_module_datafile) and the function that prints its rows
   from the module's figure record.  */
typedef struct
{
  const char *name;
  const char *columns;
  void (*rows) (FILE *out, const void *record);
} fc_figure_datafile;

/* Write the N data files FILES from RECORD, in order, each atomically
   (fc_module_datafile, then its rows, then fc_module_commit); stops at
   the first failure and returns its status.  */
int
fc_module_write_datafiles (const fc_run_options *opt,
                           const fc_figure_datafile *files, size_t n,
                           const void *record);

/* Commit F (fc_datafile_commit) when STATUS is GSL_SUCCESS, else abort it
   (remove its temporary); F NULL is a failure to open (GSL_EFAILED).
   Returns STATUS, or the commit's failure through GSL_ERROR.  */
int
fc_module_commit (fc_datafile *f, int status);

#ifdef __cplusplus
}
#endif
#endif /* FC_MODULE_H */
