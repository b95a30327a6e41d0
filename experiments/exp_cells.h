/* experiments/exp_cells.h -- the cell options of the experiment programs
 * (fc_cells.h: --list-cells, --cells I/N, --cell ID, --merge DIR), read
 * before the program's own options.
 *
 * Define FC_EXP_NAME (the program's name, a string literal) before
 * including this header.  */
#ifndef FC_EXP_CELLS_H
#define FC_EXP_CELLS_H

#include <stdio.h>
#include <stdlib.h>

#include "fc_cells.h"

#ifndef FC_EXP_NAME
#error "define FC_EXP_NAME (the program's name) before including exp_cells.h"
#endif

/* A usage error of the cell options: MSG (naming the option) and a
   pointer to --help on stderr; exit status 2.  */
static inline void
fc_exp_cells_error (const char *msg)
{
  fprintf (stderr, FC_EXP_NAME ": %s\nTry '" FC_EXP_NAME " --help'.\n", msg);
  exit (2);
}

/* The cell options in a program's --help (stdout); WHAT names the
   program's cells.  */
static inline void
fc_exp_cells_help (const char *what)
{
  printf ("\n"
          "Cells (the run split into processes; experiments/run-sweep drives\n"
          "them; README \"Sweeps in cells\"): %s.\n"
          "  --list-cells  print the cell ids, one a line\n"
          "  --cells I/N   run shard I of N (cells k with k mod N = I - 1),\n"
          "                each into DIR/cells/ID/ under --out DIR\n"
          "  --cell ID     run the one cell ID, the same way\n"
          "  --merge DIR   write the run's outputs from DIR/cells, the same\n"
          "                bytes but timings; a missing cell is named, exit 2\n",
          what);
}

/* Move the cell options out of ARGV into CO (fc_cells_take_options); a
   usage error when they are bad, or when --merge comes with anything
   else (the study is read from DIR/cells/study).  */
static inline void
fc_exp_take_cells (int *argc, char **argv, fc_cells_opts *co)
{
  char err[FC_CELLS_ERR];
  if (fc_cells_take_options (argc, argv, co, err) != 0)
    fc_exp_cells_error (err);
  if (co->mode == FC_CELLS_MERGE && *argc > 1)
    fc_exp_cells_error ("--merge: no other option: the study is read "
                        "from DIR/cells/study");
}

/* The study of --merge DIR (fc_cells_read_study); a usage error naming
   the missing cells when some are.  */
static inline void
fc_exp_read_study (const char *dir, fc_cells_study *study)
{
  char err[FC_CELLS_ERR];
  if (fc_cells_read_study (dir, study, err) != 0)
    {
      fprintf (stderr, FC_EXP_NAME ": %s\n", err);
      exit (2);
    }
}

/* Check CELLS against CO (--cell ID names one); print them and exit 0
   under --list-cells; write DIR/cells/study for a sharded run.  */
static inline void
fc_exp_cells_start (const fc_cells_opts *co, const fc_cell_list *cells,
                    const char *dir, int argc, char **argv)
{
  char err[FC_CELLS_ERR];
  if (fc_cells_check (co, cells, err) != 0)
    fc_exp_cells_error (err);
  if (co->mode == FC_CELLS_LIST)
    exit (fc_cell_list_print (stdout, cells) == 0 ? EXIT_SUCCESS
                                                  : EXIT_FAILURE);
  if (fc_cells_sharded (co)
      && fc_cells_write_study (dir, argc, argv, cells, err) != 0)
    {
      fprintf (stderr, FC_EXP_NAME ": %s\n", err);
      exit (2);
    }
}

/* NAME in the cell directory DIR (fc_cell_begin's temporary), open for
   writing; on failure a message and exit status 1.  */
static inline FILE *
fc_exp_cell_file (const char *dir, const char *name)
{
  char path[4096];
  FILE *f = NULL;
  if (snprintf (path, sizeof path, "%s/%s", dir, name) < (int) sizeof path)
    f = fopen (path, "w");
  if (f == NULL)
    {
      fprintf (stderr, FC_EXP_NAME ": %s/%s: cannot write\n", dir, name);
      exit (EXIT_FAILURE);
    }
  return f;
}

#endif /* FC_EXP_CELLS_H */
