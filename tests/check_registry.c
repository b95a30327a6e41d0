/* tests/check_registry.c -- what every derivation module promises, tested
 * once over the registry (derivations/fc_module.h):
 *
 *   - the claim tables: unique identifiers, a section, a statement, a check
 *     and controls that can flip the outcome (a CONFIRMED or APPROXIMATE
 *     claim has a control its check must not give its own verdict; a
 *     REFUTED claim has its corrected form, which the check must confirm);
 *   - the figure lists: every figure names claims of its module, data files
 *     and a gnuplot script in plots/;
 *   - the figure record: every module run whole at the quick sizes writes
 *     exactly the data files its figure list names, each with the header
 *     naming the command and the columns, and no temporary left behind;
 *     into a directory that does not exist it writes nothing and fails;
 *   - the helpers: progress prefixes, sub-stream seeds, data-file commits.
 *
 * Each control's declared verdict is asserted in check_controls.  */
#include <config.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fc_check.h"
#include "fc_module.h"
#include "fc_rng.h"

#define SEED 20240501UL


/* -------------------------------------------------------- claim tables */

FC_TEST ("claim tables", test_claim_identifiers_are_unique_across_modules)
{
  for (size_t m = 0; fc_modules[m] != NULL; m++)
    for (size_t i = 0; i < fc_modules[m]->n_claims; i++)
      {
        const fc_module *found = NULL;
        const fc_claim *c = &fc_modules[m]->claims[i];
        ck_assert_ptr_eq (fc_claim_find (c->id, &found), c);
        ck_assert_ptr_eq (found, fc_modules[m]);
        ck_assert_ptr_eq (fc_module_find (fc_modules[m]->name), fc_modules[m]);
      }
  ck_assert_ptr_null (fc_claim_find ("Z9", NULL));
  ck_assert_ptr_null (fc_module_find ("nonesuch"));
}
END_TEST

/* The controls of C are named, unique, with distinct variants > 0, and at
   least one flips the claim's outcome.  */
static void
assert_controls_can_flip (const fc_claim *c)
{
  int flips = 0;
  ck_assert_msg (c->n_controls > 0 && c->controls != NULL,
                 "%s has no control", c->id);
  for (size_t k = 0; k < c->n_controls; k++)
    {
      const fc_control *a = &c->controls[k];
      ck_assert_msg (strlen (a->name) > 0 && strlen (a->changes) > 0,
                     "%s control %zu unnamed or unexplained", c->id, k);
      ck_assert_msg (strchr (a->name, ' ') == NULL && strchr (a->name, '\t') == NULL,
                     "%s control name '%s' is not one word", c->id, a->name);
      ck_assert_msg (a->variant > 0, "%s control %s variant %d", c->id,
                     a->name, a->variant);
      /* NONE is a control's verdict when it breaks the reference a VALID
         figure stands on (the check then cannot decide); never a claim's. */
      ck_assert (a->expected >= FC_VERDICT_NONE && a->expected < FC_VERDICT_COUNT);
      ck_assert_ptr_eq (fc_control_find (c, a->name), a);
      for (size_t j = 0; j < k; j++)
        ck_assert_msg (c->controls[j].variant != a->variant,
                       "%s controls %s and %s share a variant", c->id,
                       c->controls[j].name, a->name);
      if (c->expected == FC_VERDICT_REFUTED)
        flips += a->expected == FC_VERDICT_CONFIRMED;
      else
        flips += a->expected != c->expected;
    }
  ck_assert_msg (flips > 0, "%s (%s): no control of the opposite outcome",
                 c->id, fc_verdict_name (c->expected));
  ck_assert_ptr_null (fc_control_find (c, "nonesuch"));
}

