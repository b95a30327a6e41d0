/* src/fc_cells.c -- cell lists, the cell options, cell directories and the
 * study file of sharded runs (fc_cells.h).  */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fc_cells.h"
#include "fc_io.h"

#define FC_CELLS_STUDY "study"

/* Format a message into ERR (FC_CELLS_ERR bytes); returns -1.  */
static int
fc_cells_fail (char *err, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));

static int
fc_cells_fail (char *err, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (err, FC_CELLS_ERR, fmt, ap);
  va_end (ap);
  return -1;
}

/* ------------------------------------------------------------ options */

/* The value of cell option NAME at ARGV[*I] ("--name=V" or "--name V"),
   or NULL when ARGV[*I] is not NAME; *MISSING set when the value is.  */
static const char *
fc_cells_value (int argc, char **argv, int *i, const char *name,
                int *missing)
{
  size_t len = strlen (name);
  const char *a = argv[*i];
  if (strncmp (a, name, len) != 0 || (a[len] != '\0' && a[len] != '='))
    return NULL;
  if (a[len] == '=')
    return a + len + 1;
  if (*i + 1 >= argc)
    {
      *missing = 1;
      return NULL;
    }
  return argv[++*i];
}

/* "I/N" into O; -1 unless 1 <= I <= N, both whole decimal numbers.  */
static int
fc_cells_parse_shard (const char *s, fc_cells_opts *o, char *err)
{
  char *end;
  errno = 0;
  unsigned long i = s[0] >= '0' && s[0] <= '9' ? strtoul (s, &end, 10) : 0;
  if (i == 0 || errno != 0 || *end != '/' || end[1] < '0' || end[1] > '9')
    return fc_cells_fail (err, "--cells: expected I/N with 1 <= I <= N, "
                          "got '%.64s'", s);
  const char *ns = end + 1;
  unsigned long n = strtoul (ns, &end, 10);
  if (errno != 0 || *end != '\0' || n < i)
    return fc_cells_fail (err, "--cells: expected I/N with 1 <= I <= N, "
                          "got '%.64s'", s);
  o->shard = i;
  o->n_shards = n;
  return 0;
}

/* Store the cell option at ARGV[*I] into O; 1 when it was one, 0 when
   not, -1 on error.  */
static int
fc_cells_take_one (int argc, char **argv, int *i, fc_cells_opts *o,
                   char *err)
{
  static const char *const names[] = { "--cells", "--cell", "--merge" };
  static const fc_cells_mode modes[]
      = { FC_CELLS_SHARD, FC_CELLS_ONE, FC_CELLS_MERGE };
  fc_cells_mode mode = FC_CELLS_ALL;
  const char *v = NULL, *name = "--list-cells";
  int missing = 0;
  if (strcmp (argv[*i], "--list-cells") == 0)
    mode = FC_CELLS_LIST;
  for (size_t k = 0; k < 3 && mode == FC_CELLS_ALL && !missing; k++)
    if ((v = fc_cells_value (argc, argv, i, names[k], &missing)) != NULL
        || missing)
      mode = modes[k], name = names[k];
  if (mode == FC_CELLS_ALL)
    return 0;
  if (missing)
    return fc_cells_fail (err, "%s: missing value", name);
  if (o->mode != FC_CELLS_ALL)
    return fc_cells_fail (err, "%s: only one of --list-cells, --cells, "
                          "--cell and --merge, once", name);
  o->mode = mode;
  if (mode == FC_CELLS_SHARD)
    return fc_cells_parse_shard (v, o, err) == 0 ? 1 : -1;
  if (v != NULL && v[0] == '\0')
    return fc_cells_fail (err, "%s: empty value", name);
  if (mode == FC_CELLS_ONE)
    o->cell = v;
  else if (mode == FC_CELLS_MERGE)
    o->merge_dir = v;
  return 1;
}

