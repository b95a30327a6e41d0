/* src/fc_parse.h -- the line reader and number helpers shared by the strict
 * text parsers (fc_spec.c, fc_obs.c).  Internal: not installed.
 *
 * A statement is one line: '#' starts a comment anywhere, blank lines are
 * skipped, tokens are separated by blanks, CRLF line ends are accepted.
 * Every error is written as "NAME:LINE: message" into the caller's buffer
 * (ARCHITECTURE.md "Bad input"); the helpers return -1 after writing it.  */
#ifndef FC_PARSE_H
#define FC_PARSE_H

#include <stddef.h>
#include <stdio.h>
#include <gsl/gsl_errno.h>

/* Where messages go and which line is being read. */
typedef struct
{
  const char *name; /* file name for messages */
  char *err;        /* message buffer, or NULL */
  size_t errlen;
  size_t line;      /* current line, from 1 (0 before the first) */
} fc_parse_ctx;

/* The current line and its tokens, reused from statement to statement.  */
typedef struct
{
  char *buf;
  size_t cap;
  char **tok;
  size_t ntok, tokcap;
} fc_parse_reader;

/* SRC copied into DST (LEN bytes, always NUL-terminated when LEN > 0,
   cut short at a whole character) with every byte that is not printable
   ASCII (controls, DEL, bytes >= 0x80) written as \xNN, so that a message
   echoing a token of a binary or hostile file shows what is there and
   never sends raw bytes (terminal escapes) to the user.  */
void
fc_parse_escape (char *dst, size_t len, const char *src);

/* 1 when the LEN bytes at S start with the UTF-8 byte order mark EF BB BF,
   which editors on Windows put at the start of a text file: the readers
   skip it at the start of the first line.  */
int
fc_parse_has_bom (const char *s);

/* Write "NAME:LINE: message" (LINE at least 1) into CTX's buffer, escaped
   (fc_parse_escape); -1.  */
int
fc_parse_fail (fc_parse_ctx *ctx, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));

/* CTX for reading NAME (NULL: "<stream>") with messages into ERR, of
   ERRLEN bytes (none when NULL), which is emptied.  */
void
fc_parse_ctx_init (fc_parse_ctx *ctx, const char *name, char *err,
                   size_t errlen);

/* PATH opened for reading, or NULL with "PATH: cannot open: reason" in
   ERR (ERRLEN bytes).  */
FILE *
fc_parse_open (const char *path, char *err, size_t errlen);

/* Read lines of IN until one holds a statement, counting them in
   CTX->line; split it into R->tok[0 .. R->ntok).  Returns 1 for a
   statement, 0 at end of file, -1 on a read error or no memory (message
   written).  A UTF-8 byte order mark at the start of the first line is
   skipped.  */
int
fc_parse_next (fc_parse_ctx *ctx, fc_parse_reader *r, FILE *in);

void
fc_parse_reader_free (fc_parse_reader *r);

/* A parser's handler of one statement TOK[0 .. NTOK) (TOK[0] the
   keyword): 0, or -1 after writing the message.  */
typedef int (*fc_parse_statement_fn) (void *parser, char **tok, size_t ntok);

/* Every statement of IN through STATEMENT (with PARSER, whose context is
   CTX), in order: 0 at the end of the file, -1 at the first statement or
   read that fails (message written).  */
int
fc_parse_statements (fc_parse_ctx *ctx, FILE *in,
                     fc_parse_statement_fn statement, void *parser);

/* -1 with "expected EXPECTED, found a second 'KW' (the first is on line
   FIRST)" when KW, a keyword allowed once, was read on line FIRST; 0 when
   FIRST is 0 (not read yet).  */
int
fc_parse_once (fc_parse_ctx *ctx, const char *expected, const char *kw,
               size_t first);

/* -1 with the message for the keyword KW where EXPECTED was expected:
   "expected EXPECTED, found 'KW'" when KW is a keyword of the grammar
   (KNOWN), "unknown keyword 'KW' (expected EXPECTED)" when not.  */
int
fc_parse_unexpected (fc_parse_ctx *ctx, const char *expected, const char *kw,
                     int known);

/* One number of keyword KW: strtod over the whole token, finite.  */
int
fc_parse_number (fc_parse_ctx *ctx, const char *kw, const char *tok,
                 double *v);

/* Exactly N numbers after the keyword TOK[0] into OUT; the count is checked
   first so that the message says how many were expected.  */
int
fc_parse_numbers (fc_parse_ctx *ctx, char **tok, size_t ntok, size_t n,
                  double *out);

/* The index of NAME in the table NAMES of N entries, or -1 when NAME is
   NULL or not in it: the parse half of every enum's name table.  */
int
fc_parse_name_index (const char *const *names, size_t n, const char *name);

/* NAMES[I] when 0 <= I < N, else UNKNOWN: the print half.  */
const char *
fc_parse_index_name (const char *const *names, size_t n, int i,
                     const char *unknown);

/* The name and parse functions of the enum TYPE whose values 0 .. COUNT-1
   are named NAMES[0 .. COUNT):
     const char *NAME_FN (TYPE v)   NAMES[v], or "unknown";
     int PARSE_FN (const char *name, TYPE *v)   the value named NAME into
       *V, or GSL_EINVAL (without calling the error handler) when NAME
       names none.
   Their prototypes are in the enum's public header.  */
#define FC_PARSE_NAME_TABLE(type, name_fn, parse_fn, names, count)            \
  const char *name_fn (type v)                                                \
  {                                                                           \
    return fc_parse_index_name (names, count, (int) v, "unknown");            \
  }                                                                           \
  int parse_fn (const char *name, type *v)                                    \
  {                                                                           \
    int i = fc_parse_name_index (names, count, name);                         \
    if (i >= 0)                                                               \
      *v = (type) i;                                                          \
    return i >= 0 ? GSL_SUCCESS : GSL_EINVAL;                                 \
  }

/* Numbers of %.17g after keyword KW, one line: reads back bit for bit. */
void
fc_parse_write_row (FILE *out, const char *kw, size_t n, const double *v);

#endif /* FC_PARSE_H */