FC_LOOP_TEST ("claim tables", test_every_claim_has_a_control_of_the_opposite_outcome,
              (int) fc_module_count ())
{
  const fc_module *m = fc_modules[_i];
  for (size_t i = 0; i < m->n_claims; i++)
    {
      const fc_claim *c = &m->claims[i];
      ck_assert_ptr_nonnull (c->check);
      ck_assert (strlen (c->section) > 0 && strlen (c->statement) > 0);
      ck_assert (c->expected > FC_VERDICT_NONE && c->expected < FC_VERDICT_COUNT);
      assert_controls_can_flip (c);
    }
}
END_TEST

/* ------------------------------------------------------- figure lists */

/* 1 when the claim ID belongs to module M.  */
static int
module_has_claim (const fc_module *m, const char *id, size_t len)
{
  for (size_t i = 0; i < m->n_claims; i++)
    if (strlen (m->claims[i].id) == len
        && strncmp (m->claims[i].id, id, len) == 0)
      return 1;
  return 0;
}

FC_LOOP_TEST ("figures", test_every_figure_names_its_claims_data_and_script,
              (int) fc_module_count ())
{
  const fc_module *m = fc_modules[_i];
  const char *srcdir = getenv ("FC_SRCDIR");
  ck_assert_msg (srcdir != NULL, "FC_SRCDIR not set (run through make check)");
  ck_assert_msg ((m->n_figures == 0) == (m->write_figures == NULL),
                 "%s: figure list and writer disagree", m->name);
  for (size_t f = 0; f < m->n_figures; f++)
    {
      const fc_figure *fig = &m->figures[f];
      char path[1024];
      struct stat st;
      snprintf (path, sizeof path, "%s/plots/%s.gp", srcdir, fig->name);
      ck_assert_msg (stat (path, &st) == 0, "%s: no script %s", m->name, path);
      ck_assert_msg (fig->data[0] != NULL, "%s: figure %s reads no data",
                     m->name, fig->name);
      for (const char *s = fig->claims; *s != '\0';)
        {
          size_t len = strcspn (s, " ");
          ck_assert_msg (len > 0 && module_has_claim (m, s, len),
                         "%s: figure %s names '%.*s', not a claim of the "
                         "module", m->name, fig->name, (int) len, s);
          s += len + (s[len] == ' ');
        }
    }
}
END_TEST

/* ----------------------------------------------------- figure records */

/* Every claim of M at the quick sizes with a figure record; returns the
   record, filled.  */
static void *
run_module_with_figures (const fc_module *m)
{
  void *record = fc_module_figures_alloc (m);
  ck_assert_ptr_nonnull (record);
  fc_run_options opt = { .seed = SEED, .quick = 1, .figures = record };
  for (size_t i = 0; i < m->n_claims; i++)
    {
      fc_verdict v;
      ck_assert_int_eq (fc_claim_run (m, &m->claims[i], &opt, &v),
                        GSL_SUCCESS);
    }
  return record;
}

/* 1 when NAME is a data file of M's figure list.  */
static int
listed_data_file (const fc_module *m, const char *name)
{
  for (size_t f = 0; f < m->n_figures; f++)
    for (size_t d = 0; d < FC_FIGURE_MAX_DATA && m->figures[f].data[d]; d++)
      if (strcmp (m->figures[f].data[d], name) == 0)
        return 1;
  return 0;
}

/* DIR/NAME begins "# written by: flowcheck run MODULE", then "# columns:",
   and has at least one data row.  */
static void
assert_data_file (const char *dir, const char *name, const char *module)
{
  char path[1024], line[4096], header[128];
  snprintf (path, sizeof path, "%s/%s", dir, name);
  snprintf (header, sizeof header, "# written by: flowcheck run %s ", module);
  FILE *f = fopen (path, "r");
  ck_assert_msg (f != NULL, "%s: missing", path);
  size_t rows = 0;
  for (size_t i = 0; fgets (line, sizeof line, f) != NULL; i++)
    {
      if (i == 0)
        ck_assert_msg (strncmp (line, header, strlen (header)) == 0,
                       "%s header: %s", name, line);
      if (i == 1)
        ck_assert_msg (strncmp (line, "# columns: ", 11) == 0,
                       "%s second line: %s", name, line);
      rows += line[0] != '#' && line[0] != '\n';
    }
  fclose (f);
  ck_assert_msg (rows > 0, "%s has no data row", name);
}