int
fc_cells_take_options (int *argc, char **argv, fc_cells_opts *o, char *err)
{
  memset (o, 0, sizeof *o);
  int kept = 1;
  for (int i = 1; i < *argc; i++)
    {
      /* Everything after "--" is an operand.  */
      if (strcmp (argv[i], "--") == 0)
        {
          while (i < *argc)
            argv[kept++] = argv[i++];
          break;
        }
      int status = fc_cells_take_one (*argc, argv, &i, o, err);
      if (status < 0)
        return -1;
      if (status == 0)
        argv[kept++] = argv[i];
    }
  *argc = kept;
  argv[kept] = NULL;
  return 0;
}

/* ------------------------------------------------------------ lists */

int
fc_cell_list_add (fc_cell_list *l, const char *fmt, ...)
{
  char id[FC_CELLS_ID_MAX + 1];
  va_list ap;
  va_start (ap, fmt);
  int k = vsnprintf (id, sizeof id, fmt, ap);
  va_end (ap);
  if (k <= 0 || (size_t) k > FC_CELLS_ID_MAX)
    return -1;
  for (char *p = id; *p; p++)
    if (!strchr ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                 "0123456789._+=-", *p))
      *p = '_';
  if (id[0] == '.')
    id[0] = '_'; /* no hidden names: the temporaries are ".ID.XXXXXX" */
  if (l->n == l->cap)
    {
      size_t cap = l->cap ? 2 * l->cap : 16;
      char **p = realloc (l->id, cap * sizeof *p);
      if (p == NULL)
        return -1;
      l->id = p;
      l->cap = cap;
    }
  if ((l->id[l->n] = strdup (id)) == NULL)
    return -1;
  l->n++;
  return 0;
}

void
fc_cell_list_free (fc_cell_list *l)
{
  for (size_t i = 0; i < l->n; i++)
    free (l->id[i]);
  free (l->id);
  memset (l, 0, sizeof *l);
}

long
fc_cell_list_find (const fc_cell_list *l, const char *id)
{
  for (size_t i = 0; i < l->n; i++)
    if (strcmp (l->id[i], id) == 0)
      return (long) i;
  return -1;
}

int
fc_cell_list_equal (const fc_cell_list *a, const fc_cell_list *b)
{
  if (a->n != b->n)
    return 0;
  for (size_t i = 0; i < a->n; i++)
    if (strcmp (a->id[i], b->id[i]) != 0)
      return 0;
  return 1;
}

int
fc_cells_check (const fc_cells_opts *o, const fc_cell_list *l, char *err)
{
  for (size_t i = 0; i < l->n; i++)
    if (fc_cell_list_find (l, l->id[i]) != (long) i)
      return fc_cells_fail (err, "cell id '%s' is repeated", l->id[i]);
  if (o->mode == FC_CELLS_ONE && fc_cell_list_find (l, o->cell) < 0)
    return fc_cells_fail (err, "--cell: no cell '%.128s' in this study "
                          "(--list-cells lists them)", o->cell);
  return 0;
}

int
fc_cells_runs (const fc_cells_opts *o, const fc_cell_list *l, size_t k)
{
  if (o->mode == FC_CELLS_SHARD)
    return k % o->n_shards == o->shard - 1;
  if (o->mode == FC_CELLS_ONE)
    return strcmp (l->id[k], o->cell) == 0;
  return 1;
}

int
fc_cell_list_print (FILE *out, const fc_cell_list *l)
{
  for (size_t i = 0; i < l->n; i++)
    fprintf (out, "%s\n", l->id[i]);
  return fflush (out) != 0 || ferror (out) ? -1 : 0;
}

/* ------------------------------------------------------------ paths */

int
fc_cell_path (char *buf, size_t len, const char *dir, const char *id,
              const char *name)
{
  int k = snprintf (buf, len, "%s/cells/%s%s%s", dir, id, name ? "/" : "",
                    name ? name : "");
  return k < 0 || (size_t) k >= len ? -1 : 0;
}

/* Remove directory PATH and the plain files in it (a cell holds no
   sub-directory); 0 also when it does not exist.  */
