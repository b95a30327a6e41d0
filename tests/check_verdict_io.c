/* tests/check_verdict_io.c -- verdict records, atomic data files, point input.
 *
 * Claims: a verdict record keeps what was added and prints it in the two
 * documented forms; a data file appears under its name only on commit, with
 * its header, and never leaves a temporary behind; the point reader accepts
 * exactly the documented format and names the line of the first error.  */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit_fixtures.h"
#include "fc_io.h"
#include "fc_verdict.h"

/* ------------------------------------------------------------ helpers */

/* Scratch directory under /tmp, removed (with its plain files) after.  */
static char tmpdir[64];

static void
tmpdir_setup (void)
{
  snprintf (tmpdir, sizeof tmpdir, "/tmp/fc-check-io-XXXXXX");
  ck_assert_ptr_nonnull (mkdtemp (tmpdir));
}

/* Number of entries of DIR other than . and ..; the first one's name goes
   to FIRST (size 256) when not NULL.  */
static int
dir_count (const char *dir, char *first)
{
  DIR *d = opendir (dir);
  ck_assert_ptr_nonnull (d);
  int count = 0;
  struct dirent *e;
  while ((e = readdir (d)) != NULL)
    {
      if (strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
        continue;
      if (count == 0 && first)
        snprintf (first, 256, "%s", e->d_name);
      count++;
    }
  closedir (d);
  return count;
}

static void
remove_tree (const char *dir)
{
  DIR *d = opendir (dir);
  if (d == NULL)
    return;
  struct dirent *e;
  char path[512];
  while ((e = readdir (d)) != NULL)
    {
      if (strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
        continue;
      snprintf (path, sizeof path, "%s/%s", dir, e->d_name);
      struct stat st;
      if (stat (path, &st) == 0 && S_ISDIR (st.st_mode))
        remove_tree (path);
      else
        unlink (path);
    }
  closedir (d);
  rmdir (dir);
}

static void
tmpdir_teardown (void)
{
  remove_tree (tmpdir);
}

/* Whole content of PATH, malloc'ed.  */
static char *
slurp (const char *path)
{
  FILE *f = fopen (path, "r");
  ck_assert_ptr_nonnull (f);
  char *buf = calloc (4096, 1);
  size_t len = fread (buf, 1, 4095, f);
  buf[len] = '\0';
  fclose (f);
  return buf;
}

/* ------------------------------------------------------------ verdict */

FC_TEST ("verdict", test_verdict_keeps_added_metrics_and_note)
{
  fc_verdict v;
  fc_verdict_init (&v, "C2", "continuity");
  ck_assert_int_eq (v.verdict, FC_VERDICT_NONE);
  ck_assert_uint_eq (v.n_metrics, 0);
  fc_verdict_decide (&v, FC_TEST_HOLDS, "order_linear", 2.0381966, 0.25, 1);
  fc_verdict_report (&v, "rel_residual_hmin", 3.81966e-7, NAN);
  fc_verdict_note (&v, "order %.2f at h = %g", 2.0381966, 0.0125);
  ck_assert_double_eq (fc_verdict_get (&v, "order_linear"), 2.0381966);
  ck_assert_double_eq (fc_verdict_get (&v, "rel_residual_hmin"), 3.81966e-7);
  ck_assert (isnan (fc_verdict_get (&v, "absent")));
  ck_assert_str_eq (v.note, "order 2.04 at h = 0.0125");
  ck_assert_str_eq (v.id, "C2");
  ck_assert_str_eq (v.module, "continuity");
}
END_TEST

/* A verdict with one deciding figure of each kind, passing as given.  */
static fc_verdict_kind
rule_of (int holds, int exact, int valid)
{
  fc_verdict v;
  fc_verdict_init (&v, "X1", "test");
  fc_verdict_report (&v, "reported", 1e9, 1.0); /* far out: decides nothing */
  fc_verdict_decide (&v, FC_TEST_HOLDS, "h", 1.0, 2.0, holds);
  fc_verdict_decide (&v, FC_TEST_EXACT, "e", 1.0, 2.0, exact);
  fc_verdict_decide (&v, FC_TEST_VALID, "v", 1.0, 2.0, valid);
  return fc_verdict_rule (&v);
}

FC_TEST ("verdict", test_verdict_rule_decides_from_deciding_figures_alone)
{
  ck_assert_int_eq (rule_of (1, 1, 1), FC_VERDICT_CONFIRMED);
  ck_assert_int_eq (rule_of (1, 0, 1), FC_VERDICT_APPROXIMATE);
  ck_assert_int_eq (rule_of (0, 0, 1), FC_VERDICT_REFUTED);
  ck_assert_int_eq (rule_of (0, 1, 1), FC_VERDICT_REFUTED);
  ck_assert_int_eq (rule_of (1, 1, 0), FC_VERDICT_NONE);
  ck_assert_int_eq (rule_of (0, 0, 0), FC_VERDICT_NONE);
  fc_verdict v;
  fc_verdict_init (&v, "X2", "test");
  fc_verdict_report (&v, "reported", 0.0, 1.0);
  ck_assert_int_eq (fc_verdict_rule (&v), FC_VERDICT_NONE);
  ck_assert_uint_eq (fc_verdict_n_deciding (&v), 0);
  ck_assert_str_eq (fc_metric_role_name (&v.metric[0]), "reports");
  ck_assert_str_eq (fc_metric_pass_name (&v.metric[0]), "-");
  ck_assert_str_eq (fc_metric_test_name (&v.metric[0]), "-");
  fc_verdict_decide (&v, FC_TEST_EXACT, "e", 1.0, 2.0, 7);
  ck_assert_int_eq (v.metric[1].pass, 1);
  ck_assert_str_eq (fc_metric_role_name (&v.metric[1]), "decides");
  ck_assert_str_eq (fc_metric_test_name (&v.metric[1]), "exact");
  ck_assert_str_eq (fc_metric_pass_name (&v.metric[1]), "yes");
}
END_TEST

FC_TEST ("verdict", test_verdict_keeps_the_first_max_figures_and_counts_the_dropped)
{
  fc_verdict v;
  fc_verdict_init (&v, "X9", "test");
  char name[32];
  for (int i = 0; i < FC_VERDICT_MAX_METRICS + 3; i++)
    {
      snprintf (name, sizeof name, "m%d", i);
      fc_verdict_report (&v, name, 0.381966 * i, NAN);
    }
  ck_assert_uint_eq (v.n_metrics, FC_VERDICT_MAX_METRICS);
  ck_assert_uint_eq (v.n_dropped, 3);
  snprintf (name, sizeof name, "m%d", FC_VERDICT_MAX_METRICS - 1);
  ck_assert_double_eq (fc_verdict_get (&v, name),
                       0.381966 * (FC_VERDICT_MAX_METRICS - 1));
  snprintf (name, sizeof name, "m%d", FC_VERDICT_MAX_METRICS);
  ck_assert (isnan (fc_verdict_get (&v, name)));
  /* A verdict that lost a figure is not decided, even from passing
     deciding figures.  */
  v.metric[0].test = FC_TEST_HOLDS;
  v.metric[0].pass = 1;
  ck_assert_int_eq (fc_verdict_rule (&v), FC_VERDICT_NONE);
}
END_TEST

FC_TEST ("verdict", test_verdict_long_name_and_note_are_truncated_not_overrun)
{
  fc_verdict v;
  fc_verdict_init (&v, "X9", "test");
  char longname[200];
  memset (longname, 'a', sizeof longname - 1);
  longname[sizeof longname - 1] = '\0';
  fc_verdict_report (&v, longname, 1.0, NAN);
  ck_assert_uint_eq (strlen (v.metric[0].name), FC_VERDICT_NAME_LEN - 1);
  fc_verdict_note (&v, "%s%s", longname, longname);
  ck_assert_uint_eq (strlen (v.note), FC_VERDICT_NOTE_LEN - 1);
}
END_TEST

FC_TEST ("verdict", test_verdict_names_parse_back)
{
  for (int k = 0; k < FC_VERDICT_COUNT; k++)
    {
      fc_verdict_kind back = FC_VERDICT_COUNT;
      ck_assert_int_eq (fc_verdict_parse (fc_verdict_name (k), &back),
                        GSL_SUCCESS);
      ck_assert_int_eq (back, k);
    }
  ck_assert_str_eq (fc_verdict_name (FC_VERDICT_CONFIRMED), "CONFIRMED");
  ck_assert_str_eq (fc_verdict_name (FC_VERDICT_REFUTED), "REFUTED");
  ck_assert_str_eq (fc_verdict_name (FC_VERDICT_APPROXIMATE), "APPROXIMATE");
  ck_assert_str_eq (fc_verdict_name (FC_VERDICT_NONE), "NONE");
  ck_assert_str_eq (fc_verdict_name (FC_VERDICT_COUNT), "NONE");
}
END_TEST

FC_TEST ("verdict", test_verdict_parse_rejects_unknown_name)
{
  fc_verdict_kind k = FC_VERDICT_REFUTED;
  ck_assert_int_eq (fc_verdict_parse ("confirmed", &k), GSL_EINVAL);
  ck_assert_int_eq (fc_verdict_parse ("", &k), GSL_EINVAL);
  ck_assert_int_eq (k, FC_VERDICT_REFUTED);
}
END_TEST

/* Output of a print function into a malloc'ed string.  */
static char *
capture_row (const fc_verdict *v, fc_verdict_kind expected, int tsv)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&buf, &len);
  ck_assert_ptr_nonnull (f);
  if (tsv)
    fc_verdict_print_tsv (f, v, expected);
  else
    fc_verdict_print_row (f, v, expected);
  fclose (f);
  return buf;
}

