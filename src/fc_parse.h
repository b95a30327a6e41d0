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

/* Write "NAME:LINE: message" (LINE at least 1) into CTX's buffer; -1.  */
int
fc_parse_fail (fc_parse_ctx *ctx, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));

/* Read lines of IN until one holds a statement, counting them in
   CTX->line; split it into R->tok[0 .. R->ntok).  Returns 1 for a
   statement, 0 at end of file, -1 on a read error or no memory (message
   written).  */
int
fc_parse_next (fc_parse_ctx *ctx, fc_parse_reader *r, FILE *in);

void
fc_parse_reader_free (fc_parse_reader *r);

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

/* Numbers of %.17g after keyword KW, one line: reads back bit for bit. */
void
fc_parse_write_row (FILE *out, const char *kw, size_t n, const double *v);

#endif /* FC_PARSE_H */
