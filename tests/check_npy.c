/* tests/check_npy.c -- NumPy's .npy format (src/fc_npy.h).
 *
 * Claims: the writer produces the bytes numpy.save produces (header text,
 * padding to 64, raw little-endian doubles), for matrices and vectors; the
 * reader returns what was written, to the bit, and refuses, with a message
 * naming the file and the fault, every header or body that is not a
 * version 1.0, '<f8', C-order array of the expected width with exactly its
 * values, all finite.  The expected bytes were taken from numpy 1.24's
 * np.save and are written out here, so the test needs no Python.  */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit_fixtures.h"
#include "fc_npy.h"

/* np.save of np.array([[1.5, -2.0], [0.25, 3.0], [-0.0, 1e-300]]): the
   header of a (3, 2) float64 array, 118 bytes after the 10 of the
   preamble, so that the data starts at byte 128.  */
static const char npy_header_3x2[]
    = "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }";
static const char npy_header_3[]
    = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }";

static const double values_3x2[6] = { 1.5, -2.0, 0.25, 3.0, -0.0, 1e-300 };

/* The bytes of a .npy file: preamble of version MAJ.MIN, HEADER padded to
   the 64-byte boundary with a final newline, then NBYTES of DATA.  LEN
   receives the total length.  malloc'd.  */
static unsigned char *
npy_bytes (int maj, int min, const char *header, const void *data,
           size_t nbytes, size_t *len)
{
  size_t h = strlen (header) + 1;
  h += (64 - (10 + h) % 64) % 64;
  *len = 10 + h + nbytes;
  unsigned char *b = malloc (*len);
  ck_assert_ptr_nonnull (b);
  memcpy (b, "\x93NUMPY", 6);
  b[6] = (unsigned char) maj;
  b[7] = (unsigned char) min;
  b[8] = (unsigned char) (h & 0xff);
  b[9] = (unsigned char) (h >> 8);
  memset (b + 10, ' ', h);
  memcpy (b + 10, header, strlen (header));
  b[10 + h - 1] = '\n';
  if (nbytes > 0)
    memcpy (b + 10 + h, data, nbytes);
  return b;
}

/* Read BYTES (LEN) as an array of width DIM; the status, ERR filled.  */
static int
read_bytes (const unsigned char *bytes, size_t len, size_t dim, double **x,
            size_t *n, char *err, size_t errlen)
{
  FILE *in = fmemopen ((void *) bytes, len, "rb");
  ck_assert_ptr_nonnull (in);
  int status = fc_npy_read (in, "a.npy", dim, x, n, err, errlen);
  fclose (in);
  return status;
}

/* What fc_npy_write puts out for X (n, dim); LEN receives its length.  */
static unsigned char *
written_bytes (const double *x, size_t n, size_t dim, int vector, size_t *len)
{
  char *buf = NULL;
  FILE *out = open_memstream (&buf, len);
  ck_assert_ptr_nonnull (out);
  ck_assert_int_eq (fc_npy_write (out, x, n, dim, vector), GSL_SUCCESS);
  fclose (out);
  return (unsigned char *) buf;
}

FC_TEST ("write", test_writer_produces_numpy_save_bytes)
{
  size_t len, want_len;
  unsigned char *got = written_bytes (values_3x2, 3, 2, 0, &len);
  unsigned char *want = npy_bytes (1, 0, npy_header_3x2, values_3x2,
                                   sizeof values_3x2, &want_len);
  ck_assert_uint_eq (len, want_len);
  ck_assert_uint_eq (len, 128 + sizeof values_3x2);
  ck_assert_int_eq (memcmp (got, want, len), 0);
  free (got);
  free (want);
}
END_TEST

