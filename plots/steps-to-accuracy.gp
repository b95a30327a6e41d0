# plots/steps-to-accuracy.gp -- claim T3: with the exact fields, the
# relative RMS error of the ODE end point (against the adaptive flow map of
# the same schedule) against the number of steps, for the linear, cosine
# and vp schedules, Euler (solid) and RK4 (dashed), one panel per data
# set; the two targets of the claim as horizontal lines.
# Data: RESULTS_DIR/steps-to-accuracy.dat (one index per data set: columns
# steps euler_linear euler_cosine euler_vp rk4_linear rk4_cosine rk4_vp),
# flowcheck run training --out.
# Usage: gnuplot -e "set terminal ..." -c plots/steps-to-accuracy.gp RESULTS_DIR OUTPUT
load 'common.gp'
dat = ARG1.'/steps-to-accuracy.dat'
set output ARG2
names = "8gaussians moons mixture-8D"

set multiplot layout 1,3 title "T3: steps to a given accuracy with the exact fields (no network): linear vs cosine vs vp schedule\nrelative RMS end-point error against the exact flow map; solid: Euler, dashed: RK4; grey: the targets 1e-2, 1e-3\n"
set logscale xy
set format y '10^{%L}'
set xlabel 'ODE steps'
set xrange [1.5:2500]
set yrange [3e-4:3]
set key bottom left font ',9'
do for [d = 0:2] {
  set title word(names, d + 1)
  if (d == 0) { set ylabel 'RMS |x_N - {/Symbol f}_1(x_0)| / data scale' } else { unset ylabel }
  plot dat index d u 1:2 w lp ls 1 pt 7 ps 0.6 t 'Euler linear', \
       ''  index d u 1:3 w lp ls 6 pt 7 ps 0.6 t 'Euler cosine', \
       ''  index d u 1:4 w lp ls 4 pt 7 ps 0.6 t 'Euler vp', \
       ''  index d u 1:5 w lp ls 1 dt 2 pt 5 ps 0.6 t 'RK4 linear', \
       ''  index d u 1:6 w lp ls 6 dt 2 pt 5 ps 0.6 t 'RK4 cosine', \
       ''  index d u 1:7 w lp ls 4 dt 2 pt 5 ps 0.6 t 'RK4 vp', \
       1e-2 w l lc rgb 'gray60' dt 3 notitle, 1e-3 w l lc rgb 'gray60' dt 3 notitle
}
unset multiplot
