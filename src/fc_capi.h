/* src/fc_capi.h -- the message of a failed library call, for callers that
 * cannot take GSL's default error handler, which prints and aborts: the
 * Python module python/flowcheck (ctypes), and C programs that want to
 * report a failure and carry on.
 *
 * Every library function reports an error as GSL does: a GSL_E* status
 * returned (or NULL / NaN), and, for most, a call of the GSL error handler
 * with a reason (GSL_ERROR).  fc_capi_init installs a handler that keeps
 * that reason, per thread, instead of aborting; fc_capi_message then gives
 * it after a failed call.  The spec and observation readers report through
 * their ERR buffers instead (fc_spec.h, fc_obs.h), as before.
 *
 * Usage:
 *   fc_capi_init ();            once, before the first call
 *   fc_capi_clear ();           before a call
 *   status = fc_path_eval (...);
 *   if (status) fprintf (stderr, "%s\n", fc_capi_message (status));  */
#ifndef FC_CAPI_H
#define FC_CAPI_H

#ifdef __cplusplus
extern "C" {
#endif

/* Install fc_capi_error_handler as GSL's error handler (process-wide, as
   gsl_set_error_handler is).  */
void
fc_capi_init (void);

/* A gsl_error_handler_t: keeps "REASON" for this thread, aborts nothing.  */
void
fc_capi_error_handler (const char *reason, const char *file, int line,
                       int gsl_errno);

/* Forget this thread's last reason.  */
void
fc_capi_clear (void);

/* The message for a call that failed with STATUS in this thread: the
   reason the handler kept since the last fc_capi_clear, followed by
   ": " and gsl_strerror (STATUS); gsl_strerror (STATUS) alone when the
   call reported no reason.  Valid until the next library call in this
   thread.  */
const char *
fc_capi_message (int status);

#ifdef __cplusplus
}
#endif
#endif /* FC_CAPI_H */
