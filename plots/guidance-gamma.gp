# plots/guidance-gamma.gp -- claim G6: where reconstruction guidance hurts.
# Sliced W2 to exact posterior samples against gamma, with reconstruction
# guidance applied on one window of t only (exact guidance elsewhere) or on
# all of [0, 1]; one panel per sigma_y of G6's D = 2 runs (8gaussians,
# m = 1); the exact-guidance level (mean and spread over G6's blocks), the
# two-exact-sample level and G6's decision band as references.
# Data: RESULTS_DIR/guidance-gamma.dat (flowcheck run guidance --out):
# one index block per sigma_y, its comment line giving the steps and the
# block size; columns sigma_y gamma w2_window_0_1/3 w2_window_1/3_2/3
# w2_window_2/3_1 w2_all w2_exact_mean w2_exact_sd w2_noise_mean
# w2_noise_sd w2_exact_same_start band (NaN: the run diverged).
# The gammas are drawn at equal spacing (column 0, the row within a block).
# The key explains the plotted curves themselves: it is the right panel's,
# placed below both panels, in two columns (its titles short enough for
# two to fit the PDF's 7.5 in; "same draws": block 0 of the exact runs
# starts from the draws of the windowed runs).
# Usage: gnuplot -e "set terminal ..." -c plots/guidance-gamma.gp RESULTS_DIR OUTPUT
load 'common.gp'
dat = ARG1.'/guidance-gamma.dat'
set output ARG2
info(k) = system(sprintf("grep '^# sigma_y' '%s' | sed -n '%dp' | sed 's/^# //; s/: /\\n/; s/; /\\n/g'", dat, k))

set logscale y
set format y '%g'
set xtics ('0' 0, '0.1' 1, '0.5' 2, '1' 3, '2' 4)
set xlabel '{/Symbol g} (reconstruction covariance scale)'
set ylabel 'sliced W_2 to exact posterior samples'
set multiplot layout 1,2 margins 0.07,0.98,0.27,0.8 spacing 0.08 \
    title "G6, D = 2 (8gaussians, one observed row): reconstruction guidance on a window of t, exact guidance elsewhere\nblock 0 of G6's runs; missing points: the run diverged"
do for [k=0:1] {
  set title info(k + 1) noenhanced font ',10'
  # The panel's range: every curve, the bands included (stats filters by
  # the current ranges, so they are opened first).
  set xrange [*:*]
  set yrange [*:*]
  ymax = 0.0
  do for [c=3:7] { stats dat index k u c nooutput; ymax = (STATS_max > ymax) ? STATS_max : ymax }
  stats dat index k u 12 nooutput
  ymax = (STATS_max > ymax) ? STATS_max : ymax
  stats dat index k u 9 nooutput
  ymin = STATS_min
  set xrange [-0.3:4.3]
  set yrange [0.5 * ymin : 1.5 * ymax]
  if (k == 0) { unset key } else {
    set key at screen 0.5, 0.1 center center vertical maxrows 4 width 1 box opaque font ',10'
  }
  plot dat index k u 0:($7-$8):($7+$8) w filledcurves lc rgb '#c7e9c0' fs solid 0.6 t 'exact guidance, mean ± sd of the blocks', \
       ''  index k u 0:12 w l lc rgb '#cb181d' dt 3 lw 1.5 t 'decision band of G6 (block mean)', \
       ''  index k u 0:11 w l ls 4 t 'exact guidance, block 0 (same draws)', \
       ''  index k u 0:9 w l ls 9 t 'two exact samples (mean of pairs)', \
       ''  index k u 0:3 w lp ls 1 t 'reconstruction on t in [0, 1/3)', \
       ''  index k u 0:4 w lp ls 2 t 'reconstruction on t in [1/3, 2/3)', \
       ''  index k u 0:5 w lp ls 6 t 'reconstruction on t in [2/3, 1]', \
       ''  index k u 0:6 w lp ls 8 t 'reconstruction on all of [0, 1]'
}
unset multiplot
