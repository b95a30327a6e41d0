/* tests/fc_check_module.h -- assertions shared by the tests of derivation
 * modules (check_continuity, check_score, check_guidance, ...).
 *
 * Include after fc_check.h with FC_CK_MODULE defined as the module's name:
 * run_claim runs one claim of that module at the quick sizes and asserts
 * its verdict; the metric helpers read a verdict's metrics by name.  */
#ifndef FC_CHECK_MODULE_H
#define FC_CHECK_MODULE_H

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <check.h>
#include <gsl/gsl_errno.h>
#include "fc_check.h"
#include "fc_module.h"

#ifndef FC_CK_MODULE
#error "define FC_CK_MODULE (the module's name) before including fc_check_module.h"
#endif

#define SEED 20240501UL

/* The module under test, asserted registered.  */
static inline const fc_module *
module_under_test (void)
{
  const fc_module *m = fc_module_find (FC_CK_MODULE);
  ck_assert_ptr_nonnull (m);
  return m;
}

/* The module under test is NAME and lists exactly the N_IDS claims IDS, in
   this order, each with a check function, a source section and a
   statement; returns the module for further assertions.  */
static inline const fc_module *
assert_claim_table (const char *name, const char *const *ids, size_t n_ids)
{
  const fc_module *m = module_under_test ();
  ck_assert_str_eq (m->name, name);
  ck_assert_uint_eq (m->n_claims, n_ids);
  for (size_t i = 0; i < m->n_claims; i++)
    {
      ck_assert_str_eq (m->claims[i].id, ids[i]);
      ck_assert_ptr_nonnull (m->claims[i].check);
      ck_assert (strlen (m->claims[i].section) > 0);
      ck_assert (strlen (m->claims[i].statement) > 0);
    }
  return m;
}

/* Run claim ID with the quick sizes into V; assert it ran and that the
   verdict is EXPECTED (and is the claim table's expectation too).  */
static inline void
run_claim (const char *id, fc_verdict_kind expected, fc_verdict *v)
{
  const fc_module *m = NULL;
  const fc_claim *c = fc_claim_find (id, &m);
  ck_assert_ptr_nonnull (c);
  ck_assert_ptr_eq (m, module_under_test ());
  ck_assert_int_eq (c->expected, expected);
  fc_run_options opt = { SEED, NULL, 1, NULL };
  int status = fc_claim_run (m, c, &opt, v);
  ck_assert_msg (status == GSL_SUCCESS, "%s failed to run: %s", id,
                 gsl_strerror (status));
  ck_assert_msg (v->verdict == expected, "%s: verdict %s, expected %s (%s)",
                 id, fc_verdict_name (v->verdict), fc_verdict_name (expected),
                 v->note);
  ck_assert_msg (strlen (v->note) > 0, "%s has no note", id);
}

/* The metric NAME of V; the test fails when there is none.  */
static inline const fc_metric *
metric (const fc_verdict *v, const char *name)
{
  for (size_t i = 0; i < v->n_metrics; i++)
    if (strcmp (v->metric[i].name, name) == 0)
      return &v->metric[i];
  ck_abort_msg ("%s has no metric %s", v->id, name);
  return NULL;
}

/* The metric NAME is at most its tolerance.  */
static inline void
assert_below (const fc_verdict *v, const char *name)
{
  const fc_metric *m = metric (v, name);
  ck_assert_msg (m->value <= m->tolerance, "%s %s = %.17g above %.17g", v->id,
                 name, m->value, m->tolerance);
}

/* |order - 2| within the band the module derived, and rel(h_min) at or
   below the predicted truncation scale.  */
static inline void
assert_order_two (const fc_verdict *v, const char *name)
{
  char buf[FC_VERDICT_NAME_LEN];
  snprintf (buf, sizeof buf, "order_%s", name);
  const fc_metric *o = metric (v, buf);
  fc_ck_assert_abs (o->value, 2.0, o->tolerance, "%s %s", v->id, buf);
  snprintf (buf, sizeof buf, "rel_hmin_%s", name);
  assert_below (v, buf);
}