static void
two_metric_verdict (fc_verdict *v)
{
  fc_verdict_init (v, "C3", "continuity");
  fc_verdict_report (v, "residual_hmin", 1.23456789, NAN);
  fc_verdict_decide (v, FC_TEST_HOLDS, "order_fit", 0.0381966, 0.5,
                     fabs (0.0381966 - 2.0) <= 0.5);
  v->verdict = fc_verdict_rule (v);
  fc_verdict_note (v, "residual stays at 1.23");
}

FC_TEST ("verdict", test_verdict_row_shows_match_flag_and_tolerances)
{
  fc_verdict v;
  two_metric_verdict (&v);
  char *ok = capture_row (&v, FC_VERDICT_REFUTED, 0);
  ck_assert_str_eq (ok, "C3    expected REFUTED      measured REFUTED      ok\n"
                        "      residual stays at 1.23\n"
                        "      decides holds order_fit                      0.0381966     tol 0.5         FAIL\n"
                        "      reports       residual_hmin                  1.23457\n");
  char *bad = capture_row (&v, FC_VERDICT_CONFIRMED, 0);
  ck_assert_ptr_nonnull (strstr (bad, "C3    expected CONFIRMED    measured REFUTED      MISMATCH\n"));
  free (ok);
  free (bad);
}
END_TEST

