/* src/fc_parse.c -- the line reader and number helpers of the strict text
 * parsers (fc_parse.h).
 *
 * Numbers are read with strtod, which follows the C locale's decimal point;
 * the library never calls setlocale.  */
#include <config.h>

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fc_parse.h"

#define FC_PARSE_SPACE " \t\r\v\f"

void
fc_parse_escape (char *dst, size_t len, const char *src)
{
  static const char hex[] = "0123456789abcdef";
  size_t k = 0;
  if (len == 0)
    return;
  for (; *src != '\0'; src++)
    {
      unsigned char c = (unsigned char) *src;
      int plain = c >= 0x20 && c < 0x7f;
      if (k + (plain ? 1 : 4) >= len)
        break;
      if (plain)
        dst[k++] = (char) c;
      else
        {
          dst[k++] = '\\';
          dst[k++] = 'x';
          dst[k++] = hex[c >> 4];
          dst[k++] = hex[c & 15];
        }
    }
  dst[k] = '\0';
}

int
fc_parse_has_bom (const char *s)
{
  return (unsigned char) s[0] == 0xef && (unsigned char) s[1] == 0xbb
         && (unsigned char) s[2] == 0xbf;
}

/* The message is formatted, then escaped into the caller's buffer: the
   escaped form can be up to four times longer, so it is formatted into a
   buffer of a quarter of that size at most (the name and tokens echoed are
   cut rather than the escapes).  */
int
fc_parse_fail (fc_parse_ctx *ctx, const char *fmt, ...)
{
  char raw[1024];
  if (ctx->err == NULL || ctx->errlen == 0)
    return -1;
  int len = snprintf (raw, sizeof raw, "%s:%zu: ", ctx->name,
                      ctx->line > 0 ? ctx->line : 1);
  if (len >= 0 && (size_t) len < sizeof raw)
    {
      va_list ap;
      va_start (ap, fmt);
      vsnprintf (raw + len, sizeof raw - (size_t) len, fmt, ap);
      va_end (ap);
    }
  fc_parse_escape (ctx->err, ctx->errlen, raw);
  return -1;
}

/* "NAME:LINE: read error: REASON" for the error ERRNUM; without a line
   when nothing was read (a directory, an unreadable device), since no
   line of the input is at fault.  */
static int
fc_parse_read_error (fc_parse_ctx *ctx, int errnum)
{
  char raw[1024];
  if (ctx->line > 0)
    return fc_parse_fail (ctx, "read error: %s", strerror (errnum));
  if (ctx->err != NULL && ctx->errlen > 0)
    {
      snprintf (raw, sizeof raw, "%s: read error: %s", ctx->name,
                strerror (errnum));
      fc_parse_escape (ctx->err, ctx->errlen, raw);
    }
  return -1;
}

/* Read one line of any length into R->buf (NUL-terminated, newline
   removed).  Returns 1, 0 at end of file with nothing read, -1 when out of
   memory.  Written with fgets rather than POSIX getline to stay within
   C99.  */
static int
fc_parse_read_line (FILE *in, fc_parse_reader *r)
{
  size_t len = 0;
  if (r->cap == 0)
    {
      r->buf = malloc (256);
      if (r->buf == NULL)
        return -1;
      r->cap = 256;
    }
  r->buf[0] = '\0';
  while (fgets (r->buf + len, (int) (r->cap - len), in) != NULL)
    {
      len += strlen (r->buf + len);
      if (len > 0 && r->buf[len - 1] == '\n')
        {
          r->buf[len - 1] = '\0';
          return 1;
        }
      if (len + 1 < r->cap)
        continue;  /* short read without newline: the last line */
      char *nb = realloc (r->buf, 2 * r->cap);
      if (nb == NULL)
        return -1;
      r->buf = nb;
      r->cap *= 2;
    }
  return len > 0 ? 1 : 0;
}

/* Split R->buf in place into R->tok, growing the token array.  */
static int
fc_parse_split (fc_parse_reader *r)
{
  char *s = r->buf + strspn (r->buf, FC_PARSE_SPACE);
  r->ntok = 0;
  while (*s != '\0')
    {
      if (r->ntok == r->tokcap)
        {
          size_t cap = r->tokcap ? 2 * r->tokcap : 16;
          char **t = realloc (r->tok, cap * sizeof (char *));
          if (t == NULL)
            return -1;
          r->tok = t;
          r->tokcap = cap;
        }
      r->tok[r->ntok++] = s;
      s += strcspn (s, FC_PARSE_SPACE);
      if (*s != '\0')
        *s++ = '\0';
      s += strspn (s, FC_PARSE_SPACE);
    }
  return 0;
}