/* DIR holds exactly the data files of M's figure list (no temporary, no
   stray file); remove them and DIR.  */
static void
assert_dir_holds_figure_data (const fc_module *m, const char *dir)
{
  size_t listed = 0, found = 0;
  for (size_t f = 0; f < m->n_figures; f++)
    for (size_t d = 0; d < FC_FIGURE_MAX_DATA && m->figures[f].data[d]; d++)
      {
        assert_data_file (dir, m->figures[f].data[d], m->name);
        listed++;
      }
  DIR *dp = opendir (dir);
  ck_assert_ptr_nonnull (dp);
  struct dirent *e;
  while ((e = readdir (dp)) != NULL)
    if (e->d_name[0] != '.')
      {
        char path[1024];
        ck_assert_msg (listed_data_file (m, e->d_name),
                       "%s wrote %s, which its figure list does not name",
                       m->name, e->d_name);
        snprintf (path, sizeof path, "%s/%s", dir, e->d_name);
        ck_assert_int_eq (unlink (path), 0);
        found++;
      }
  closedir (dp);
  ck_assert_int_eq (rmdir (dir), 0);
  ck_assert_uint_eq (found, listed);
}

FC_LOOP_TEST ("figures", test_figure_data_come_whole_from_the_checks_record,
              (int) fc_module_count ())
{
  const fc_module *m = fc_modules[_i];
  if (m->write_figures == NULL)
    return;
  void *record = run_module_with_figures (m);
  fc_run_options opt = { .seed = SEED, .quick = 1 };
  /* Into a directory that does not exist: an error, and nothing made. */
  opt.out_dir = "/nonexistent/flowcheck-registry";
  ck_assert_int_ne (fc_module_figures_write (m, &opt, record), GSL_SUCCESS);
  ck_assert_int_ne (access (opt.out_dir, F_OK), 0);
  /* Into a fresh directory: exactly the listed files, whole.  */
  char dir[] = "/tmp/check_registry.XXXXXX";
  ck_assert_ptr_nonnull (mkdtemp (dir));
  opt.out_dir = dir;
  ck_assert_int_eq (fc_module_figures_write (m, &opt, record), GSL_SUCCESS);
  fc_module_figures_free (m, record);
  assert_dir_holds_figure_data (m, dir);
}
END_TEST

FC_TEST ("figures", test_figure_record_needs_a_directory_and_a_record)
{
  for (size_t m = 0; fc_modules[m] != NULL; m++)
    {
      const fc_module *mod = fc_modules[m];
      void *record = fc_module_figures_alloc (mod);
      ck_assert ((record == NULL) == (mod->write_figures == NULL));
      fc_run_options opt = { .seed = SEED, .quick = 1 };
      if (record != NULL)
        ck_assert_int_eq (fc_module_figures_write (mod, &opt, record),
                          GSL_EINVAL);
      opt.out_dir = "/tmp";
      ck_assert_int_eq (fc_module_figures_write (mod, &opt, NULL), GSL_EINVAL);
      fc_module_figures_free (mod, record);
    }
  fc_module_figures_free (fc_modules[0], NULL); /* a no-op */
}
END_TEST

/* ------------------------------------------------------------ helpers */

/* The first line fc_module_progress writes with OPT.  */
static void
progress_line (const fc_run_options *opt, char *buf, size_t len)
{
  FILE *f = opt->progress;
  rewind (f);
  ck_assert_int_eq (ftruncate (fileno (f), 0), 0);
  fc_module_progress (opt, "X1 %s %d", "ran", 7);
  rewind (f);
  ck_assert_ptr_nonnull (fgets (buf, (int) len, f));
}

