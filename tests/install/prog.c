/* The velocity of 8gaussians at one point, linked against the installed
   library: gcc prog.c $(pkg-config --cflags --libs flowcheck)  */
#include <stdio.h>
#include <flowcheck.h>

int
main (void)
{
  fc_gmm *g = fc_spec_builtin ("8gaussians");
  double x[2] = { 0.3, -1.2 }, u[2];
  if (g == NULL
      || fc_path_eval (g, FC_SCHEDULE_LINEAR, 0.5, FC_Q_VELOCITY, 1, x, u))
    return 1;
  printf ("%.17g %.17g\n", u[0], u[1]);
  fc_gmm_free (g);
  return 0;
}
