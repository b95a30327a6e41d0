/* experiments/learned_path_cells.c -- the cells of the cost study of
 * experiments/learned-path (issue 16; fc_cells.h): a cell is one path
 * problem of B6 (ids path0 .. path3, in problem order) or the two-block
 * schedule of B8 (block_schedule).  A problem's draws come from streams of
 * the seed keyed by the problem (fc_barycentric_path_learn), the schedule
 * draws nothing, so a cell gives the same numbers in any shard.
 *
 * DIR/cells/ID/ holds summary.txt (its row of the summary table) and
 * result.txt, the learned path (or schedule) field by field, doubles in
 * C99 hexadecimal (%a: the exact bits).  --merge DIR reads them back and
 * writes the data files with the module's own writers, so path-cost.dat,
 * simplex-paths.dat and block-schedule.dat are the unsharded run's bytes;
 * the summary's seconds column is the one timing.  A field added to
 * fc_barycentric_path or fc_barycentric_schedule must be added here too
 * (tests/cells.test compares the merged files with the unsharded ones).  */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>

#include "barycentric/barycentric.h"
#include "fc_io.h"
#include "learned_path_study.h"
#define FC_EXP_NAME "learned-path"
#include "exp_cells.h"

#define LP_N_CELLS (FC_BARYCENTRIC_N_PATH_PROBLEMS + 1)

static void
lp_cells (fc_cell_list *cells)
{
  for (size_t k = 0; k < LP_N_CELLS; k++)
    if ((k < FC_BARYCENTRIC_N_PATH_PROBLEMS
             ? fc_cell_list_add (cells, "path%zu", k)
             : fc_cell_list_add (cells, "block_schedule"))
        != 0)
      fc_exp_cells_error ("out of memory");
}

static void
lp_cells_fail (const char *what)
{
  fprintf (stderr, FC_EXP_NAME ": %s\n", what);
  exit (EXIT_FAILURE);
}

/* ------------------------------------------------------- serialisation */

static void
lp_put (FILE *f, const char *name, const double *x, size_t n)
{
  fprintf (f, "%s", name);
  for (size_t i = 0; i < n; i++)
    fprintf (f, " %a", x[i]);
  fputc ('\n', f);
}

static void
lp_put_path (FILE *f, const fc_barycentric_path *r)
{
  fprintf (f, "name %s\nmc %d\nsizes %zu %zu %zu %zu %zu %zu %zu\n", r->name,
           r->mc, r->n_modes, r->n_params, r->n_fit, r->n_fit_nodes,
           r->n_eval, r->n_eval_nodes, r->n_trace);
  double s[] = { r->straight,   r->learned,   r->err_straight,
                 r->err_learned, r->diff,     r->diff_err,
                 r->bound,      r->end_error, r->simplex_violation,
                 r->straight_fit, r->seconds };
  lp_put (f, "scalars", s, sizeof s / sizeof s[0]);
  lp_put (f, "theta", r->theta, r->n_params);
  lp_put (f, "trace", r->trace, r->n_trace);
  fprintf (f, "start");
  for (size_t i = 0; i < r->n_trace; i++)
    fprintf (f, " %d", r->trace_start[i]);
  fputc ('\n', f);
}

static void
lp_put_schedule (FILE *f, const fc_barycentric_schedule *s)
{
  fprintf (f, "sizes %zu %zu\n", s->dim_block, s->n_modes);
  double x[] = { s->diagonal, s->learned, s->err, s->bound, s->seconds };
  lp_put (f, "scalars", x, sizeof x / sizeof x[0]);
  lp_put (f, "a", s->a, 2 * FC_BARYCENTRIC_MAX_MODES);
}

/* The N doubles after the word NAME at *P (advanced); -1 on a mismatch.  */
static int
lp_get (char **p, const char *name, double *x, size_t n)
{
  size_t len = strlen (name);
  if (strncmp (*p, name, len) != 0)
    return -1;
  *p += len;
  for (size_t i = 0; i < n; i++)
    {
      char *end;
      x[i] = strtod (*p, &end);
      if (end == *p)
        return -1;
      *p = end;
    }
  return **p == '\n' ? (++*p, 0) : -1;
}