static int
fc_cells_rmdir (const char *path)
{
  DIR *d = opendir (path);
  if (d == NULL)
    return errno == ENOENT ? 0 : -1;
  struct dirent *e;
  char file[4096];
  while ((e = readdir (d)) != NULL)
    if (strcmp (e->d_name, ".") != 0 && strcmp (e->d_name, "..") != 0
        && fc_io_path (file, sizeof file, path, e->d_name) == 0)
      unlink (file);
  closedir (d);
  return rmdir (path);
}

int
fc_cell_begin (fc_cell_dir *c, const char *dir, const char *id, char *err)
{
  char cells[4096];
  if (fc_cell_path (cells, sizeof cells, dir, "", NULL) != 0
      || fc_cell_path (c->final, sizeof c->final, dir, id, NULL) != 0
      || snprintf (c->tmp, sizeof c->tmp, "%s.%s.XXXXXX", cells, id)
             >= (int) sizeof c->tmp)
    return fc_cells_fail (err, "%s: directory name too long", dir);
  if (fc_io_mkdir (cells) != 0 || mkdtemp (c->tmp) == NULL)
    return fc_cells_fail (err, "%s: cannot create: %s", cells,
                          strerror (errno));
  return 0;
}

int
fc_cell_commit (fc_cell_dir *c, char *err)
{
  /* A cell run again replaces its old directory; rename(2) cannot
     replace a non-empty directory, so the old one goes first.  */
  if (fc_cells_rmdir (c->final) != 0 || rename (c->tmp, c->final) != 0)
    {
      int e = errno;
      fc_cell_abort (c);
      return fc_cells_fail (err, "%s: cannot publish the cell: %s", c->final,
                            strerror (e));
    }
  return 0;
}

void
fc_cell_abort (fc_cell_dir *c)
{
  fc_cells_rmdir (c->tmp);
}

char *
fc_cell_read (const char *dir, const char *id, const char *name, size_t *len,
              char *err)
{
  char path[4096];
  if (fc_cell_path (path, sizeof path, dir, id, name) != 0)
    {
      fc_cells_fail (err, "%s: directory name too long", dir);
      return NULL;
    }
  FILE *f = fopen (path, "rb");
  char *buf = NULL;
  size_t n = 0, cap = 0;
  while (f != NULL && !ferror (f) && !feof (f))
    {
      if (cap - n < 4096)
        {
          char *p = realloc (buf, cap = 2 * cap + 8192);
          if (p == NULL)
            break;
          buf = p;
        }
      n += fread (buf + n, 1, cap - n - 1, f);
    }
  int ok = f != NULL && feof (f) && !ferror (f) && buf != NULL;
  int e = errno;
  if (f != NULL)
    fclose (f);
  if (!ok)
    {
      free (buf);
      fc_cells_fail (err, "%s: cannot read: %s", path,
                     f == NULL ? strerror (e) : "read error");
      return NULL;
    }
  buf[n] = '\0';
  if (len != NULL)
    *len = n;
  return buf;
}

int
fc_cell_cat (FILE *out, const char *dir, const char *id, const char *name,
             char *err)
{
  size_t n;
  char *buf = fc_cell_read (dir, id, name, &n, err);
  if (buf == NULL)
    return -1;
  size_t w = fwrite (buf, 1, n, out);
  free (buf);
  return w == n ? 0 : fc_cells_fail (err, "write error");
}

/* 1 when NAME starts with one of the NULL-terminated prefixes SKIP, or
   with a dot.  */
static int
fc_cells_skipped (const char *name, const char *const *skip)
{
  for (size_t i = 0; skip != NULL && skip[i] != NULL; i++)
    if (strncmp (name, skip[i], strlen (skip[i])) == 0)
      return 1;
  return name[0] == '.';
}

