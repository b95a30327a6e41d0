/* src/fc_npy.c -- NumPy's .npy format for float64 arrays (fc_npy.h).
 *
 * Written by hand: the format is a 10-byte preamble, a Python dict literal
 * and raw doubles, and neither GSL nor Debian's C libraries read it (the
 * reference is NumPy's numpy/lib/format.py, whose layout the writer
 * reproduces byte for byte).  The header parser accepts exactly the dict
 * NumPy writes, in any key order and spacing, and names what it refuses.  */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "fc_npy.h"
#include "fc_parse.h"

#define FC_NPY_PREAMBLE 10     /* magic (6), version (2), header length (2) */
#define FC_NPY_ALIGN 64        /* NumPy pads preamble + header to this */
#define FC_NPY_HEADER_MAX 4096 /* far above any header of a 2-D array */

static const unsigned char fc_npy_magic[6] = { FC_NPY_MAGIC0, 'N', 'U',
                                               'M',           'P', 'Y' };

/* What the header says: shape (rows, cols) with ndim 1 or 2.  */
typedef struct
{
  int have_descr, have_order, have_shape;
  int ndim;
  size_t shape[2];
} fc_npy_header;

static int
fc_npy_fail (char *err, size_t errlen, const char *name, const char *fmt,
             ...)
{
  va_list ap;
  char raw[1024]; /* escaped into ERR: a header key may hold any byte */
  int k = snprintf (raw, sizeof raw, "%s: ", name);
  if (k >= 0 && (size_t) k < sizeof raw)
    {
      va_start (ap, fmt);
      vsnprintf (raw + k, sizeof raw - (size_t) k, fmt, ap);
      va_end (ap);
    }
  fc_parse_escape (err, errlen, raw);
  return GSL_EINVAL;
}

int
fc_npy_sniff (FILE *in)
{
  int c = getc (in);
  if (c == EOF)
    return 0;
  ungetc (c, in);
  return c == FC_NPY_MAGIC0;
}

/* 1 on a little-endian host: .npy data is read and written in place there,
   byte-swapped elsewhere.  */
static int
fc_npy_host_is_little (void)
{
  const uint16_t one = 1;
  unsigned char b;
  memcpy (&b, &one, 1);
  return b == 1;
}

static void
fc_npy_swap (double *x, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      unsigned char b[8], r[8];
      memcpy (b, &x[i], 8);
      for (int j = 0; j < 8; j++)
        r[j] = b[7 - j];
      memcpy (&x[i], r, 8);
    }
}

/* ------------------------------------------------------- header parsing */

static const char *
fc_npy_skip (const char *p)
{
  while (*p == ' ' || *p == '\t')
    p++;
  return p;
}

/* A quoted Python string at *P into BUF (LEN); advances *P.  0 or -1.  */
static int
fc_npy_string (const char **p, char *buf, size_t len)
{
  char q = **p;
  if (q != '\'' && q != '"')
    return -1;
  const char *s = *p + 1, *e = strchr (s, q);
  if (e == NULL || (size_t) (e - s) >= len)
    return -1;
  memcpy (buf, s, (size_t) (e - s));
  buf[e - s] = '\0';
  *p = e + 1;
  return 0;
}

/* The shape tuple at *P: "(N, D)", "(N,)" (trailing comma optional for
   two entries).  0 or -1; a tuple of another length sets ndim to it.  */
static int
fc_npy_shape (const char **p, fc_npy_header *h)
{
  const char *s = *p;
  if (*s != '(')
    return -1;
  s = fc_npy_skip (s + 1);
  h->ndim = 0;
  while (*s != ')')
    {
      if (!isdigit ((unsigned char) *s))
        return -1;
      errno = 0;
      char *end;
      unsigned long long v = strtoull (s, &end, 10);
      if (errno != 0 || v > SIZE_MAX)
        return -1;
      if (h->ndim < 2)
        h->shape[h->ndim] = (size_t) v;
      h->ndim++;
      s = fc_npy_skip (end);
      if (*s == ',')
        s = fc_npy_skip (s + 1);
      else if (*s != ')')
        return -1;
    }
  *p = s + 1;
  return 0;
}

/* The value of KEY at *P into H; NULL, or the reason it is refused.  */
static const char *
fc_npy_value (const char *key, const char **p, fc_npy_header *h)
{
  char v[32];
  if (strcmp (key, "descr") == 0)
    {
      if (h->have_descr++ || fc_npy_string (p, v, sizeof v) != 0)
        return "'descr' repeated or not a string";
      if (strcmp (v, "<f8") != 0)
        return strcmp (v, ">f8") == 0
                   ? "dtype '>f8' (big-endian) is not float64 '<f8'"
                   : "dtype is not float64 '<f8' (convert with "
                     "astype('<f8'))";
      return NULL;
    }
  if (strcmp (key, "fortran_order") == 0)
    {
      if (h->have_order++)
        return "'fortran_order' repeated";
      if (strncmp (*p, "False", 5) == 0)
        *p += 5;
      else if (strncmp (*p, "True", 4) == 0)
        return "Fortran order is not supported (write a C-order array: "
               "np.ascontiguousarray)";
      else
        return "'fortran_order' is neither True nor False";
      return NULL;
    }
  if (strcmp (key, "shape") == 0)
    {
      if (h->have_shape++ || fc_npy_shape (p, h) != 0)
        return "'shape' repeated or not a tuple of integers";
      return NULL;
    }
  return "unknown key (expected 'descr', 'fortran_order', 'shape')";
}

