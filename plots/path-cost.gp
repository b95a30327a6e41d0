# plots/path-cost.gp -- claim B6: path cost C(alpha) = int E||b||^2 dt per
# Nelder-Mead iteration, with the straight path's cost and the lower bound
# (W2^2, or the Gelbrich bound for mixture end points) as lines, and the
# two costs the check measured as points.
# Data: RESULTS_DIR/path-cost.dat, one index block per problem (columns
# iteration cost straight_cost lower_bound start).  Iteration 0 is the
# straight path, then the iterations of every start in turn, counted
# together; the cost is the best so far over all of them, beginning from
# the straight path, so it never exceeds the straight line.  The x axis is
# logarithmic in 1 + iteration (1 = the straight path).
# Each block's header gives the panel title ('# index': the problem, its
# bound, the share of the gap closed), what the curves are ('# curves') and
# what the check measured ('# check', and '# points': C_straight, its
# standard error, C_learned, its standard error).  The closed-form
# problems' curves are the check's own measure, so the points sit on the
# curves' ends.  The mixture problem's curves are its Monte Carlo
# objective on the few fitting draws; the check measured both paths again
# on independent draws: those are the points (with one standard error),
# and its title says so.
# Each panel's y range runs from just below the bound to just above the
# straight cost and the checked costs: the part where the learned path can
# be.
# Usage: gnuplot -e "set terminal ..." -c plots/path-cost.gp RESULTS_DIR OUTPUT
load 'common.gp'
dat = ARG1.'/path-cost.dat'
set output ARG2

header(tag, i) = system(sprintf("grep -m1 '^# %s %d:' '%s' | sed 's/^# %s [0-9]*: //'", tag, i, dat, tag))
point(i, k) = real(system(sprintf("awk '/^# points %d:/ {print $%d; exit}' '%s'", i, k + 3, dat)))
column_of(i, c) = real(system(sprintf("awk '/^# index %d:/ {f = 1; next} /^# index/ {f = 0} f && NF == 5 {print $%d; exit}' '%s'", i, c, dat)))
last_iteration(i) = real(system(sprintf("awk '/^# index %d:/ {f = 1; next} /^# index/ {f = 0} f && NF == 5 {n = $1} END {print n}' '%s'", i, dat)))

set multiplot layout 2, 2 title "B6: path cost vs Nelder-Mead iteration (all starts in turn; best so far, from the straight path); points: the costs the check measured" noenhanced
set xlabel '1 + Nelder-Mead iteration (all starts in turn; 1 = the straight path)'
set ylabel 'C = int_0^1 E||b||^2 dt'
set key top right font ',8' maxrows 3
set logscale x
set bars small
do for [i = 0:3] {
  s = column_of(i, 3)
  b = column_of(i, 4)
  cs = point(i, 1); es = point(i, 2); cl = point(i, 3); el = point(i, 4)
  n = last_iteration(i)
  top = (s > cs + es ? s : cs + es)
  g = top - b
  set yrange [b - 0.08 * g : top + 0.45 * g]
  mc = strstrt(header('index', i), 'Monte Carlo') > 0
  if (mc) {
    set title header('index', i)."\ncurves: ".header('curves', i)."\npoints, the check: ".header('check', i) noenhanced font ',8'
  } else {
    set title header('index', i)."\n".header('check', i)."\n(curves: ".header('curves', i).")" noenhanced font ',8'
  }
  plot dat index i u ($1 + 1):2 w steps ls 1 t (mc ? 'learned (fitting draws)' : 'learned (best so far)'), \
       dat index i u ($1 + 1):3 w l ls 9 lw 2 t (mc ? 'straight (fitting draws)' : 'straight path'), \
       dat index i u ($1 + 1):4 w l ls 8 t (mc ? 'Gelbrich bound' : 'W_2^2'), \
       '+' u (1):(cs):(es) every ::0::0 w yerrorbars ls 6 pt 5 ps 1.2 t (mc ? 'check: C(straight) ± 1 se' : 'check: C(straight)'), \
       '+' u (n + 1):(cl):(el) every ::0::0 w yerrorbars ls 4 pt 7 ps 1.2 t (mc ? 'check: C(learned) ± 1 se' : 'check: C(learned)')
}
unset multiplot