/* Copy file NAME of cell ID into DIR atomically.  */
static int
fc_cell_copy_one (const char *dir, const char *id, const char *name,
                  char *err)
{
  char path[4096];
  size_t len;
  char *text = fc_cell_read (dir, id, name, &len, err);
  if (text == NULL)
    return -1;
  fc_datafile *f = NULL;
  if (fc_io_path (path, sizeof path, dir, name) == 0)
    f = fc_datafile_open_raw (path);
  if (f != NULL)
    fwrite (text, 1, len, fc_datafile_stream (f));
  free (text);
  if (f == NULL || fc_datafile_commit (f) != 0)
    return fc_cells_fail (err, "%s/%s: cannot write: %s", dir, name,
                          strerror (errno));
  return 0;
}

int
fc_cell_copy_files (const char *dir, const char *id, const char *const *skip,
                    char *err)
{
  char path[4096];
  if (fc_cell_path (path, sizeof path, dir, id, NULL) != 0)
    return fc_cells_fail (err, "%s: directory name too long", dir);
  DIR *d = opendir (path);
  if (d == NULL)
    return fc_cells_fail (err, "%s: cannot read: %s", path, strerror (errno));
  int status = 0;
  struct dirent *e;
  while (status == 0 && (e = readdir (d)) != NULL)
    if (!fc_cells_skipped (e->d_name, skip))
      status = fc_cell_copy_one (dir, id, e->d_name, err);
  closedir (d);
  return status;
}

/* ------------------------------------------------------------ study */

/* The study file's text for ARGC, ARGV and L into a malloc'd string (its
   length in *LEN); NULL on no memory or an argument with a newline.  */
static char *
fc_cells_study_text (int argc, char *const *argv, const fc_cell_list *l,
                     size_t *len)
{
  char *buf = NULL;
  FILE *f = open_memstream (&buf, len);
  if (f == NULL)
    return NULL;
  int bad = 0;
  for (int i = 0; i < argc; i++)
    {
      bad |= strchr (argv[i], '\n') != NULL;
      fprintf (f, "arg: %s\n", argv[i]);
    }
  for (size_t i = 0; i < l->n; i++)
    fprintf (f, "cell: %s\n", l->id[i]);
  if (fclose (f) != 0 || bad)
    {
      free (buf);
      return NULL;
    }
  return buf;
}

int
fc_cells_write_study (const char *dir, int argc, char *const *argv,
                      const fc_cell_list *l, char *err)
{
  char path[4096];
  size_t len;
  if (fc_cell_path (path, sizeof path, dir, FC_CELLS_STUDY, NULL) != 0)
    return fc_cells_fail (err, "%s: directory name too long", dir);
  char *text = fc_cells_study_text (argc, argv, l, &len);
  if (text == NULL)
    return fc_cells_fail (err, "no memory, or an argument with a newline");
  char *old = fc_cell_read (dir, FC_CELLS_STUDY, NULL, NULL, err);
  int differs = old != NULL && strcmp (old, text) != 0;
  free (old);
  if (differs)
    {
      free (text);
      return fc_cells_fail (err, "%s holds the cells of another study (other "
                            "options or cells); use another --out or "
                            "remove %s/cells", path, dir);
    }
  char cells[4096];
  snprintf (cells, sizeof cells, "%s/cells", dir);
  fc_datafile *f = fc_io_mkdir (cells) == 0 ? fc_datafile_open_raw (path)
                                            : NULL;
  if (f != NULL)
    fwrite (text, 1, len, fc_datafile_stream (f));
  free (text);
  if (f == NULL || fc_datafile_commit (f) != 0)
    return fc_cells_fail (err, "%s: cannot write: %s", path,
                          strerror (errno));
  return 0;
}

void
fc_cells_study_free (fc_cells_study *s)
{
  for (int i = 0; s->argv != NULL && i < s->argc; i++)
    free (s->argv[i]);
  free (s->argv);
  fc_cell_list_free (&s->cells);
  memset (s, 0, sizeof *s);
}

/* Append argument A to S; -1 on no memory.  */
static int
fc_cells_study_arg (fc_cells_study *s, const char *a)
{
  char **p = realloc (s->argv, (s->argc + 2) * sizeof *p);
  if (p == NULL)
    return -1;
  s->argv = p;
  if ((p[s->argc] = strdup (a)) == NULL)
    return -1;
  p[++s->argc] = NULL;
  return 0;
}