/* Path R from TEXT; its name kept in NAME (of LEN bytes).  */
static int
lp_get_path (char *p, fc_barycentric_path *r, char *name, size_t len)
{
  int n = 0;
  memset (r, 0, sizeof *r);
  if (sscanf (p, "name %63s\nmc %d\nsizes %zu %zu %zu %zu %zu %zu %zu\n%n",
              name, &r->mc, &r->n_modes, &r->n_params, &r->n_fit,
              &r->n_fit_nodes, &r->n_eval, &r->n_eval_nodes, &r->n_trace, &n)
          < 9
      || n == 0 || r->n_params > FC_BARYCENTRIC_MAX_PARAMS || len < 64)
    return -1;
  r->name = name;
  p += n;
  double s[11];
  r->trace = malloc ((r->n_trace + 1) * sizeof *r->trace);
  r->trace_start = malloc (r->n_trace + 1);
  if (r->trace == NULL || r->trace_start == NULL
      || lp_get (&p, "scalars", s, 11) != 0
      || lp_get (&p, "theta", r->theta, r->n_params) != 0
      || lp_get (&p, "trace", r->trace, r->n_trace) != 0
      || strncmp (p, "start", 5) != 0)
    return -1;
  p += 5;
  for (size_t i = 0; i < r->n_trace; i++)
    r->trace_start[i] = (unsigned char) strtol (p, &p, 10);
  r->straight = s[0], r->learned = s[1], r->err_straight = s[2];
  r->err_learned = s[3], r->diff = s[4], r->diff_err = s[5];
  r->bound = s[6], r->end_error = s[7], r->simplex_violation = s[8];
  r->straight_fit = s[9], r->seconds = s[10];
  return 0;
}

static int
lp_get_schedule (char *p, fc_barycentric_schedule *s)
{
  int n = 0;
  memset (s, 0, sizeof *s);
  double x[5];
  if (sscanf (p, "sizes %zu %zu\n%n", &s->dim_block, &s->n_modes, &n) < 2
      || n == 0)
    return -1;
  p += n;
  if (lp_get (&p, "scalars", x, 5) != 0
      || lp_get (&p, "a", s->a, 2 * FC_BARYCENTRIC_MAX_MODES) != 0)
    return -1;
  s->diagonal = x[0], s->learned = x[1], s->err = x[2], s->bound = x[3];
  s->seconds = x[4];
  return 0;
}

/* Run cell K (ID) of the study OPT into DIR/cells/ID.  */
static void
lp_run_cell (const fc_run_options *opt, size_t k, const char *id)
{
  char err[FC_CELLS_ERR];
  fc_cell_dir dir;
  if (fc_cell_begin (&dir, opt->out_dir, id, err) != 0)
    lp_cells_fail (err);
  FILE *summary = fc_exp_cell_file (dir.tmp, "summary.txt");
  FILE *result = fc_exp_cell_file (dir.tmp, "result.txt");
  int status;
  if (k < FC_BARYCENTRIC_N_PATH_PROBLEMS)
    {
      fc_barycentric_path r = { 0 };
      status = lp_study_path (opt, k, &r, summary);
      if (status == GSL_SUCCESS)
        lp_put_path (result, &r);
      fc_barycentric_path_free (&r);
    }
  else
    {
      fc_barycentric_schedule s;
      status = lp_study_schedule_learn (opt, &s, summary);
      if (status == GSL_SUCCESS)
        lp_put_schedule (result, &s);
    }
  int bad = ferror (summary) | ferror (result);
  bad |= fclose (summary) | fclose (result);
  if (status != GSL_SUCCESS || bad || fc_cell_commit (&dir, err) != 0)
    {
      fc_cell_abort (&dir);
      lp_cells_fail (status != GSL_SUCCESS ? gsl_strerror (status)
                     : bad                 ? "cannot write a cell file"
                                           : err);
    }
}

