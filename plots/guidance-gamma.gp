# plots/guidance-gamma.gp -- claim G6: where reconstruction guidance hurts.
# Sliced W2 to exact posterior samples against gamma, with reconstruction
# guidance applied on one window of t only (exact guidance elsewhere) or on
# all of [0, 1]; one panel per sigma_y; the exact-guidance level (mean and
# spread over start seeds) and the two-exact-sample level as bands.
# Data: RESULTS_DIR/guidance-gamma.dat (flowcheck run guidance --out):
# one index block per sigma_y; columns sigma_y gamma w2_window_0_1/3
# w2_window_1/3_2/3 w2_window_2/3_1 w2_all w2_exact_mean w2_exact_sd
# w2_noise_mean w2_noise_sd w2_exact_same_start (NaN: the run diverged).
# The gammas are drawn at equal spacing (column 0, the row within a block).
# Usage: gnuplot -e "set terminal ..." -c plots/guidance-gamma.gp RESULTS_DIR OUTPUT
load 'common.gp'
dat = ARG1.'/guidance-gamma.dat'
set output ARG2

set logscale y
set format y '%g'
set xrange [-0.3:4.3]
set xtics ('0' 0, '0.1' 1, '0.5' 2, '1' 3, '2' 4)
set xlabel '{/Symbol g} (reconstruction covariance scale)'
set ylabel 'sliced W_2 to exact posterior samples'
sigmas = "0.01 0.1 1"
set multiplot layout 2,2 title "Reconstruction guidance on a window of t, exact guidance elsewhere (missing points: run diverged)"
unset key
do for [k=0:2] {
  set title sprintf('{/Symbol s}_y = %s', word(sigmas, k + 1))
  # The panel's range: every curve, the bands included (stats filters by
  # the current ranges, so they are opened first).
  set xrange [*:*]
  set yrange [*:*]
  ymax = 0.0
  do for [c=3:7] { stats dat index k u c nooutput; ymax = (STATS_max > ymax) ? STATS_max : ymax }
  stats dat index k u 9 nooutput
  ymin = STATS_min
  set xrange [-0.3:4.3]
  set yrange [0.5 * ymin : 1.5 * ymax]
  plot dat index k u 0:($7-$8):($7+$8) w filledcurves lc rgb '#c7e9c0' fs solid 0.6, \
       ''  index k u 0:11 w l ls 4, \
       ''  index k u 0:9 w l ls 9, \
       ''  index k u 0:3 w lp ls 1, \
       ''  index k u 0:4 w lp ls 2, \
       ''  index k u 0:5 w lp ls 6, \
       ''  index k u 0:6 w lp ls 8
}
# The fourth slot holds the key alone: each entry plots a constant above
# the panel's range, so only its key sample shows.  The titles must fit the
# slot's width: a wider key is drawn as an empty box.
unset title
unset border
unset tics
unset grid
unset xlabel
unset ylabel
unset logscale y
set xrange [0:1]
set yrange [0:1]
set key center center box opaque font ',11' spacing 1.3
plot 2 w filledcurves y1=3 lc rgb '#c7e9c0' fs solid 0.6 t 'exact guidance: mean ± sd over start seeds', \
     2 w l ls 4 t 'exact guidance, the windowed runs'' N(0,I) draws', \
     2 w l ls 9 t 'two exact samples (mean over pairs)', \
     2 w lp ls 1 t 'reconstruction on t in [0, 1/3)', \
     2 w lp ls 2 t 'reconstruction on t in [1/3, 2/3)', \
     2 w lp ls 6 t 'reconstruction on t in [2/3, 1]', \
     2 w lp ls 8 t 'reconstruction on all of [0, 1]'
unset multiplot
