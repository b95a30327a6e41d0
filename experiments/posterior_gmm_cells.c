/* experiments/posterior_gmm_cells.c -- the cells of experiments/posterior-gmm
 * (issue 16; fc_cells.h): a cell is one configuration (prior, d, m,
 * sigma_y), in the order of the run (prior, dimension, noise level), id
 * "grid-d8-m4-sy0.1".  Every random object of a configuration draws from
 * streams keyed by what it is (posterior_gmm.h, PG_TAG_*), never by its
 * place in the run, so a cell gives the same numbers in any shard.
 *
 * DIR/cells/ID/ holds table.txt (its rows of the table), data.txt (its
 * rows of posterior-gmm.dat) and seconds (its wall time).  --merge DIR
 * writes the table and DIR/posterior-gmm.dat from them with the headers of
 * the unsharded run; the "total wall time" line is then the sum of the
 * cells' times.  The timings (the table's and the data file's seconds
 * column) are the only bytes that differ from one run to the next.  */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fc_io.h"
#include "posterior_gmm.h"
#define FC_EXP_NAME PG_NAME
#include "exp_cells.h"

/* The cells of the run O, in its order.  */
static void
pg_cells (const pg_opts *o, fc_cell_list *cells)
{
  for (int p = 0; p < PG_PRIOR_COUNT; p++)
    for (size_t id = 0; o->use_prior[p] && id < o->n_dims; id++)
      for (size_t is = 0; is < o->n_sigmas; is++)
        if (fc_cell_list_add (cells, "%s-d%zu-m%zu-sy%g", pg_prior_names[p],
                              o->dims[id], o->rows[id], o->sigmas[is])
            != 0)
          pg_fail ("out of memory");
}

/* Run configuration (P, ID, IS) of O as cell ID of DIR/cells.  */
static void
pg_run_cell (const pg_opts *o, int p, size_t id, size_t is,
             const char *cell)
{
  char err[FC_CELLS_ERR];
  fc_cell_dir dir;
  if (fc_cell_begin (&dir, o->out_dir, cell, err) != 0)
    pg_fail (err);
  FILE *table = fc_exp_cell_file (dir.tmp, "table.txt");
  FILE *data = fc_exp_cell_file (dir.tmp, "data.txt");
  FILE *secs = fc_exp_cell_file (dir.tmp, "seconds");
  double t0 = fc_io_wall_seconds ();
  pg_config c;
  pg_config_init (&c, (pg_prior) p, o->dims[id], o->rows[id], o->sigmas[is],
                  o->seed);
  pg_run_config (&c, o, table, data);
  pg_config_free (&c);
  fprintf (secs, "%.17g\n", fc_io_wall_seconds () - t0);
  int bad = ferror (table) | ferror (data) | ferror (secs);
  bad |= fclose (table) | fclose (data) | fclose (secs);
  if (bad || fc_cell_commit (&dir, err) != 0)
    {
      fc_cell_abort (&dir);
      pg_fail (bad ? "cannot write a cell file" : err);
    }
  fprintf (stderr, PG_NAME ": cell %s: %.1f s\n", cell, fc_io_wall_seconds () - t0);
}

int
pg_run_cells (const pg_opts *o, const fc_cells_opts *co, int argc,
              char **argv)
{
  fc_cell_list cells = { 0, 0, NULL };
  pg_cells (o, &cells);
  fc_exp_cells_start (co, &cells, o->out_dir, argc, argv);
  size_t k = 0;
  for (int p = 0; p < PG_PRIOR_COUNT; p++)
    for (size_t id = 0; o->use_prior[p] && id < o->n_dims; id++)
      for (size_t is = 0; is < o->n_sigmas; is++, k++)
        if (fc_cells_runs (co, &cells, k))
          pg_run_cell (o, p, id, is, cells.id[k]);
  fc_cell_list_free (&cells);
  return EXIT_SUCCESS;
}

/* Copy NAME of every cell of STUDY under DIR to OUT; the sum of their
   "seconds" when NAME is NULL.  */
static double
pg_merge_cat (const char *dir, const fc_cells_study *study, const char *name,
              FILE *out)
{
  char err[FC_CELLS_ERR];
  double sum = 0.0;
  for (size_t k = 0; k < study->cells.n; k++)
    {
      const char *id = study->cells.id[k];
      char *secs = name ? NULL : fc_cell_read (dir, id, "seconds", NULL, err);
      if (name ? fc_cell_cat (out, dir, id, name, err) != 0 : secs == NULL)
        pg_fail (err);
      sum += secs ? atof (secs) : 0.0;
      free (secs);
    }
  return sum;
}

int
pg_merge (const char *dir)
{
  fc_cells_study study;
  fc_exp_read_study (dir, &study);
  pg_opts o;
  pg_parse (study.argc, study.argv, &o);
  fc_cell_list cells = { 0, 0, NULL };
  pg_cells (&o, &cells);
  int same = fc_cell_list_equal (&cells, &study.cells);
  fc_cell_list_free (&cells);
  if (!same)
    fc_exp_cells_error ("--merge: the cells of DIR/cells/study are not "
                        "those of its command");
  o.out_dir = dir;
  double secs = pg_merge_cat (dir, &study, NULL, NULL);
  pg_open_file = pg_open_data (&o, study.argc, study.argv);
  pg_table_header (&o);
  pg_merge_cat (dir, &study, "table.txt", stdout);
  pg_merge_cat (dir, &study, "data.txt", fc_datafile_stream (pg_open_file));
  printf ("# total wall time %.1f s\n", secs);
  fc_datafile *df = pg_open_file;
  pg_open_file = NULL;
  fc_cells_study_free (&study);
  if (fc_datafile_commit (df) != 0 || fflush (stdout) != 0)
    {
      fprintf (stderr, PG_NAME ": cannot write the data file in %s: %s\n",
               dir, strerror (errno));
      return EXIT_FAILURE;
    }
  return EXIT_SUCCESS;
}