static int
count_char (const char *s, char c)
{
  int k = 0;
  for (; *s; s++)
    k += *s == c;
  return k;
}

FC_TEST ("verdict", test_verdict_tsv_has_ten_columns_per_metric_deciding_first)
{
  fc_verdict v;
  two_metric_verdict (&v);
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&buf, &len);
  fc_verdict_print_tsv_header (f);
  fclose (f);
  ck_assert_str_eq (buf,
                    "id\tmodule\texpected\tverdict\tmetric\tvalue\ttolerance\t"
                    "role\tpass\ttests\n");
  free (buf);
  char *rows = capture_row (&v, FC_VERDICT_REFUTED, 1);
  ck_assert_int_eq (count_char (rows, '\n'), 2);
  char *second = strchr (rows, '\n') + 1;
  ck_assert_int_eq (count_char (rows, '\t'), 18);
  ck_assert_int_eq (count_char (second, '\t'), 9);
  char expect[256];
  snprintf (expect, sizeof expect,
            "C3\tcontinuity\tREFUTED\tREFUTED\torder_fit\t%.17g\t0.5\t"
            "decides\tno\tholds\n"
            "C3\tcontinuity\tREFUTED\tREFUTED\tresidual_hmin\t%.17g\tnan\t"
            "reports\t-\t-\n",
            0.0381966, 1.23456789);
  ck_assert_str_eq (rows, expect);
  /* %.17g round-trips the double exactly.  */
  char *value = strstr (rows, "order_fit\t") + strlen ("order_fit\t");
  ck_assert_double_eq (strtod (value, NULL), 0.0381966);
  free (rows);
}
END_TEST