/* Parse the dict of TEXT into H; NULL or the reason it is refused (KEY,
   of KEYLEN bytes, then holds the offending key, or "" if none).  */
static const char *
fc_npy_parse_dict (const char *text, fc_npy_header *h, char *key,
                   size_t keylen)
{
  const char *p = fc_npy_skip (text);
  key[0] = '\0';
  if (*p++ != '{')
    return "the header is not a dict";
  for (;;)
    {
      p = fc_npy_skip (p);
      if (*p == '}')
        break;
      if (fc_npy_string (&p, key, keylen) != 0)
        return "a header key is not a quoted string";
      p = fc_npy_skip (p);
      if (*p++ != ':')
        return "':' missing after a header key";
      p = fc_npy_skip (p);
      const char *why = fc_npy_value (key, &p, h);
      if (why != NULL)
        return why;
      p = fc_npy_skip (p);
      if (*p == ',')
        p++;
      else if (*p != '}')
        return "',' or '}' expected after a header value";
    }
  key[0] = '\0';
  p = fc_npy_skip (p + 1);
  while (*p == '\n' || *p == ' ')
    p++;
  if (*p != '\0')
    return "text after the header dict";
  if (!(h->have_descr && h->have_order && h->have_shape))
    return "the header misses 'descr', 'fortran_order' or 'shape'";
  return NULL;
}

/* ------------------------------------------------------------- reading */

/* Read the preamble and header of IN into H.  0 or GSL_EINVAL.  */
static int
fc_npy_read_header (FILE *in, const char *name, fc_npy_header *h, char *err,
                    size_t errlen)
{
  unsigned char pre[FC_NPY_PREAMBLE];
  char text[FC_NPY_HEADER_MAX + 1], key[64];
  if (fread (pre, 1, sizeof pre, in) != sizeof pre
      || memcmp (pre, fc_npy_magic, sizeof fc_npy_magic) != 0)
    return fc_npy_fail (err, errlen, name, "not a .npy file (no "
                        "\\x93NUMPY magic, or shorter than its preamble)");
  if (pre[6] != 1 || pre[7] != 0)
    return fc_npy_fail (err, errlen, name, ".npy version %u.%u is not "
                        "supported (version 1.0 only)", pre[6], pre[7]);
  size_t hlen = (size_t) pre[8] | (size_t) pre[9] << 8;
  if (hlen > FC_NPY_HEADER_MAX)
    return fc_npy_fail (err, errlen, name, ".npy header of %zu bytes is "
                        "longer than %d", hlen, FC_NPY_HEADER_MAX);
  if (fread (text, 1, hlen, in) != hlen)
    return fc_npy_fail (err, errlen, name, "truncated .npy header");
  text[hlen] = '\0';
  if (hlen == 0 || text[hlen - 1] != '\n' || strlen (text) != hlen)
    return fc_npy_fail (err, errlen, name, ".npy header is not one line "
                        "of text ending in a newline");
  memset (h, 0, sizeof *h);
  const char *why = fc_npy_parse_dict (text, h, key, sizeof key);
  if (why != NULL)
    return key[0] ? fc_npy_fail (err, errlen, name, ".npy header, key '%s': "
                                 "%s", key, why)
                   : fc_npy_fail (err, errlen, name, ".npy header: %s", why);
  return 0;
}

/* Check the shape of H against the width DIM; the number of rows in *N.  */
static int
fc_npy_check_shape (const fc_npy_header *h, const char *name, size_t dim,
                    size_t *n, char *err, size_t errlen)
{
  int ok = (h->ndim == 2 && h->shape[1] == dim)
           || (h->ndim == 1 && dim == 1);
  if (!ok)
    {
      if (h->ndim == 2)
        return fc_npy_fail (err, errlen, name, "shape (%zu, %zu): %zu "
                            "columns, expected %zu", h->shape[0],
                            h->shape[1], h->shape[1], dim);
      return fc_npy_fail (err, errlen, name, "a %d-dimensional array, "
                          "expected shape (N, %zu)", h->ndim, dim);
    }
  *n = h->shape[0];
  if (dim != 0 && *n > SIZE_MAX / sizeof (double) / dim)
    return fc_npy_fail (err, errlen, name, "shape too large");
  return 0;
}

