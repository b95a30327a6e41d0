/* tests/fuzz/fuzz.h -- what the libFuzzer harnesses of tests/fuzz/ share:
 * the fuzzer's bytes as a stream, a text buffer to write into, and the two
 * properties every harness checks.
 *
 * A parser under fuzzing must (1) refuse what it does not accept with a
 * message of printable ASCII (fc_parse_escape: never raw bytes), and (2)
 * read back, to the bit, what it writes of what it accepted: parse, write
 * the parsed values back in the file's own format, parse that again and
 * compare.  A violation aborts, which libFuzzer reports as a crash with the
 * input that caused it (ARCHITECTURE.md "Bad input").  */
#ifndef FC_FUZZ_H
#define FC_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fc_io.h"

/* Report a broken property and abort (libFuzzer saves the input).  */
#define FC_FUZZ_FAIL(...)                                                    \
  do                                                                         \
    {                                                                        \
      fprintf (stderr, "fuzz: " __VA_ARGS__);                                \
      fputc ('\n', stderr);                                                  \
      abort ();                                                              \
    }                                                                        \
  while (0)

/* The N bytes at DATA as a stream to read (a copy: fmemopen wants a
   writable buffer and a size of at least 1), or NULL when N is 0.  *COPY
   is to be freed after fclose.  */
static inline FILE *
fc_fuzz_stream (const uint8_t *data, size_t n, char **copy)
{
  *copy = NULL;
  if (n == 0)
    return NULL;
  *copy = malloc (n);
  if (*copy == NULL)
    return NULL;
  memcpy (*copy, data, n);
  FILE *in = fmemopen (*copy, n, "r");
  if (in == NULL)
    {
      free (*copy);
      *copy = NULL;
    }
  return in;
}

/* A message of a refusal: not empty, printable ASCII only.  */
static inline void
fc_fuzz_check_message (const char *what, const char *err)
{
  if (err[0] == '\0')
    FC_FUZZ_FAIL ("%s: refused without a message", what);
  for (const char *p = err; *p != '\0'; p++)
    if ((unsigned char) *p < 0x20 || (unsigned char) *p >= 0x7f)
      FC_FUZZ_FAIL ("%s: byte 0x%02x unescaped in the message",
                    what, (unsigned char) *p);
}

/* N doubles at A and B equal to the bit.  */
static inline void
fc_fuzz_same (const char *what, const double *a, const double *b, size_t n)
{
  if (n > 0 && memcmp (a, b, n * sizeof (double)) != 0)
    FC_FUZZ_FAIL ("%s: not read back to the bit", what);
}

/* The first byte of DATA chooses a width in [1, MAX] (consumed).  */
static inline size_t
fc_fuzz_width (const uint8_t **data, size_t *n, size_t max)
{
  size_t w = 1 + (*n > 0 ? (*data)[0] % max : 0);
  if (*n > 0)
    {
      ++*data;
      --*n;
    }
  return w;
}

/* The points of the N bytes at DATA, D numbers a line, as the points
   reader of eval and so3 reads them (fc_io_read_points_lines), into *X
   (*NP points; NULL when refused or empty), after checking the round
   trip: the points written as eval writes them (%.17g, one blank apart)
   read back to the same points to the bit.  */
static inline void
fc_fuzz_points (const uint8_t *data, size_t n, size_t d, double **x,
                size_t *np)
{
  char err[1024], *copy, *text = NULL;
  size_t len = 0, *lines = NULL, n2 = 0;
  double *y = NULL;
  *x = NULL;
  *np = 0;
  FILE *in = fc_fuzz_stream (data, n, &copy);
  if (in == NULL)
    return;
  int status = fc_io_read_points_lines (in, "<stdin>", d, x, np, &lines, err,
                                        sizeof err);
  fclose (in);
  free (copy);
  free (lines);
  if (status != 0)
    {
      fc_fuzz_check_message ("points", err);
      return;
    }
  FILE *out = open_memstream (&text, &len);
  if (out == NULL)
    FC_FUZZ_FAIL ("points: no memory stream");
  for (size_t i = 0; i < *np; i++)
    for (size_t j = 0; j < d; j++)
      fprintf (out, "%.17g%c", (*x)[i * d + j], j + 1 < d ? ' ' : '\n');
  fclose (out);
  in = len > 0 ? fmemopen (text, len, "r") : NULL;
  if (in != NULL)
    {
      if (fc_io_read_points (in, "rewritten", d, &y, &n2, err, sizeof err)
          != 0)
        FC_FUZZ_FAIL ("written points do not read back: %s", err);
      fclose (in);
    }
  if (n2 != *np)
    FC_FUZZ_FAIL ("points: %zu read back of %zu", n2, *np);
  fc_fuzz_same ("points", *x, y, *np * d);
  free (y);
  free (text);
}

#endif /* FC_FUZZ_H */
