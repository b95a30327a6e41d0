/* src/fc_io.c -- data files written atomically, and strict point input.
 *
 * A data file is written to "PATH.tmp.XXXXXX" in the target's directory and
 * renamed onto PATH only once it is complete and on disk (ARCHITECTURE.md
 * "Contracts": an interrupted run never leaves a torn file).  rename(2)
 * within one directory, hence one file system, is atomic.
 *
 * Points are read strictly: a line with the wrong count of numbers, a token
 * that is not a number, or a number that is not finite is an error naming
 * the input and the line, never a silent skip or a NaN passed on.  */
#include <config.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "fc_io.h"
#include "fc_parse.h"

struct fc_datafile
{
  FILE *stream; /* open on the temporary */
  char *path;   /* the final name */
  char *tmp;    /* the temporary name, "PATH.tmp.XXXXXX" once filled */
};

/* Report through the GSL handler without losing errno, which is part of
   the contract of the functions below (the caller prints strerror).  */
static void
fc_io_error (const char *reason, int gsl_errno)
{
  int saved = errno;
  gsl_error (reason, __FILE__, __LINE__, gsl_errno);
  errno = saved;
}

static void
fc_datafile_free (fc_datafile *f)
{
  free (f->path);
  free (f->tmp);
  free (f);
}

static fc_datafile *
fc_datafile_alloc (const char *path)
{
  static const char suffix[] = ".tmp.XXXXXX";
  size_t len = strlen (path);
  fc_datafile *f = calloc (1, sizeof *f);
  if (f == NULL)
    return NULL;
  f->path = malloc (len + 1);
  f->tmp = malloc (len + sizeof suffix);
  if (f->path == NULL || f->tmp == NULL)
    {
      fc_datafile_free (f);
      return NULL;
    }
  memcpy (f->path, path, len + 1);
  memcpy (f->tmp, path, len);
  memcpy (f->tmp + len, suffix, sizeof suffix);
  return f;
}

/* Undo a half-opened data file (descriptor FD on the temporary), report
   REASON through the GSL handler with errno kept, and return NULL.  */
static fc_datafile *
fc_datafile_open_failed (fc_datafile *f, int fd, const char *reason)
{
  int saved = errno;
  close (fd);
  unlink (f->tmp);
  fc_datafile_free (f);
  errno = saved;
  fc_io_error (reason, GSL_EFAILED);
  return NULL;
}

fc_datafile *
fc_datafile_open_raw (const char *path)
{
  fc_datafile *f = fc_datafile_alloc (path);
  if (f == NULL)
    {
      errno = ENOMEM;
      fc_io_error ("cannot allocate a data file record", GSL_ENOMEM);
      return NULL;
    }
  int fd = mkstemp (f->tmp);
  if (fd < 0)
    {
      int saved = errno;
      fc_datafile_free (f);
      errno = saved;
      fc_io_error ("cannot create the temporary data file", GSL_EFAILED);
      return NULL;
    }
  /* mkstemp creates the file 0600; a data file is an ordinary output, so
     give it the mode open(2) would: 0666 less the umask.  */
  mode_t mask = umask (0);
  umask (mask);
  if (fchmod (fd, 0666 & ~mask) != 0)
    return fc_datafile_open_failed (f, fd, "cannot set the mode of the "
                                           "temporary data file");
  f->stream = fdopen (fd, "w");
  if (f->stream == NULL)
    return fc_datafile_open_failed (f, fd, "cannot open a stream on the "
                                           "temporary data file");
  return f;
}

fc_datafile *
fc_datafile_open (const char *path, const char *command, const char *columns)
{
  fc_datafile *f = fc_datafile_open_raw (path);
  if (f != NULL)
    fprintf (f->stream, "# written by: %s\n# columns: %s\n",
             command ? command : "", columns ? columns : "");
  return f;
}

FILE *
fc_datafile_stream (fc_datafile *f)
{
  return f->stream;
}

int
fc_datafile_commit (fc_datafile *f)
{
  /* Each step runs only if the previous ones succeeded; SAVED keeps the
     errno of the first failure.  fsync before rename, so that after a
     crash the new name never points at unwritten blocks.  */
  int saved = 0;
  errno = 0;
  if (fflush (f->stream) != 0 || ferror (f->stream))
    saved = errno ? errno : EIO;
  else if (fsync (fileno (f->stream)) != 0)
    saved = errno;
  if (fclose (f->stream) != 0 && saved == 0)
    saved = errno;
  if (saved == 0 && rename (f->tmp, f->path) != 0)
    saved = errno;
  if (saved == 0)
    {
      fc_datafile_free (f);
      return GSL_SUCCESS;
    }
  unlink (f->tmp);
  fc_datafile_free (f);
  errno = saved;
  fc_io_error ("cannot write the data file", GSL_EFAILED);
  return GSL_EFAILED;
}

