# plots/path-cost.gp -- claim B6: path cost C(alpha) = int E||b||^2 dt per
# Nelder-Mead iteration, with the straight path's cost and the lower bound
# (W2^2, or the Gelbrich bound for mixture end points) as lines.
# Data: RESULTS_DIR/path-cost.dat, one index block per problem (columns
# iteration cost straight_cost lower_bound start).  Iteration 0 is the
# straight path, then the iterations of every start in turn, counted
# together; the cost is the best so far over all of them, beginning from
# the straight path, so it never exceeds the straight line.  The x axis is
# logarithmic in 1 + iteration (1 = the straight path).  The mixture problem's objective is a Monte Carlo mean on
# its fitting draws (its straight line is on the same draws); the panel
# title gives the costs re-measured on independent draws.
# Each panel's y range runs from just below the bound to just above the
# straight cost: the part where the learned path can be.
# Usage: gnuplot -e "set terminal ..." -c plots/path-cost.gp RESULTS_DIR OUTPUT
load 'common.gp'
dat = ARG1.'/path-cost.dat'
set output ARG2

name(i) = system(sprintf("grep -m1 '^# index %d:' '%s' | sed 's/^# index [0-9]*: //'", i, dat))
set multiplot layout 2, 2 title "B6: path cost vs Nelder-Mead iteration (all starts in turn; best so far, from the straight path)" noenhanced
set xlabel '1 + Nelder-Mead iteration (all starts in turn; 1 = the straight path)'
set ylabel 'C = int_0^1 E||b||^2 dt'
# The key sits above the straight line, where no curve goes.
set key top right font ',8' maxrows 2
set logscale x
do for [i = 0:3] {
  s = real(system(sprintf("awk '/^# index %d:/ {f = 1; next} /^# index/ {f = 0} f && NF == 5 {print $3; exit}' '%s'", i, dat)))
  b = real(system(sprintf("awk '/^# index %d:/ {f = 1; next} /^# index/ {f = 0} f && NF == 5 {print $4; exit}' '%s'", i, dat)))
  g = s - b
  set yrange [b - 0.08 * g : s + 0.35 * g]
  set title name(i) noenhanced font ',9'
  plot dat index i u ($1 + 1):2 w steps ls 1 t 'learned (best so far)', \
       dat index i u ($1 + 1):3 w l ls 9 lw 2 t (i == 2 ? 'straight path (same draws)' : 'straight path'), \
       dat index i u ($1 + 1):4 w l ls 8 t (i == 2 ? 'Gelbrich bound' : 'W2^2')
}
unset multiplot