int
fc_parse_next (fc_parse_ctx *ctx, fc_parse_reader *r, FILE *in)
{
  for (;;)
    {
      int got = fc_parse_read_line (in, r);
      if (got < 0)
        return fc_parse_fail (ctx, "out of memory");
      if (got == 0)
        break;
      ctx->line++;
      r->buf[strcspn (r->buf, "#")] = '\0';
      if (ctx->line == 1 && fc_parse_has_bom (r->buf))
        memmove (r->buf, r->buf + 3, strlen (r->buf + 3) + 1);
      if (fc_parse_split (r))
        return fc_parse_fail (ctx, "out of memory");
      if (r->ntok > 0)
        return 1;
    }
  if (ferror (in))
    return fc_parse_read_error (ctx, errno);
  return 0;
}

void
fc_parse_reader_free (fc_parse_reader *r)
{
  free (r->buf);
  free (r->tok);
  memset (r, 0, sizeof *r);
}

void
fc_parse_ctx_init (fc_parse_ctx *ctx, const char *name, char *err,
                   size_t errlen)
{
  ctx->name = name ? name : "<stream>";
  ctx->err = err;
  ctx->errlen = errlen;
  ctx->line = 0;
  if (err != NULL && errlen > 0)
    err[0] = '\0';
}

/* A directory is refused here: fopen opens one for reading on Linux, and
   the first read would fail with a message about a line.  */
FILE *
fc_parse_open (const char *path, char *err, size_t errlen)
{
  char raw[1024];
  struct stat st;
  FILE *in = fopen (path, "r");
  if (in != NULL && fstat (fileno (in), &st) == 0 && S_ISDIR (st.st_mode))
    {
      fclose (in);
      in = NULL;
      errno = EISDIR;
    }
  if (in == NULL && err != NULL && errlen > 0)
    {
      snprintf (raw, sizeof raw, "%s: cannot open: %s", path,
                strerror (errno));
      fc_parse_escape (err, errlen, raw);
    }
  return in;
}

int
fc_parse_statements (fc_parse_ctx *ctx, FILE *in,
                     fc_parse_statement_fn statement, void *parser)
{
  fc_parse_reader r = { 0 };
  int got;
  while ((got = fc_parse_next (ctx, &r, in)) == 1)
    if (statement (parser, r.tok, r.ntok))
      {
        got = -1;
        break;
      }
  fc_parse_reader_free (&r);
  return got < 0 ? -1 : 0;
}

int
fc_parse_once (fc_parse_ctx *ctx, const char *expected, const char *kw,
               size_t first)
{
  if (first == 0)
    return 0;
  return fc_parse_fail (ctx, "expected %s, found a second '%s' (the first "
                        "is on line %zu)", expected, kw, first);
}

int
fc_parse_unexpected (fc_parse_ctx *ctx, const char *expected, const char *kw,
                     int known)
{
  if (known)
    return fc_parse_fail (ctx, "expected %s, found '%s'", expected, kw);
  return fc_parse_fail (ctx, "unknown keyword '%s' (expected %s)", kw,
                        expected);
}

/* Underflow to a subnormal is accepted (strtod sets ERANGE for it too), so
   that any double written with %.17g reads back.  */
int
fc_parse_number (fc_parse_ctx *ctx, const char *kw, const char *tok,
                 double *v)
{
  char *end;
  errno = 0;
  *v = strtod (tok, &end);
  if (end == tok || *end != '\0')
    return fc_parse_fail (ctx, "'%s': expected a number, found '%s'", kw,
                          tok);
  if (errno == ERANGE && fabs (*v) == HUGE_VAL)
    return fc_parse_fail (ctx, "'%s': number '%s' overflows a double", kw,
                          tok);
  if (!isfinite (*v))
    return fc_parse_fail (ctx, "'%s': expected a finite number, found '%s'",
                          kw, tok);
  return 0;
}

int
fc_parse_numbers (fc_parse_ctx *ctx, char **tok, size_t ntok, size_t n,
                  double *out)
{
  if (ntok - 1 != n)
    return fc_parse_fail (ctx, "'%s' needs %zu number%s, found %zu", tok[0],
                          n, n == 1 ? "" : "s", ntok - 1);
  for (size_t i = 0; i < n; i++)
    if (fc_parse_number (ctx, tok[0], tok[i + 1], out + i))
      return -1;
  return 0;
}

void
fc_parse_write_row (FILE *out, const char *kw, size_t n, const double *v)
{
  fputs (kw, out);
  for (size_t i = 0; i < n; i++)
    fprintf (out, " %.17g", v[i]);
  fputc ('\n', out);
}

int
fc_parse_name_index (const char *const *names, size_t n, const char *name)
{
  for (size_t i = 0; name != NULL && i < n; i++)
    if (strcmp (name, names[i]) == 0)
      return (int) i;
  return -1;
}

const char *
fc_parse_index_name (const char *const *names, size_t n, int i,
                     const char *unknown)
{
  return i >= 0 && (size_t) i < n ? names[i] : unknown;
}
