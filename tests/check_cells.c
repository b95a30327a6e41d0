/* tests/check_cells.c -- src/fc_cells (issue 16): the cell options, the
 * shard rule, file-name-safe ids, cell directories published whole, the
 * study file and the merge's refusal naming every missing cell.
 *
 * Claims: the cell options are taken out of ARGV (the rest kept in order)
 * and a bad or repeated one is refused with the option named; every cell
 * runs in exactly one of N shards, round robin by index; ids are safe file
 * names; a cell directory appears under its name only on commit; a study
 * file round-trips, a differing one is refused, and a study with cells
 * missing is refused naming each.  */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fc_check.h"
#include "fc_cells.h"

static char tmpdir[64];

static void
tmpdir_setup (void)
{
  snprintf (tmpdir, sizeof tmpdir, "/tmp/fc-check-cells-XXXXXX");
  ck_assert_ptr_nonnull (mkdtemp (tmpdir));
}

static void
tmpdir_teardown (void)
{
  char cmd[128];
  snprintf (cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  ck_assert_int_eq (system (cmd), 0);
}

static int
is_dir (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 && S_ISDIR (st.st_mode);
}

FC_TEST ("options", test_take_options_removes_cell_options_only)
{
  char *argv[] = { "run", "--quick", "--cells", "2/3", "--out", "d", "C1",
                   NULL };
  int argc = 7;
  fc_cells_opts o;
  char err[FC_CELLS_ERR];
  ck_assert_int_eq (fc_cells_take_options (&argc, argv, &o, err), 0);
  ck_assert_int_eq (argc, 5);
  ck_assert_str_eq (argv[1], "--quick");
  ck_assert_str_eq (argv[4], "C1");
  ck_assert_ptr_null (argv[5]);
  ck_assert_int_eq (o.mode, FC_CELLS_SHARD);
  ck_assert_uint_eq (o.shard, 2);
  ck_assert_uint_eq (o.n_shards, 3);
}
END_TEST

/* Bad cell options and the option each message must name.  */
static const struct
{
  const char *args[4];
  const char *named;
} bad_options[] = {
  { { "--cells", "0/3", NULL }, "--cells" },
  { { "--cells", "4/3", NULL }, "--cells" },
  { { "--cells", "1/", NULL }, "--cells" },
  { { "--cells", "x", NULL }, "--cells" },
  { { "--cells=1/2", "--cell", "A", NULL }, "--cell" },
  { { "--list-cells", "--list-cells", NULL }, "--list-cells" },
  { { "--merge", NULL }, "--merge" },
  { { "--cell=", NULL }, "--cell" },
};

FC_LOOP_TEST ("options", test_bad_options_are_refused_naming_the_option,
              (int) (sizeof bad_options / sizeof bad_options[0]))
{
  char *argv[6] = { "prog" };
  int argc = 1;
  for (int k = 0; bad_options[_i].args[k] != NULL; k++)
    argv[argc++] = (char *) bad_options[_i].args[k];
  argv[argc] = NULL;
  fc_cells_opts o;
  char err[FC_CELLS_ERR] = "";
  ck_assert_int_eq (fc_cells_take_options (&argc, argv, &o, err), -1);
  ck_assert_msg (strstr (err, bad_options[_i].named) == err, "%s", err);
}
END_TEST

FC_TEST ("shards", test_every_cell_runs_in_exactly_one_shard)
{
  fc_cell_list l = { 0, 0, NULL };
  for (int k = 0; k < 11; k++)
    ck_assert_int_eq (fc_cell_list_add (&l, "c%d", k), 0);
  for (size_t n = 1; n <= 13; n++)
    for (size_t k = 0; k < l.n; k++)
      {
        int runs = 0;
        for (size_t i = 1; i <= n; i++)
          {
            fc_cells_opts o = { FC_CELLS_SHARD, i, n, NULL, NULL };
            int r = fc_cells_runs (&o, &l, k);
            runs += r;
            /* Round robin: cell k in shard k mod n + 1.  */
            ck_assert_int_eq (r, k % n == i - 1);
          }
        ck_assert_int_eq (runs, 1);
      }
  fc_cells_opts one = { FC_CELLS_ONE, 0, 0, "c4", NULL };
  char err[FC_CELLS_ERR];
  ck_assert_int_eq (fc_cells_check (&one, &l, err), 0);
  ck_assert_int_eq (fc_cells_runs (&one, &l, 4), 1);
  ck_assert_int_eq (fc_cells_runs (&one, &l, 5), 0);
  one.cell = "c99";
  ck_assert_int_eq (fc_cells_check (&one, &l, err), -1);
  ck_assert_ptr_nonnull (strstr (err, "c99"));
  fc_cell_list_free (&l);
}
END_TEST

FC_TEST ("shards", test_ids_are_safe_file_names_and_unique)
{
  fc_cell_list l = { 0, 0, NULL };
  ck_assert_int_eq (fc_cell_list_add (&l, "posterior/d=%d prior*%s", 8,
                                      "x"), 0);
  ck_assert_str_eq (l.id[0], "posterior_d=8_prior_x");
  ck_assert_int_eq (fc_cell_list_add (&l, "..%s", "up"), 0);
  ck_assert_str_eq (l.id[1], "_.up");
  ck_assert_int_eq (fc_cell_list_add (&l, "%s", "_.up"), 0);
  fc_cells_opts all = { FC_CELLS_ALL, 0, 0, NULL, NULL };
  char err[FC_CELLS_ERR];
  ck_assert_int_eq (fc_cells_check (&all, &l, err), -1);
  ck_assert_ptr_nonnull (strstr (err, "repeated"));
  fc_cell_list_free (&l);
}
END_TEST

FC_TEST ("dirs", test_cell_appears_only_on_commit_and_merge_names_missing)
{
  char *argv[] = { "prog", "--out", tmpdir, NULL };
  fc_cell_list l = { 0, 0, NULL };
  char err[FC_CELLS_ERR], path[4200];
  for (int k = 0; k < 3; k++)
    ck_assert_int_eq (fc_cell_list_add (&l, "cell%d", k), 0);
  ck_assert_int_eq (fc_cells_write_study (tmpdir, 3, argv, &l, err), 0);
  /* The same study again is fine; another one is refused.  */
  ck_assert_int_eq (fc_cells_write_study (tmpdir, 3, argv, &l, err), 0);
  ck_assert_int_eq (fc_cells_write_study (tmpdir, 2, argv, &l, err), -1);
  fc_cell_dir c;
  ck_assert_int_eq (fc_cell_begin (&c, tmpdir, "cell1", err), 0);
  snprintf (path, sizeof path, "%s/x.txt", c.tmp);
  FILE *f = fopen (path, "w");
  ck_assert_ptr_nonnull (f);
  fputs ("one\n", f);
  ck_assert_int_eq (fclose (f), 0);
  snprintf (path, sizeof path, "%s/cells/cell1", tmpdir);
  ck_assert (!is_dir (path));
  ck_assert_int_eq (fc_cell_commit (&c, err), 0);
  ck_assert (is_dir (path));
  fc_cells_study s;
  ck_assert_int_eq (fc_cells_read_study (tmpdir, &s, err), -1);
  ck_assert_msg (strstr (err, "2 of 3 cells missing: cell0 cell2") != NULL,
                 "%s", err);
  for (int k = 0; k < 3; k += 2)
    {
      char id[8];
      snprintf (id, sizeof id, "cell%d", k);
      ck_assert_int_eq (fc_cell_begin (&c, tmpdir, id, err), 0);
      ck_assert_int_eq (fc_cell_commit (&c, err), 0);
    }
  ck_assert_int_eq (fc_cells_read_study (tmpdir, &s, err), 0);
  ck_assert_int_eq (s.argc, 3);
  ck_assert_str_eq (s.argv[2], tmpdir);
  ck_assert_uint_eq (s.cells.n, 3);
  char *text = fc_cell_read (tmpdir, "cell1", "x.txt", NULL, err);
  ck_assert_str_eq (text, "one\n");
  free (text);
  fc_cells_study_free (&s);
  fc_cell_list_free (&l);
}
END_TEST

FC_FIXTURE ("dirs", tmpdir_setup, tmpdir_teardown)

FC_CK_MAIN ("cells")