FC_TEST ("write", test_writer_gives_vectors_shape_n)
{
  size_t len, want_len;
  unsigned char *got = written_bytes (values_3x2, 3, 1, 1, &len);
  unsigned char *want = npy_bytes (1, 0, npy_header_3, values_3x2,
                                   3 * sizeof (double), &want_len);
  ck_assert_uint_eq (len, want_len);
  ck_assert_int_eq (memcmp (got, want, len), 0);
  free (got);
  free (want);
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  FILE *out = fopen ("/dev/null", "wb");
  ck_assert_int_eq (fc_npy_write (out, values_3x2, 3, 2, 1), GSL_EINVAL);
  fclose (out);
  gsl_set_error_handler (old);
}
END_TEST

FC_TEST ("read", test_round_trip_is_bitwise_and_keeps_negative_zero)
{
  size_t len, n = 0;
  double *x = NULL;
  char err[256] = "";
  unsigned char *b = written_bytes (values_3x2, 3, 2, 0, &len);
  ck_assert_int_eq (read_bytes (b, len, 2, &x, &n, err, sizeof err),
                    GSL_SUCCESS);
  ck_assert_uint_eq (n, 3);
  ck_assert_int_eq (memcmp (x, values_3x2, sizeof values_3x2), 0);
  ck_assert (signbit (x[4]));
  free (x);
  free (b);
}
END_TEST

FC_TEST ("read", test_reader_accepts_any_key_order_spacing_and_empty)
{
  static const char *const headers[] = {
    "{'shape': (3, 2), 'fortran_order': False, 'descr': '<f8'}",
    "{\"descr\":\"<f8\",\"fortran_order\":False,\"shape\":(3,2)}",
    "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2,), }",
  };
  for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++)
    {
      size_t len, n = 0;
      double *x = NULL;
      char err[256] = "";
      unsigned char *b = npy_bytes (1, 0, headers[i], values_3x2,
                                    sizeof values_3x2, &len);
      ck_assert_msg (read_bytes (b, len, 2, &x, &n, err, sizeof err)
                         == GSL_SUCCESS, "header %zu: %s", i, err);
      ck_assert_uint_eq (n, 3);
      free (x);
      free (b);
    }
  /* An empty array (0, 2): no values, X NULL.  */
  size_t len, n = 9;
  double *x = NULL;
  char err[256] = "";
  unsigned char *b = npy_bytes (1, 0, "{'descr': '<f8', 'fortran_order': "
                                "False, 'shape': (0, 2), }", NULL, 0, &len);
  ck_assert_int_eq (read_bytes (b, len, 2, &x, &n, err, sizeof err),
                    GSL_SUCCESS);
  ck_assert_uint_eq (n, 0);
  ck_assert_ptr_null (x);
  free (b);
}
END_TEST

/* Each bad input: its header (NULL: the good (3, 2) one), its major
   version, the number of value bytes (-1: all 48, -2: 48 and one more),
   the width asked for, and the message expected after "a.npy: ".  */
static const struct
{
  const char *header;
  int maj;
  int nbytes;
  size_t dim;
  const char *message;
} bad_inputs[] = {
  { NULL, 2, -1, 2, ".npy version 2.0 is not supported (version 1.0 only)" },
  { "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", 1, -1, 2,
    ".npy header, key 'descr': dtype is not float64 '<f8' (convert with "
    "astype('<f8'))" },
  { "{'descr': '>f8', 'fortran_order': False, 'shape': (3, 2), }", 1, -1, 2,
    ".npy header, key 'descr': dtype '>f8' (big-endian) is not float64 "
    "'<f8'" },
  { "{'descr': '<f8', 'fortran_order': True, 'shape': (3, 2), }", 1, -1, 2,
    ".npy header, key 'fortran_order': Fortran order is not supported "
    "(write a C-order array: np.ascontiguousarray)" },
  { NULL, 1, -1, 3, "shape (3, 2): 2 columns, expected 3" },
  { "{'descr': '<f8', 'fortran_order': False, 'shape': (6,), }", 1, -1, 2,
    "a 1-dimensional array, expected shape (N, 2)" },
  { "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 3, 2), }", 1, -1,
    2, "a 3-dimensional array, expected shape (N, 2)" },
  { NULL, 1, 47, 2, "truncated: 6 values of shape (3, 2) expected, 5 read" },
  { NULL, 1, -2, 2, "trailing data after the 6 values of the array" },
  { "{'descr': '<f8', 'shape': (3, 2), }", 1, -1, 2,
    ".npy header: the header misses 'descr', 'fortran_order' or 'shape'" },
  { "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), 'x': 1}", 1,
    -1, 2, ".npy header, key 'x': unknown key (expected 'descr', "
    "'fortran_order', 'shape')" },
  { "{'descr': '<f8', 'fortran_order': False, 'shape': (3, -2), }", 1, -1, 2,
    ".npy header, key 'shape': 'shape' repeated or not a tuple of "
    "integers" },
  { "['descr', '<f8']", 1, -1, 2, ".npy header: the header is not a dict" },
};