void
fc_datafile_abort (fc_datafile *f)
{
  if (f == NULL)
    return;
  fclose (f->stream);
  unlink (f->tmp);
  fc_datafile_free (f);
}

int
fc_io_path (char *buf, size_t len, const char *dir, const char *name)
{
  int k;
  if (dir == NULL || dir[0] == '\0')
    k = snprintf (buf, len, "%s", name);
  else if (dir[strlen (dir) - 1] == '/')
    k = snprintf (buf, len, "%s%s", dir, name);
  else
    k = snprintf (buf, len, "%s/%s", dir, name);
  if (k < 0 || (size_t) k >= len)
    GSL_ERROR ("path does not fit in the buffer", GSL_EBADLEN);
  return GSL_SUCCESS;
}

/* mkdir DIR unless it is already a directory.  */
static int
fc_io_mkdir_one (const char *dir)
{
  struct stat st;
  if (mkdir (dir, 0777) == 0)
    return 0;
  if (errno == EEXIST && stat (dir, &st) == 0)
    {
      if (S_ISDIR (st.st_mode))
        return 0;
      errno = ENOTDIR;
    }
  return -1;
}

int
fc_io_mkdir (const char *dir)
{
  size_t len = strlen (dir);
  char *p = malloc (len + 1);
  if (p == NULL)
    GSL_ERROR ("cannot allocate the path", GSL_ENOMEM);
  memcpy (p, dir, len + 1);
  int fail = 0;
  /* Create each prefix that ends before a '/', then DIR itself.  */
  for (size_t i = 1; i < len && !fail; i++)
    if (p[i] == '/' && p[i - 1] != '/')
      {
        p[i] = '\0';
        fail = fc_io_mkdir_one (p) != 0;
        p[i] = '/';
      }
  if (!fail && len > 0)
    fail = fc_io_mkdir_one (p) != 0;
  free (p);
  if (fail)
    {
      fc_io_error ("cannot create the directory", GSL_EFAILED);
      return GSL_EFAILED;
    }
  return GSL_SUCCESS;
}

/* ------------------------------------------------------------ points */

static int
fc_io_is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Cut LINE at a '#' comment and at the end of line (LF, CRLF).  */
static void
fc_io_strip_line (char *line)
{
  char *hash = strchr (line, '#');
  if (hash != NULL)
    *hash = '\0';
  line[strcspn (line, "\n")] = '\0';
}

/* Parse one token starting at *S into *VALUE and advance *S past it.
   Returns 0, or 1 for "not a number", 2 for "not finite".  */
static int
fc_io_parse_token (char **s, double *value)
{
  char *start = *s, *end;
  errno = 0;
  double v = strtod (start, &end);
  int range = errno;
  char *tok_end = start;
  while (*tok_end != '\0' && !fc_io_is_space (*tok_end))
    tok_end++;
  *s = tok_end;
  if (end == start || end != tok_end)
    return 1;
  /* strtod accepts "nan", "inf" and overflows to HUGE_VAL with ERANGE;
     underflow to a subnormal or zero (also ERANGE) is a representable
     value and is accepted.  */
  if (!isfinite (v) || (range == ERANGE && fabs (v) == HUGE_VAL))
    return 2;
  *value = v;
  return 0;
}

/* Make room for one more row of DIM numbers in *X (capacity *CAP rows),
   doubling so the total cost stays linear.  */
static int
fc_io_grow (double **x, size_t *cap, size_t n, size_t dim)
{
  if (n < *cap)
    return 0;
  size_t new_cap = *cap ? 2 * *cap : 64;
  if (new_cap > ((size_t) -1) / sizeof (double) / dim)
    return -1;
  double *nx = realloc (*x, new_cap * dim * sizeof (double));
  if (nx == NULL)
    return -1;
  *x = nx;
  *cap = new_cap;
  return 0;
}

