/* src/fc_io.h -- data files and point input.
 *
 * Data files (ARCHITECTURE.md "Contracts"): plain text, gnuplot-ready, a '#'
 * header naming the command that wrote it and every column, written to a
 * temporary name in the target directory and renamed into place on commit,
 * so an interrupted run never leaves a torn file.  */
#ifndef FC_IO_H
#define FC_IO_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fc_datafile fc_datafile;

/* Open PATH for writing through a temporary "PATH.tmp.XXXXXX" in the same
   directory; write "# written by: COMMAND" and "# columns: COLUMNS" (each
   a line; COLUMNS space-separated names).  NULL with errno set on failure. */
fc_datafile *
fc_datafile_open (const char *path, const char *command, const char *columns);

/* fc_datafile_open without the header: the file holds exactly what is
   written to its stream (a binary .npy array, the rows of eval --output).  */
fc_datafile *
fc_datafile_open_raw (const char *path);

/* The stream to write rows to (fprintf with %.17g). */
FILE *
fc_datafile_stream (fc_datafile *f);

/* Flush, fsync, close and rename onto PATH.  Frees F.  GSL_EFAILED (errno
   set) when any step failed; the temporary is then removed.  */
int
fc_datafile_commit (fc_datafile *f);

/* Close and remove the temporary.  Frees F.  NULL is a no-op. */
void
fc_datafile_abort (fc_datafile *f);

/* Join DIR and NAME into BUF (size LEN); GSL_EBADLEN if it does not fit. */
int
fc_io_path (char *buf, size_t len, const char *dir, const char *name);

/* mkdir -p DIR (one level is enough for --out DIR, but nested is fine). */
int
fc_io_mkdir (const char *dir);

/* Seconds on the monotonic clock (CLOCK_MONOTONIC), for wall-clock
   durations: the difference of two calls.  */
double
fc_io_wall_seconds (void);

/* Read points, one per line, whitespace-separated numbers, '#' comments and
   blank lines ignored, from IN (named NAME in messages).  Every point must
   have exactly DIM finite numbers.  On success *X (n, DIM) is malloc'ed (or
   NULL when n = 0) and *N set.  On error returns GSL_EINVAL (no handler
   call) and ERR holds "NAME:LINE: message".  */
int
fc_io_read_points (FILE *in, const char *name, size_t dim, double **x,
                   size_t *n, char *err, size_t errlen);

/* fc_io_read_points, and if LINES is not NULL, *LINES (n, malloc'ed, NULL
   when n = 0 or on error) the line number of each point, for messages
   about a point that is well formed but not acceptable.  */
int
fc_io_read_points_lines (FILE *in, const char *name, size_t dim, double **x,
                         size_t *n, size_t **lines, char *err,
                         size_t errlen);

#ifdef __cplusplus
}
#endif
#endif /* FC_IO_H */