FC_LOOP_TEST ("read", test_reader_names_each_fault,
              (int) (sizeof bad_inputs / sizeof bad_inputs[0]))
{
  double data[7];
  memcpy (data, values_3x2, sizeof values_3x2);
  data[6] = 0;
  int nb = bad_inputs[_i].nbytes;
  size_t nbytes = nb == -1 ? 48 : nb == -2 ? 49 : (size_t) nb;
  const char *header = bad_inputs[_i].header ? bad_inputs[_i].header
                                             : npy_header_3x2;
  size_t len, n = 7;
  double *x = NULL;
  char err[256] = "";
  unsigned char *b = npy_bytes (bad_inputs[_i].maj, 0, header, data, nbytes,
                                &len);
  ck_assert_int_eq (read_bytes (b, len, bad_inputs[_i].dim, &x, &n, err,
                                sizeof err),
                    GSL_EINVAL);
  char want[512];
  snprintf (want, sizeof want, "a.npy: %s", bad_inputs[_i].message);
  ck_assert_str_eq (err, want);
  ck_assert_ptr_null (x);
  ck_assert_uint_eq (n, 0);
  free (b);
}
END_TEST

FC_TEST ("read", test_reader_refuses_non_finite_values_and_non_npy)
{
  double data[6];
  memcpy (data, values_3x2, sizeof data);
  data[3] = INFINITY;
  size_t len, n;
  double *x = NULL;
  char err[256] = "";
  unsigned char *b = npy_bytes (1, 0, npy_header_3x2, data, sizeof data,
                                &len);
  ck_assert_int_eq (read_bytes (b, len, 2, &x, &n, err, sizeof err),
                    GSL_EINVAL);
  ck_assert_str_eq (err, "a.npy: row 2, column 2: not a finite number");
  free (b);
  static const unsigned char text[] = "1 2\n3 4\n";
  ck_assert_int_eq (read_bytes (text, sizeof text - 1, 2, &x, &n, err,
                                sizeof err),
                    GSL_EINVAL);
  ck_assert_str_eq (err, "a.npy: not a .npy file (no \\x93NUMPY magic, or "
                         "shorter than its preamble)");
}
END_TEST

FC_TEST ("read", test_sniff_tells_npy_from_text_and_pushes_back)
{
  size_t len;
  unsigned char *b = written_bytes (values_3x2, 3, 2, 0, &len);
  FILE *in = fmemopen (b, len, "rb");
  ck_assert_int_eq (fc_npy_sniff (in), 1);
  ck_assert_int_eq (getc (in), FC_NPY_MAGIC0);
  fclose (in);
  free (b);
  static char text[] = "1 2\n";
  in = fmemopen (text, 4, "rb");
  ck_assert_int_eq (fc_npy_sniff (in), 0);
  ck_assert_int_eq (getc (in), '1');
  fclose (in);
}
END_TEST

FC_CK_MAIN ("npy")
