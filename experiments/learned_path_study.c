/* experiments/learned_path_study.c -- the cost study of
 * experiments/learned-path: every path problem of claim B6 and the
 * two-block schedule of B8 learned with more modes and iterations than the
 * module's own checks (N §Albergo et al. 2023 "Optimisation of path",
 * §Chat 3/11/2023).
 *
 * The learning and the data files are the module's
 * (derivations/barycentric/barycentric.h); the study chooses the sizes and
 * writes the summary table.  */
#include <config.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>

#include "barycentric/barycentric.h"
#include "learned_path_study.h"

/* The study's sizes: more modes, iterations, starts and draws than B6's
   full sizes, which --quick uses instead (1000 iterations per closed-form
   start, 128 fitting draws: the paths of flowcheck run barycentric).  */
static const fc_barycentric_plan lp_plan_study
    = { 3, 3000, 4, 1000, 3, { 0.0, 3.0, 1.0, 2.0 }, { 0.6, 0.3, 1.0, 0.0 },
        512, 24, 32768, 64 };

typedef struct
{
  const fc_barycentric_plan *paths;
  size_t block_modes, block_iter; /* the two-block schedule */
} lp_study_sizes;

static lp_study_sizes
lp_study_sizes_for (int quick)
{
  lp_study_sizes quick_sizes = { fc_barycentric_path_plan (FC_SIZE_FULL), 2, 800 };
  lp_study_sizes full_sizes = { &lp_plan_study, FC_BARYCENTRIC_MAX_MODES, 3000 };
  return quick ? quick_sizes : full_sizes;
}

/* The summary table (stdout of experiments/learned-path): aligned columns
   for reading; the data files keep %.17g.  cost_se is the Monte Carlo
   standard error of learned_cost (straight_cost's is alike), diff_se that
   of the paired difference learned - straight (common random numbers),
   which is the one gap_closed is judged by; both are '-' for the exact
   rows (closed form in x, quadrature in t: no sampling error).  */
#define LP_SUMMARY_HEAD "%-14s %14s %14s %14s %10s %8s %10s %10s\n"
#define LP_SUMMARY_ROW "%-14s %14.8g %14.8g %14.8g %10.4f %8.2f "

void
lp_study_summary_header (FILE *summary)
{
  fprintf (summary, "# cost_se, diff_se: Monte Carlo standard errors of "
           "learned_cost and of learned - straight (paired); '-' for exact "
           "rows\n");
  fprintf (summary, LP_SUMMARY_HEAD, "problem", "straight_cost",
           "learned_cost", "lower_bound", "gap_closed", "seconds", "cost_se",
           "diff_se");
}

static void
lp_summary_row (FILE *summary, const char *name, double straight,
                double learned, double bound, double gap, double secs,
                double cost_se, double diff_se)
{
  fprintf (summary, LP_SUMMARY_ROW, name, straight, learned, bound, gap,
           secs);
  if (gsl_finite (cost_se))
    fprintf (summary, "%10.3g %10.3g\n", cost_se, diff_se);
  else
    fprintf (summary, "%10s %10s\n", "-", "-");
}

int
lp_study_path (const fc_run_options *opt, size_t id, fc_barycentric_path *r,
               FILE *summary)
{
  lp_study_sizes sz = lp_study_sizes_for (opt->quick);
  int status = fc_barycentric_path_learn (opt, id, sz.paths, r);
  if (status)
    return status;
  double gap = fc_barycentric_gap_closed (r);
  lp_summary_row (summary, r->name, r->straight, r->learned, r->bound, gap,
                  r->seconds, r->mc ? r->err_learned : GSL_NAN,
                  r->mc ? r->diff_err : GSL_NAN);
  fc_module_progress (opt, "cost study %s: C_straight %.6g C_learned "
                      "%.6g bound %.6g gap closed %.3f (%.1f s)", r->name,
                      r->straight, r->learned, r->bound, gap, r->seconds);
  return GSL_SUCCESS;
}

/* Every path problem into PATHS, a summary row each.  */
static int
lp_study_paths (const fc_run_options *opt, fc_barycentric_path *paths,
                FILE *summary)
{
  int status = GSL_SUCCESS;
  for (size_t id = 0; status == GSL_SUCCESS && id < FC_BARYCENTRIC_N_PATH_PROBLEMS; id++)
    status = lp_study_path (opt, id, &paths[id], summary);
  return status;
}

/* The summary row and progress line of schedule S.  */
static void
lp_study_schedule_row (const fc_run_options *opt,
                       const fc_barycentric_schedule *s, FILE *summary)
{
  double gap = s->diagonal > s->bound
                   ? (s->diagonal - s->learned) / (s->diagonal - s->bound)
                   : GSL_NAN;
  lp_summary_row (summary, "two_block", s->diagonal, s->learned, s->bound,
                  gap, s->seconds, GSL_NAN, GSL_NAN);
  fc_module_progress (opt, "block schedule: diagonal %.6g learned %.6g W2^2 "
                      "%.6g gap closed %.3f (%.1f s)", s->diagonal, s->learned,
                      s->bound, gap, s->seconds);
}

int
lp_study_schedule_learn (const fc_run_options *opt, fc_barycentric_schedule *s,
                         FILE *summary)
{
  lp_study_sizes sz = lp_study_sizes_for (opt->quick);
  int status = fc_barycentric_schedule_learn (1, sz.block_modes,
                                              sz.block_iter, s);
  if (status == GSL_SUCCESS)
    lp_study_schedule_row (opt, s, summary);
  return status;
}

/* The two-block schedule with one-dimensional blocks, its data file and
   summary row.  */
static int
lp_study_schedule (const fc_run_options *opt, const lp_study_sizes *sz,
                   FILE *summary)
{
  fc_barycentric_schedule s;
  int status = fc_barycentric_schedule_learn (1, sz->block_modes,
                                              sz->block_iter, &s);
  if (status == GSL_SUCCESS)
    status = fc_barycentric_write_block_schedule (opt, &s);
  if (status)
    return status;
  lp_study_schedule_row (opt, &s, summary);
  return GSL_SUCCESS;
}

int
lp_cost_study (const fc_run_options *opt, FILE *summary)
{
  if (opt->out_dir == NULL || summary == NULL)
    GSL_ERROR ("no output directory or summary", GSL_EINVAL);
  lp_study_sizes sz = lp_study_sizes_for (opt->quick);
  fc_barycentric_path paths[FC_BARYCENTRIC_N_PATH_PROBLEMS] = { { 0 } };
  lp_study_summary_header (summary);
  int status = lp_study_paths (opt, paths, summary);
  if (status == GSL_SUCCESS)
    status = fc_barycentric_write_path_cost (opt, paths);
  if (status == GSL_SUCCESS)
    status = fc_barycentric_write_simplex_paths (opt, paths);
  for (size_t id = 0; id < FC_BARYCENTRIC_N_PATH_PROBLEMS; id++)
    fc_barycentric_path_free (&paths[id]);
  if (status == GSL_SUCCESS)
    status = lp_study_schedule (opt, &sz, summary);
  return status;
}
