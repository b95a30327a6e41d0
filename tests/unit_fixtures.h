/* tests/unit_fixtures.h -- helpers that unit suites of src/ of several
 * families share: a prepared mixture from arrays of weights, means and
 * covariances, the OpenMP team size of the thread-independence tests,
 * and text as a stream with the cases a strict parser must refuse and
 * the assertion that it does.  */
#ifndef UNIT_FIXTURES_H
#define UNIT_FIXTURES_H

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "fc_check.h"
#include "fc_gmm.h"

/* The prepared mixture in dimension D of the K components W[j],
   N(MU + j D, S + j D D) (row-major covariances).  */
static inline fc_gmm *
make_gmm (size_t d, size_t k, const double *w, const double *mu,
          const double *s)
{
  fc_gmm *g = fc_gmm_alloc (d, k);
  ck_assert_ptr_nonnull (g);
  for (size_t j = 0; j < k; j++)
    ck_assert_int_eq (fc_gmm_set_component (g, j, w[j], mu + j * d,
                                            s + j * d * d), GSL_SUCCESS);
  ck_assert_int_eq (fc_gmm_prepare (g), GSL_SUCCESS);
  return g;
}

/* Run the following parallel regions with K threads; returns the team
   size it replaces, for restoring it.  Without OpenMP there is one
   thread and nothing to set.  */
static inline int
set_threads (int k)
{
#ifdef _OPENMP
  int previous = omp_get_max_threads ();
  omp_set_num_threads (k);
  return previous;
#else
  (void) k;
  return 1;
#endif
}

/* TEXT as a stream for a reader; an empty TEXT as an empty temporary
   file, since fmemopen of an empty buffer is unspecified before POSIX 2008
   TC2.  */
static inline FILE *
text_stream (const char *text)
{
  FILE *in = text[0] ? fmemopen ((void *) text, strlen (text), "r")
                     : tmpfile ();
  ck_assert_ptr_nonnull (in);
  return in;
}

/* A text a strict parser must refuse, with what its message must say.  */
typedef struct
{
  const char *text;
  int line;           /* expected line of the message */
  const char *needle; /* expected part of the message */
} bad_case;

/* ERR, the message of refusing bad case I, C, of the file NAME, starts
   with "NAME:LINE: " (ARCHITECTURE.md "Bad input") and holds the
   needle.  */
static inline void
assert_refused_with (const char *err, const char *name, int i,
                     const bad_case *c)
{
  char prefix[64];
  snprintf (prefix, sizeof prefix, "%s:%d: ", name, c->line);
  ck_assert_msg (strncmp (err, prefix, strlen (prefix)) == 0,
                 "case %d: message '%s' lacks the prefix '%s'", i, err,
                 prefix);
  ck_assert_msg (strstr (err, c->needle) != NULL,
                 "case %d: message '%s' lacks '%s'", i, err, c->needle);
}

/* A strict parser under test: TEXT read as the suite's file, the object
   read, or NULL with the message in ERR (ERRLEN bytes).  */
typedef void *(*text_parser) (const char *text, char *err, size_t errlen);

/* PARSE refuses bad case I of CASES, reading it as the file NAME, with
   the message assert_refused_with asks for; ERR starts full of 'x', so a
   message left unterminated or unwritten shows.  */
static inline void
assert_bad_case_refused (text_parser parse, const char *name,
                         const bad_case *cases, int i)
{
  char err[512];
  memset (err, 'x', sizeof err);
  ck_assert_msg (parse (cases[i].text, err, sizeof err) == NULL,
                 "case %d accepted", i);
  assert_refused_with (err, name, i, &cases[i]);
}

#endif /* UNIT_FIXTURES_H */