FC_TEST ("helpers", test_progress_lines_name_module_claim_and_control)
{
  const fc_module *m = fc_modules[0];
  const fc_claim *c = &m->claims[0];
  ck_assert_uint_gt (c->n_controls, 0);
  fc_run_options opt = { .seed = SEED, .quick = 1, .progress = tmpfile () };
  ck_assert_ptr_nonnull (opt.progress);
  char buf[128], want[128];
  progress_line (&opt, buf, sizeof buf);
  ck_assert_str_eq (buf, "X1 ran 7\n");
  opt.module = m;
  progress_line (&opt, buf, sizeof buf);
  snprintf (want, sizeof want, "[%s] X1 ran 7\n", m->name);
  ck_assert_str_eq (buf, want);
  opt.claim = c;
  progress_line (&opt, buf, sizeof buf);
  snprintf (want, sizeof want, "[%s %s] X1 ran 7\n", m->name, c->id);
  ck_assert_str_eq (buf, want);
  opt.control = &c->controls[0];
  progress_line (&opt, buf, sizeof buf);
  snprintf (want, sizeof want, "[%s %s control %s] X1 ran 7\n", m->name,
            c->id, c->controls[0].name);
  ck_assert_str_eq (buf, want);
  fclose (opt.progress);
  opt.progress = NULL;
  fc_module_progress (&opt, "silent %d", 1); /* must not touch a stream */
}
END_TEST

FC_TEST ("helpers", test_sub_stream_seeds_derive_from_the_run_seed)
{
  fc_run_options opt = { .seed = SEED };
  ck_assert_uint_eq (fc_module_seed (&opt, 0xC1000),
                     fc_rng_stream_seed (SEED, 0xC1000));
  ck_assert_uint_ne (fc_module_seed (&opt, 1), fc_module_seed (&opt, 2));
}
END_TEST

FC_TEST ("helpers", test_data_file_commit_and_abort)
{
  char dir[] = "/tmp/check_registry.XXXXXX", path[512];
  ck_assert_ptr_nonnull (mkdtemp (dir));
  fc_run_options opt = { .seed = SEED, .out_dir = dir, .module = fc_modules[0] };
  /* A failed status aborts: no file, no temporary.  */
  fc_datafile *f = fc_module_datafile (&opt, "a.dat", "x y");
  ck_assert_ptr_nonnull (f);
  ck_assert_int_eq (fc_module_commit (f, GSL_EDOM), GSL_EDOM);
  /* A failure to open is a failure.  */
  ck_assert_int_eq (fc_module_commit (NULL, GSL_SUCCESS), GSL_EFAILED);
  f = fc_module_datafile (&opt, "b.dat", "x y");
  ck_assert_ptr_nonnull (f);
  fprintf (fc_datafile_stream (f), "1 2\n");
  ck_assert_int_eq (fc_module_commit (f, GSL_SUCCESS), GSL_SUCCESS);
  snprintf (path, sizeof path, "%s/a.dat", dir);
  ck_assert_int_ne (access (path, F_OK), 0);
  snprintf (path, sizeof path, "%s/b.dat", dir);
  ck_assert_int_eq (access (path, F_OK), 0);
  ck_assert_int_eq (unlink (path), 0);
  ck_assert_int_eq (rmdir (dir), 0);
  opt.out_dir = NULL;
  ck_assert_ptr_null (fc_module_datafile (&opt, "c.dat", "x"));
}
END_TEST

FC_TEST ("helpers", test_builtin_loader_refuses_unknown_names)
{
  fc_gmm *g = fc_module_builtin ("8gaussians");
  ck_assert_ptr_nonnull (g);
  ck_assert (g->prepared);
  fc_gmm_free (g);
  ck_assert_ptr_null (fc_module_builtin ("nonesuch"));
}
END_TEST

FC_CK_MAIN ("registry")