/* ------------------------------------------------------------ data files */

FC_TEST ("datafile", test_datafile_appears_only_on_commit_with_header)
{
  char path[256], first[256];
  fc_io_path (path, sizeof path, tmpdir, "c5_moments.dat");
  fc_datafile *f = fc_datafile_open (path, "flowcheck run C5", "t w2 z");
  ck_assert_ptr_nonnull (f);
  fprintf (fc_datafile_stream (f), "%.17g %.17g %.17g\n", 0.381966, 1.5, -2.0);
  /* Before commit only the temporary exists, under "NAME.tmp.".  */
  ck_assert_int_eq (dir_count (tmpdir, first), 1);
  ck_assert_int_eq (strncmp (first, "c5_moments.dat.tmp.", 19), 0);
  ck_assert_int_eq (access (path, F_OK), -1);
  ck_assert_int_eq (fc_datafile_commit (f), GSL_SUCCESS);
  ck_assert_int_eq (dir_count (tmpdir, first), 1);
  ck_assert_str_eq (first, "c5_moments.dat");
  char *text = slurp (path), expect[256];
  snprintf (expect, sizeof expect,
            "# written by: flowcheck run C5\n# columns: t w2 z\n"
            "%.17g 1.5 -2\n", 0.381966);
  ck_assert_str_eq (text, expect);
  free (text);
}
END_TEST

FC_TEST ("datafile", test_datafile_commit_replaces_an_existing_file)
{
  char path[256];
  fc_io_path (path, sizeof path, tmpdir, "out.dat");
  for (int round = 0; round < 2; round++)
    {
      fc_datafile *f = fc_datafile_open (path, "cmd", "a");
      ck_assert_ptr_nonnull (f);
      fprintf (fc_datafile_stream (f), "%d\n", round);
      ck_assert_int_eq (fc_datafile_commit (f), GSL_SUCCESS);
    }
  char *text = slurp (path);
  ck_assert_str_eq (text, "# written by: cmd\n# columns: a\n1\n");
  free (text);
  ck_assert_int_eq (dir_count (tmpdir, NULL), 1);
}
END_TEST

FC_TEST ("datafile", test_datafile_abort_leaves_nothing)
{
  char path[256];
  fc_io_path (path, sizeof path, tmpdir, "torn.dat");
  fc_datafile *f = fc_datafile_open (path, "cmd", "a b");
  ck_assert_ptr_nonnull (f);
  fprintf (fc_datafile_stream (f), "1 2\n");
  ck_assert_int_eq (dir_count (tmpdir, NULL), 1);
  fc_datafile_abort (f);
  ck_assert_int_eq (dir_count (tmpdir, NULL), 0);
  fc_datafile_abort (NULL);
}
END_TEST