/* Claim ID run twice at the quick sizes with SEED gives the same value for
   every metric, bit for bit, and with SEED + 1 a different value of the
   seed-dependent metric NAME (so the draws do come from the seed).  */
static inline void
assert_claim_reproducible (const char *id, const char *name)
{
  const fc_module *m = NULL;
  const fc_claim *c = fc_claim_find (id, &m);
  ck_assert_ptr_nonnull (c);
  fc_run_options opt = { SEED, NULL, 1, NULL };
  fc_verdict a, b, other;
  ck_assert_int_eq (fc_claim_run (m, c, &opt, &a), GSL_SUCCESS);
  ck_assert_int_eq (fc_claim_run (m, c, &opt, &b), GSL_SUCCESS);
  opt.seed = SEED + 1;
  ck_assert_int_eq (fc_claim_run (m, c, &opt, &other), GSL_SUCCESS);
  ck_assert_uint_eq (a.n_metrics, b.n_metrics);
  for (size_t i = 0; i < a.n_metrics; i++)
    ck_assert_msg (a.metric[i].value == b.metric[i].value,
                   "%s differs between runs", a.metric[i].name);
  ck_assert (fc_verdict_get (&a, name) != fc_verdict_get (&other, name));
}

/* Data rows of the figure file PATH (not '#', not blank) into *ROWS and
   its first line (at most LEN - 1 characters) into FIRST.  */
static inline void
count_lines (const char *path, size_t *rows, char *first, size_t len)
{
  FILE *f = fopen (path, "r");
  ck_assert_msg (f != NULL, "cannot open %s", path);
  char line[4096];
  *rows = 0;
  first[0] = '\0';
  for (size_t i = 0; fgets (line, sizeof line, f) != NULL; i++)
    {
      if (i == 0)
        {
          size_t k = strlen (line) < len ? strlen (line) : len - 1;
          memcpy (first, line, k);
          first[k] = '\0';
        }
      if (line[0] != '#' && line[0] != '\n')
        (*rows)++;
    }
  fclose (f);
}

/* Remove every file of the temporary directory DIR, then DIR, and assert
   there were exactly N_FILES (a figure writer leaves no temporary behind).  */
static inline void
remove_dir_of (const char *dir, size_t n_files)
{
  DIR *d = opendir (dir);
  ck_assert_ptr_nonnull (d);
  struct dirent *e;
  size_t n = 0;
  while ((e = readdir (d)) != NULL)
    if (e->d_name[0] != '.')
      {
        char path[512];
        snprintf (path, sizeof path, "%s/%s", dir, e->d_name);
        ck_assert_int_eq (unlink (path), 0);
        n++;
      }
  closedir (d);
  ck_assert_int_eq (rmdir (dir), 0);
  ck_assert_uint_eq (n, n_files);
}

/* A figure data file of the module under test and its data rows at the
   quick sizes.  */
typedef struct
{
  const char *name;
  size_t rows;
} fc_ck_figure_file;

/* write_figure_data of the module under test, at the quick sizes, into a
   fresh temporary directory writes exactly the N files FILES, each with
   the header "# written by: flowcheck run MODULE" and its number of data
   rows; the directory is then removed.  */
static inline void
assert_figure_files (const fc_ck_figure_file *files, size_t n)
{
  char dir[] = "/tmp/check_" FC_CK_MODULE ".XXXXXX";
  ck_assert_ptr_nonnull (mkdtemp (dir));
  fc_run_options opt = { SEED, dir, 1, NULL };
  ck_assert_int_eq (module_under_test ()->write_figure_data (&opt), GSL_SUCCESS);
  const char *header = "# written by: flowcheck run " FC_CK_MODULE;
  for (size_t i = 0; i < n; i++)
    {
      char path[512], first[256];
      size_t rows;
      snprintf (path, sizeof path, "%s/%s", dir, files[i].name);
      count_lines (path, &rows, first, sizeof first);
      ck_assert_msg (strncmp (first, header, strlen (header)) == 0,
                     "%s header: %s", files[i].name, first);
      ck_assert_uint_eq (rows, files[i].rows);
    }
  /* Nothing else (no temporary left behind); then clean up.  */
  remove_dir_of (dir, n);
}

#endif /* FC_CHECK_MODULE_H */