/* Parse the study file's TEXT (of DIR) into S.  */
static int
fc_cells_study_parse (char *text, const char *dir, fc_cells_study *s,
                      char *err)
{
  size_t line = 0;
  for (char *p = text, *nl; *p; p = nl + 1)
    {
      line++;
      if ((nl = strchr (p, '\n')) == NULL)
        return fc_cells_fail (err, "%s/cells/study:%zu: no newline", dir,
                              line);
      *nl = '\0';
      int bad = 0;
      if (strncmp (p, "arg: ", 5) == 0 && s->cells.n == 0)
        bad = fc_cells_study_arg (s, p + 5);
      else if (strncmp (p, "cell: ", 6) == 0)
        bad = fc_cell_list_add (&s->cells, "%s", p + 6) != 0
              || strcmp (s->cells.id[s->cells.n - 1], p + 6) != 0;
      else
        bad = 1;
      if (bad)
        return fc_cells_fail (err, "%s/cells/study:%zu: not a line of a "
                              "study file", dir, line);
    }
  if (s->argc == 0 || s->cells.n == 0)
    return fc_cells_fail (err, "%s/cells/study: no command or no cell", dir);
  return 0;
}

/* -1 naming every cell of S without its directory under DIR.  */
static int
fc_cells_missing (const char *dir, const fc_cells_study *s, char *err)
{
  size_t n_missing = 0, used = 0;
  char list[FC_CELLS_ERR / 2] = "";
  for (size_t i = 0; i < s->cells.n; i++)
    {
      char path[4096];
      struct stat st;
      if (fc_cell_path (path, sizeof path, dir, s->cells.id[i], NULL) == 0
          && stat (path, &st) == 0 && S_ISDIR (st.st_mode))
        continue;
      n_missing++;
      int k = snprintf (list + used, sizeof list - used, " %s",
                        s->cells.id[i]);
      if (k > 0 && used + k < sizeof list - 4)
        used += k;
      else if (used + 4 < sizeof list)
        strcpy (list + used, " ..."), used += 4;
    }
  if (n_missing == 0)
    return 0;
  return fc_cells_fail (err, "--merge %s: %zu of %zu cells missing:%s", dir,
                        n_missing, s->cells.n, list);
}

int
fc_cells_read_study (const char *dir, fc_cells_study *s, char *err)
{
  memset (s, 0, sizeof *s);
  char *text = fc_cell_read (dir, FC_CELLS_STUDY, NULL, NULL, err);
  if (text == NULL)
    {
      fc_cells_fail (err, "--merge %s: no study (%s/cells/study): run the "
                     "shards with --cells I/N --out %s first", dir, dir, dir);
      return -1;
    }
  int status = fc_cells_study_parse (text, dir, s, err);
  free (text);
  if (status == 0)
    status = fc_cells_missing (dir, s, err);
  if (status != 0)
    fc_cells_study_free (s);
  return status;
}

/* ------------------------------------------------------------ markers */

int
fc_cells_mark_incomplete (const char *dir, const char *command)
{
  char path[4096];
  if (fc_io_path (path, sizeof path, dir, "INCOMPLETE") != 0)
    return -1;
  fc_datafile *f = fc_datafile_open_raw (path);
  if (f == NULL)
    return -1;
  fprintf (fc_datafile_stream (f),
           "This directory is being written by: %s\n"
           "Its files are complete only once this file is gone; a run that "
           "left it was interrupted or failed.\n", command);
  return fc_datafile_commit (f) == 0 ? 0 : -1;
}

int
fc_cells_mark_complete (const char *dir)
{
  char path[4096];
  if (fc_io_path (path, sizeof path, dir, "INCOMPLETE") != 0)
    return -1;
  return unlink (path) == 0 || errno == ENOENT ? 0 : -1;
}