FC_TEST ("datafile", test_datafile_open_in_missing_directory_fails_with_errno)
{
  char path[256];
  fc_io_path (path, sizeof path, tmpdir, "no/such/dir/x.dat");
  errno = 0;
  ck_assert_ptr_null (fc_datafile_open (path, "cmd", "a"));
  ck_assert_int_eq (errno, ENOENT);
  ck_assert_int_eq (dir_count (tmpdir, NULL), 0);
}
END_TEST

FC_TEST ("datafile", test_datafile_commit_onto_a_directory_fails_and_cleans_up)
{
  char path[256];
  fc_io_path (path, sizeof path, tmpdir, "occupied");
  ck_assert_int_eq (mkdir (path, 0777), 0);
  char inner[300];
  snprintf (inner, sizeof inner, "%s/keep", path);
  FILE *k = fopen (inner, "w");
  fclose (k);
  fc_datafile *f = fc_datafile_open (path, "cmd", "a");
  ck_assert_ptr_nonnull (f);
  errno = 0;
  ck_assert_int_eq (fc_datafile_commit (f), GSL_EFAILED);
  ck_assert_int_ne (errno, 0);
  /* Only the directory is left: the temporary was removed.  */
  ck_assert_int_eq (dir_count (tmpdir, NULL), 1);
}
END_TEST

FC_TEST ("datafile", test_io_path_joins_and_reports_overflow)
{
  char buf[16];
  ck_assert_int_eq (fc_io_path (buf, sizeof buf, "out", "a.dat"), 0);
  ck_assert_str_eq (buf, "out/a.dat");
  ck_assert_int_eq (fc_io_path (buf, sizeof buf, "out/", "a.dat"), 0);
  ck_assert_str_eq (buf, "out/a.dat");
  ck_assert_int_eq (fc_io_path (buf, sizeof buf, "", "a.dat"), 0);
  ck_assert_str_eq (buf, "a.dat");
  /* 15 characters fit in 16 bytes, 16 do not.  */
  ck_assert_int_eq (fc_io_path (buf, sizeof buf, "dir45678", "abcdef"), 0);
  ck_assert_int_eq (fc_io_path (buf, sizeof buf, "dir456789", "abcdef"),
                    GSL_EBADLEN);
}
END_TEST

FC_TEST ("datafile", test_io_mkdir_creates_nested_and_accepts_existing)
{
  char path[256];
  fc_io_path (path, sizeof path, tmpdir, "a/b//c/");
  ck_assert_int_eq (fc_io_mkdir (path), GSL_SUCCESS);
  struct stat st;
  ck_assert_int_eq (stat (path, &st), 0);
  ck_assert (S_ISDIR (st.st_mode));
  ck_assert_int_eq (fc_io_mkdir (path), GSL_SUCCESS);
  /* A plain file in the way is an error.  */
  fc_io_path (path, sizeof path, tmpdir, "file");
  FILE *f = fopen (path, "w");
  fclose (f);
  char below[300];
  snprintf (below, sizeof below, "%s/sub", path);
  ck_assert_int_eq (fc_io_mkdir (path), GSL_EFAILED);
  ck_assert_int_eq (fc_io_mkdir (below), GSL_EFAILED);
}
END_TEST

/* ------------------------------------------------------------ points */

/* Read TEXT as points of dimension DIM; returns the status.  */
static int
read_text (const char *text, size_t dim, double **x, size_t *n, char *err,
           size_t errlen)
{
  FILE *in = text_stream (text);
  int status = fc_io_read_points (in, "pts", dim, x, n, err, errlen);
  fclose (in);
  return status;
}

FC_TEST ("points", test_read_points_accepts_comments_blanks_crlf_and_tabs)
{
  const char *text = "# header line\n"
                     "\n"
                     "0.381966 -1.5e-3\n"
                     "  \t 2\t3   # trailing comment\r\n"
                     "   \n"
                     "-0 1e-310\r\n"
                     "4 5";
  double *x = NULL;
  size_t n = 0;
  char err[128];
  ck_assert_int_eq (read_text (text, 2, &x, &n, err, sizeof err),
                    GSL_SUCCESS);
  ck_assert_uint_eq (n, 4);
  const double expect[8] = { 0.381966, -1.5e-3, 2, 3, -0.0, 1e-310, 4, 5 };
  for (size_t i = 0; i < 8; i++)
    ck_assert_double_eq (x[i], expect[i]);
  free (x);
}
END_TEST