int
lp_cells_run (const fc_run_options *opt, const fc_cells_opts *co, int argc,
              char **argv)
{
  fc_cell_list cells = { 0, 0, NULL };
  lp_cells (&cells);
  fc_exp_cells_start (co, &cells, opt->out_dir, argc, argv);
  for (size_t k = 0; k < cells.n; k++)
    if (fc_cells_runs (co, &cells, k))
      lp_run_cell (opt, k, cells.id[k]);
  fc_cell_list_free (&cells);
  return EXIT_SUCCESS;
}

/* ------------------------------------------------------------ merge */

/* File NAME of cell K of STUDY under DIR, or fail.  */
static char *
lp_merge_read (const char *dir, const fc_cells_study *study, size_t k,
               const char *name)
{
  char err[FC_CELLS_ERR];
  char *text = fc_cell_read (dir, study->cells.id[k], name, NULL, err);
  if (text == NULL)
    lp_cells_fail (err);
  return text;
}

/* The paths of the cells into PATHS (names in NAMES), their summary rows
   on stdout.  */
static void
lp_merge_paths (const char *dir, const fc_cells_study *study,
                fc_barycentric_path *paths, char (*names)[64])
{
  for (size_t k = 0; k < FC_BARYCENTRIC_N_PATH_PROBLEMS; k++)
    {
      char *result = lp_merge_read (dir, study, k, "result.txt");
      char *summary = lp_merge_read (dir, study, k, "summary.txt");
      int bad = lp_get_path (result, &paths[k], names[k], 64);
      fputs (summary, stdout);
      free (result);
      free (summary);
      if (bad)
        lp_cells_fail ("--merge: a cell's result.txt is not a learned path");
    }
}

int
lp_cells_merge (const char *dir, fc_cells_study *study_in,
                const fc_run_options *opt)
{
  fc_cells_study study = *study_in;
  fc_cell_list cells = { 0, 0, NULL };
  lp_cells (&cells);
  int same = fc_cell_list_equal (&cells, &study.cells);
  fc_cell_list_free (&cells);
  if (!same)
    fc_exp_cells_error ("--merge: DIR/cells/study is not a cost study");
  fc_run_options o = *opt;
  o.out_dir = dir;
  fc_barycentric_path paths[FC_BARYCENTRIC_N_PATH_PROBLEMS];
  char names[FC_BARYCENTRIC_N_PATH_PROBLEMS][64];
  fc_barycentric_schedule s;
  lp_study_summary_header (stdout);
  lp_merge_paths (dir, &study, paths, names);
  /* The headers name the unsharded run's --out.  */
  fc_module_set_out_name (opt->out_dir);
  int status = fc_barycentric_write_path_cost (&o, paths);
  if (status == GSL_SUCCESS)
    status = fc_barycentric_write_simplex_paths (&o, paths);
  for (size_t k = 0; k < FC_BARYCENTRIC_N_PATH_PROBLEMS; k++)
    fc_barycentric_path_free (&paths[k]);
  char *result = lp_merge_read (dir, &study, LP_N_CELLS - 1, "result.txt");
  char *summary = lp_merge_read (dir, &study, LP_N_CELLS - 1, "summary.txt");
  if (status == GSL_SUCCESS && lp_get_schedule (result, &s) != 0)
    lp_cells_fail ("--merge: a cell's result.txt is not a schedule");
  if (status == GSL_SUCCESS)
    status = fc_barycentric_write_block_schedule (&o, &s);
  if (status == GSL_SUCCESS)
    fputs (summary, stdout);
  free (result);
  free (summary);
  fc_module_set_out_name (NULL);
  fc_cells_study_free (study_in);
  if (status != GSL_SUCCESS)
    lp_cells_fail (gsl_strerror (status));
  return fflush (stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