/* Up to COUNT values of IN into the new array *V (NULL when none), the
   number read into *GOT.  The array grows as the values arrive, doubling:
   a header may promise far more values than the file holds (a shape of
   10^17 rows, found by tests/fuzz), and the memory must follow the data,
   not the promise.  GSL_ENOMEM when memory runs out, else 0.  */
static int
fc_npy_read_grow (FILE *in, size_t count, double **v, size_t *got)
{
  size_t cap = 0;
  *v = NULL;
  *got = 0;
  while (*got == cap && cap < count)
    {
      size_t want = cap == 0 ? 4096 : 2 * cap;
      want = want < count ? want : count;
      double *nv = realloc (*v, want * sizeof **v);
      if (nv == NULL)
        return GSL_ENOMEM;
      *v = nv;
      cap = want;
      *got += fread (*v + *got, sizeof **v, cap - *got, in);
    }
  return 0;
}

/* Read the N*DIM values into a new array *X and check that they end the
   file and are finite.  */
static int
fc_npy_read_values (FILE *in, const char *name, size_t n, size_t dim,
                    double **x, char *err, size_t errlen)
{
  size_t count = n * dim, got;
  double *v;
  *x = NULL;
  if (count == 0)
    return fgetc (in) == EOF ? 0 : fc_npy_fail (err, errlen, name,
                                                "trailing data after the "
                                                "array");
  if (fc_npy_read_grow (in, count, &v, &got) != 0)
    {
      free (v);
      fc_npy_fail (err, errlen, name, "out of memory for %zu values", count);
      return GSL_ENOMEM;
    }
  int status = 0;
  if (got != count)
    status = fc_npy_fail (err, errlen, name, "truncated: %zu values of "
                          "shape (%zu, %zu) expected, %zu read", count, n,
                          dim, got);
  else if (fgetc (in) != EOF)
    status = fc_npy_fail (err, errlen, name, "trailing data after the "
                          "%zu values of the array", count);
  if (status == 0 && !fc_npy_host_is_little ())
    fc_npy_swap (v, count);
  for (size_t i = 0; status == 0 && i < count; i++)
    if (!isfinite (v[i]))
      status = fc_npy_fail (err, errlen, name, "row %zu, column %zu: not a "
                            "finite number", i / dim + 1, i % dim + 1);
  if (status != 0)
    free (v);
  else
    *x = v;
  return status;
}

int
fc_npy_read (FILE *in, const char *name, size_t dim, double **x, size_t *n,
             char *err, size_t errlen)
{
  fc_npy_header h;
  *x = NULL;
  *n = 0;
  int status = fc_npy_read_header (in, name, &h, err, errlen);
  if (status == 0)
    status = fc_npy_check_shape (&h, name, dim, n, err, errlen);
  if (status == 0)
    status = fc_npy_read_values (in, name, *n, dim, x, err, errlen);
  if (status != 0)
    *n = 0;
  return status;
}

/* ------------------------------------------------------------- writing */

int
fc_npy_write (FILE *out, const double *x, size_t n, size_t dim, int vector)
{
  char text[FC_NPY_HEADER_MAX];
  unsigned char pre[FC_NPY_PREAMBLE];
  if (vector && dim != 1)
    GSL_ERROR ("a vector .npy array has width 1", GSL_EINVAL);
  int k = vector ? snprintf (text, sizeof text, "{'descr': '<f8', "
                             "'fortran_order': False, 'shape': (%zu,), }", n)
                 : snprintf (text, sizeof text, "{'descr': '<f8', "
                             "'fortran_order': False, 'shape': (%zu, %zu), }",
                             n, dim);
  /* Pad with blanks and end with '\n' so that the data starts on a
     multiple of 64 bytes, as numpy.lib.format does for version 1.0.  */
  size_t hlen = (size_t) k + 1;
  hlen += (FC_NPY_ALIGN - (FC_NPY_PREAMBLE + hlen) % FC_NPY_ALIGN)
          % FC_NPY_ALIGN;
  memset (text + k, ' ', hlen - (size_t) k - 1);
  text[hlen - 1] = '\n';
  memcpy (pre, fc_npy_magic, sizeof fc_npy_magic);
  pre[6] = 1;
  pre[7] = 0;
  pre[8] = (unsigned char) (hlen & 0xff);
  pre[9] = (unsigned char) (hlen >> 8);
  int ok = fwrite (pre, 1, sizeof pre, out) == sizeof pre
           && fwrite (text, 1, hlen, out) == hlen;
  size_t count = n * dim;
  if (ok && count > 0 && fc_npy_host_is_little ())
    ok = fwrite (x, sizeof *x, count, out) == count;
  for (size_t i = 0; ok && !fc_npy_host_is_little () && i < count; i++)
    {
      double v = x[i];
      fc_npy_swap (&v, 1);
      ok = fwrite (&v, sizeof v, 1, out) == 1;
    }
  if (!ok)
    GSL_ERROR ("cannot write the .npy array", GSL_EFAILED);
  return GSL_SUCCESS;
}
