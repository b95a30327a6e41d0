/* src/fc_capi.c -- the message of a failed library call, kept per thread
 * (fc_capi.h).  Thread-local because the Python module releases the GIL
 * around each call: two threads failing at once each read their own.  */
#include <config.h>

#include <stdio.h>

#include <gsl/gsl_errno.h>

#include "fc_capi.h"

/* Room for a reason (a longer one is cut, never overrun), and for the
   message: the reason, ": " and gsl_strerror's text (under 64 bytes).  */
#define FC_CAPI_REASON_SIZE 512
#define FC_CAPI_TEXT_SIZE (FC_CAPI_REASON_SIZE + 128)

static _Thread_local char fc_capi_reason[FC_CAPI_REASON_SIZE];
static _Thread_local char fc_capi_text[FC_CAPI_TEXT_SIZE];

void
fc_capi_error_handler (const char *reason, const char *file, int line,
                       int gsl_errno)
{
  (void) file;
  (void) line;
  (void) gsl_errno;
  /* The first reason is the cause; later ones are callers reporting the
     same failure on their way out.  */
  if (fc_capi_reason[0] == '\0')
    snprintf (fc_capi_reason, sizeof fc_capi_reason, "%s",
              reason != NULL ? reason : "");
}

void
fc_capi_init (void)
{
  gsl_set_error_handler (fc_capi_error_handler);
}

void
fc_capi_clear (void)
{
  fc_capi_reason[0] = '\0';
}

const char *
fc_capi_message (int status)
{
  if (fc_capi_reason[0] == '\0')
    snprintf (fc_capi_text, sizeof fc_capi_text, "%s", gsl_strerror (status));
  else
    snprintf (fc_capi_text, sizeof fc_capi_text, "%s: %s", fc_capi_reason,
              gsl_strerror (status));
  return fc_capi_text;
}
