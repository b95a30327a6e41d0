/* src/fc_cells.h -- a study as a list of cells that run anywhere and merge
 * into the bytes of one process (issue 16).
 *
 * A cell is a unit of a study (a claim group of `flowcheck run`, a
 * configuration of experiments/posterior-gmm, a path problem of
 * experiments/learned-path) whose numbers depend on the master seed and on
 * what the cell is, never on which other cells run beside it: its id is a
 * short stable string, safe as a file name ("G4+G6", "grid-d8-m4-sy0.1").
 *
 * The options every program shares (fc_cells_take_options strips them
 * from ARGV before the program reads its own, so that the command line a
 * data file names is the unsharded one):
 *
 *   --list-cells    the cell ids, one a line, in study order
 *   --cells I/N     run shard I (1-based) of N: the cells whose 0-based
 *                   index k in the list has k mod N = I - 1 (round robin:
 *                   neighbouring cells, often of like cost, go to
 *                   different shards)
 *   --cell ID       run the one cell ID
 *   --merge DIR     assemble DIR's cells into the study's outputs
 *
 * Layout under the study's --out DIR:
 *
 *   DIR/cells/study     the study: the command line of the unsharded run
 *                       ("arg: X" lines, cell options removed) and the
 *                       cell ids ("cell: ID" lines); written by every
 *                       shard, identical, refused when it differs
 *   DIR/cells/ID/       one cell's files, published atomically: written in
 *                       DIR/cells/.ID.XXXXXX, then renamed
 *   DIR/INCOMPLETE      present while anything in DIR is being written
 *                       (fc_cells_mark_incomplete), removed once the
 *                       outputs are complete: a killed run leaves it.
 *
 * The merge reads DIR/cells/study, refuses (writing nothing) when a cell
 * directory is missing, naming each one, and lets the program write its
 * outputs from the cell files exactly as the unsharded run writes them.
 *
 * Errors: a function that can fail returns 0 or -1 and, on -1, leaves one
 * line (no program name, no newline) in ERR (FC_CELLS_ERR bytes).  */
#ifndef FC_CELLS_H
#define FC_CELLS_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FC_CELLS_ERR 1024
#define FC_CELLS_ID_MAX 128

typedef enum
{
  FC_CELLS_ALL = 0, /* no cell option: the whole study in this process */
  FC_CELLS_LIST,    /* --list-cells */
  FC_CELLS_SHARD,   /* --cells I/N */
  FC_CELLS_ONE,     /* --cell ID */
  FC_CELLS_MERGE    /* --merge DIR */
} fc_cells_mode;

typedef struct
{
  fc_cells_mode mode;
  size_t shard, n_shards; /* --cells I/N: 1 <= I <= N */
  const char *cell;       /* --cell ID */
  const char *merge_dir;  /* --merge DIR */
} fc_cells_opts;

/* Move the cell options out of ARGV (ARGV[0] kept; "--opt V" and
   "--opt=V"; *ARGC updated, ARGV[*ARGC] = NULL) into O.  -1 on a repeated
   or conflicting cell option, a missing value, or a bad I/N.  */
int
fc_cells_take_options (int *argc, char **argv, fc_cells_opts *o,
                       char *err);

/* 1 when O asks to run some cells in this process (--cells or --cell).  */
static inline int
fc_cells_sharded (const fc_cells_opts *o)
{
  return o->mode == FC_CELLS_SHARD || o->mode == FC_CELLS_ONE;
}

/* The cells of a study, in study order.  */
typedef struct
{
  size_t n, cap;
  char **id;
} fc_cell_list;

/* Append the id printed by FMT, its characters outside [A-Za-z0-9._+=-]
   replaced by '_' (file-name safe); -1 on no memory or an id longer than
   FC_CELLS_ID_MAX.  */
int
fc_cell_list_add (fc_cell_list *l, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));

void
fc_cell_list_free (fc_cell_list *l);

/* The index of ID in L, or -1.  */
long
fc_cell_list_find (const fc_cell_list *l, const char *id);

/* 1 when A and B hold the same ids in the same order.  */
int
fc_cell_list_equal (const fc_cell_list *a, const fc_cell_list *b);

/* -1 when --cell names no cell of L (or L has a repeated id).  */
int
fc_cells_check (const fc_cells_opts *o, const fc_cell_list *l, char *err);

/* 1 when cell K of L runs in this process under O (every cell when O
   selects none; the shard rule; the one --cell).  */
int
fc_cells_runs (const fc_cells_opts *o, const fc_cell_list *l, size_t k);

/* The ids on OUT, one a line; -1 (with errno) on a write error.  */
int
fc_cell_list_print (FILE *out, const fc_cell_list *l);

/* The study of a sharded run: the ARGC arguments ARGV of its unsharded
   command line and its cells.  */
typedef struct
{
  int argc;
  char **argv;       /* NULL-terminated */
  fc_cell_list cells;
} fc_cells_study;

/* Create DIR/cells and write DIR/cells/study (atomically) for ARGC, ARGV
   and L; -1 when it cannot, or when DIR/cells/study exists and differs
   (the cells of another study).  */
int
fc_cells_write_study (const char *dir, int argc, char *const *argv,
                      const fc_cell_list *l, char *err);

/* Read DIR/cells/study into S; then -1, naming every cell whose directory
   is missing, unless all are present.  S is released on failure.  */
int
fc_cells_read_study (const char *dir, fc_cells_study *s, char *err);

void
fc_cells_study_free (fc_cells_study *s);

/* A cell being written: its directory TMP (a temporary under DIR/cells),
   published as DIR/cells/ID by fc_cell_commit.  */
typedef struct
{
  char tmp[4096];
  char final[4096];
} fc_cell_dir;

/* Create the temporary directory of cell ID under DIR/cells; -1 on
   failure.  */
int
fc_cell_begin (fc_cell_dir *c, const char *dir, const char *id, char *err);

/* Replace DIR/cells/ID by the temporary (a previous one is removed);
   fc_cell_abort removes the temporary.  */
int
fc_cell_commit (fc_cell_dir *c, char *err);

void
fc_cell_abort (fc_cell_dir *c);

/* The path DIR/cells/ID/NAME into BUF; -1 when it does not fit.  */
int
fc_cell_path (char *buf, size_t len, const char *dir, const char *id,
              const char *name);

/* The whole of DIR/cells/ID/NAME, malloc'd and NUL-terminated (*LEN its
   bytes, if LEN is not NULL); NULL after a message in ERR.  */
char *
fc_cell_read (const char *dir, const char *id, const char *name, size_t *len,
              char *err);

/* Copy DIR/cells/ID/NAME to OUT; -1 after a message in ERR.  */
int
fc_cell_cat (FILE *out, const char *dir, const char *id, const char *name,
             char *err);

/* Copy every file of DIR/cells/ID whose name starts with none of the
   NULL-terminated prefixes SKIP into DIR, each atomically (a temporary
   renamed); -1 after a message in ERR.  */
int
fc_cell_copy_files (const char *dir, const char *id, const char *const *skip,
                    char *err);

/* Write DIR/INCOMPLETE naming COMMAND (fc_cells_mark_incomplete), remove
   it (fc_cells_mark_complete); -1 with errno on failure.  */
int
fc_cells_mark_incomplete (const char *dir, const char *command);

int
fc_cells_mark_complete (const char *dir);

#ifdef __cplusplus
}
#endif
#endif /* FC_CELLS_H */