/* Make room for one more line number in *W (capacity *CAP).  */
static int
fc_io_grow_lines (size_t **w, size_t *cap, size_t n)
{
  if (n < *cap)
    return 0;
  size_t new_cap = *cap ? 2 * *cap : 64;
  if (new_cap > ((size_t) -1) / sizeof (size_t))
    return -1;
  size_t *nw = realloc (*w, new_cap * sizeof (size_t));
  if (nw == NULL)
    return -1;
  *w = nw;
  *cap = new_cap;
  return 0;
}

/* Parse the numbers of one stripped LINE into ROW (DIM), counting them in
   *COUNT.  Writes at most DIM numbers.  Returns 0 or a token error (as
   fc_io_parse_token), with *BAD pointing at the offending token.  */
static int
fc_io_parse_line (char *line, size_t dim, double *row, size_t *count,
                  char **bad)
{
  char *s = line;
  *count = 0;
  for (;;)
    {
      while (fc_io_is_space (*s))
        s++;
      if (*s == '\0')
        return 0;
      double v = 0.0;
      *bad = s;
      int e = fc_io_parse_token (&s, &v);
      if (e != 0)
        {
          *s = '\0'; /* terminate the token for the message */
          return e;
        }
      if (*count < dim)
        row[*count] = v;
      ++*count;
    }
}

int
fc_io_read_points (FILE *in, const char *name, size_t dim, double **x,
                   size_t *n, char *err, size_t errlen)
{
  return fc_io_read_points_lines (in, name, dim, x, n, NULL, err, errlen);
}

int
fc_io_read_points_lines (FILE *in, const char *name, size_t dim, double **x,
                         size_t *n, size_t **lines, char *err, size_t errlen)
{
  char *line = NULL;
  size_t line_cap = 0, cap = 0, count = 0, lineno = 0, np = 0;
  size_t line_cap_rows = 0;
  double *buf = NULL;
  size_t *where = NULL;
  char raw[1024] = ""; /* the message, escaped into ERR at the end */
  int status = GSL_SUCCESS;
  if (errlen > 0)
    err[0] = '\0';
  if (dim == 0)
    {
      snprintf (err, errlen, "%s: the dimension must be positive", name);
      return GSL_EINVAL;
    }
  while (getline (&line, &line_cap, in) >= 0)
    {
      char *bad = NULL;
      lineno++;
      fc_io_strip_line (line);
      if (lineno == 1 && fc_parse_has_bom (line))
        memmove (line, line + 3, strlen (line + 3) + 1);
      if (fc_io_grow (&buf, &cap, np, dim) != 0
          || (lines != NULL && fc_io_grow_lines (&where, &line_cap_rows, np)
                                   != 0))
        {
          snprintf (raw, sizeof raw, "%s:%zu: out of memory", name, lineno);
          status = GSL_ENOMEM;
          break;
        }
      int e = fc_io_parse_line (line, dim, buf + np * dim, &count, &bad);
      if (e == 1)
        snprintf (raw, sizeof raw, "%s:%zu: not a number: '%s'", name, lineno,
                  bad);
      else if (e == 2)
        snprintf (raw, sizeof raw, "%s:%zu: not finite", name, lineno);
      else if (count != 0 && count != dim)
        snprintf (raw, sizeof raw, "%s:%zu: expected %zu numbers, found %zu",
                  name, lineno, dim, count);
      if (e != 0 || (count != 0 && count != dim))
        {
          status = GSL_EINVAL;
          break;
        }
      if (count == dim && where != NULL)
        where[np] = lineno;
      if (count == dim)
        np++;
    }
  if (status == GSL_SUCCESS && ferror (in))
    {
      /* Nothing read at all (a directory, an unreadable device): no line
         to name.  */
      if (lineno == 0)
        snprintf (raw, sizeof raw, "%s: read error: %s", name,
                  strerror (errno));
      else
        snprintf (raw, sizeof raw, "%s:%zu: read error: %s", name, lineno,
                  strerror (errno));
      status = GSL_EFAILED;
    }
  if (status != GSL_SUCCESS)
    fc_parse_escape (err, errlen, raw);
  free (line);
  if (status != GSL_SUCCESS || np == 0)
    {
      free (buf);
      buf = NULL;
      free (where);
      where = NULL;
    }
  if (lines != NULL)
    *lines = where;
  if (status != GSL_SUCCESS)
    return status;
  *x = buf;
  *n = np;
  return GSL_SUCCESS;
}

double
fc_io_wall_seconds (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}