FC_TEST ("points", test_read_points_grows_past_many_rows)
{
  /* 1000 rows, beyond any first capacity, checks the geometric growth.  */
  size_t rows = 1000;
  char *text = malloc (rows * 32);
  size_t len = 0;
  for (size_t i = 0; i < rows; i++)
    len += (size_t) sprintf (text + len, "%zu %.17g %zu\n", i, 0.381966 * i,
                             2 * i);
  double *x = NULL;
  size_t n = 0;
  char err[128];
  ck_assert_int_eq (read_text (text, 3, &x, &n, err, sizeof err),
                    GSL_SUCCESS);
  ck_assert_uint_eq (n, rows);
  for (size_t i = 0; i < rows; i++)
    {
      ck_assert_double_eq (x[3 * i], (double) i);
      ck_assert_double_eq (x[3 * i + 1], 0.381966 * i);
      ck_assert_double_eq (x[3 * i + 2], (double) (2 * i));
    }
  free (x);
  free (text);
}
END_TEST

FC_TEST ("points", test_read_points_empty_input_gives_zero_points)
{
  const char *texts[] = { "", "# only a comment\n\n  \r\n" };
  for (size_t k = 0; k < 2; k++)
    {
      double *x = (double *) &k; /* must be replaced by NULL */
      size_t n = 7;
      char err[64];
      ck_assert_int_eq (read_text (texts[k], 3, &x, &n, err, sizeof err),
                        GSL_SUCCESS);
      ck_assert_uint_eq (n, 0);
      ck_assert_ptr_null (x);
    }
}
END_TEST

/* Bad input classes: text, the exact message.  */
static const struct
{
  const char *text;
  const char *message;
} bad_inputs[] = {
  { "1 2\n3\n", "pts:2: expected 2 numbers, found 1" },
  { "# c\n1 2\n\n1 2 3\n", "pts:4: expected 2 numbers, found 3" },
  { "1 2\n1 abc\n", "pts:2: not a number: 'abc'" },
  { "1.5abc 2\n", "pts:1: not a number: '1.5abc'" },
  { "1 2\n3 4\n5 nan\n", "pts:3: not finite" },
  { "inf 1\n", "pts:1: not finite" },
  { "1 -INFINITY\n", "pts:1: not finite" },
  { "1e999 0\n", "pts:1: not finite" },
  { "1 2\r\n3 x4\r\n", "pts:2: not a number: 'x4'" },
  { "1,2\n", "pts:1: not a number: '1,2'" },
};

FC_LOOP_TEST ("points", test_read_points_names_the_line_of_each_bad_class,
              (int) (sizeof bad_inputs / sizeof bad_inputs[0]))
{
  const char *text = bad_inputs[_i].text;
  double *x = NULL;
  size_t n = 0;
  char err[128] = "";
  ck_assert_int_eq (read_text (text, 2, &x, &n, err, sizeof err),
                    GSL_EINVAL);
  ck_assert_str_eq (err, bad_inputs[_i].message);
  ck_assert_ptr_null (x);
}
END_TEST

FC_TEST ("points", test_read_points_rejects_zero_dimension)
{
  double *x = NULL;
  size_t n = 0;
  char err[128] = "";
  ck_assert_int_eq (read_text ("1\n", 0, &x, &n, err, sizeof err),
                    GSL_EINVAL);
  ck_assert_ptr_nonnull (strstr (err, "pts"));
}
END_TEST

FC_FIXTURE ("datafile", tmpdir_setup, tmpdir_teardown)

FC_CK_MAIN ("verdict_io")
