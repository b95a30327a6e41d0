# plots/doob-double-well.gp -- claim H1 (c): Doob's h-transform of the double
# well dX = (X - X^3) dt + sigma dB from x0 = -1 conditioned on X_T = +1
# (N §Doob's h-transform).  At t = T/2 and 3T/4: histograms of the
# h-transformed SDE (drift f + sigma^2 d_x log h, h from the backward
# Kolmogorov equation on a grid) and of the unconditioned paths kept when
# |X_T - x_T| < eps (rejection), against the exact-grid conditioned density
# q = p h / h(0, x0); the unconditioned density p for contrast.
# Data: RESULTS_DIR/doob-double-well.dat (flowcheck run doob --out); columns
# x hist_h_T2 hist_rej_T2 q_T2 q_eps_T2 p_T2 hist_h_3T4 hist_rej_3T4 q_3T4
# q_eps_3T4 p_3T4; its "# sizes:" and "# measured:" header lines hold the
# sample sizes and the measured test figures.  q_eps nearly equals q, so it is drawn
# as open circles on the curve of q, where a line would hide under it.
# Usage: gnuplot -e "set terminal ..." -c plots/doob-double-well.gp RESULTS_DIR OUTPUT
load 'common.gp'
dat = ARG1.'/doob-double-well.dat'
set output ARG2

# The measured figures, from the data file's header.
measured = system(sprintf("sed -n 's/^# measured: //p' '%s' | head -1", dat))
sizes = system(sprintf("sed -n 's/^# sizes: //p' '%s' | head -1", dat))

stats dat u 1 nooutput
bw = (STATS_max - STATS_min) / (STATS_records - 1)
set boxwidth bw absolute
set style fill transparent solid 0.35 noborder
set xrange [STATS_min - bw : STATS_max + bw]
set yrange [0:*]
set offsets 0, 0, graph 0.25, 0
set xlabel 'x'
set ylabel 'density of X_t'
set key top left samplen 1.5 font ',9'

set multiplot layout 1,2 title "H1 (c): double well f = x - x^3, sigma = 0.6, T = 4, x_0 = -1 conditioned on X_T = +1: h-transform vs rejection\n".sizes."\n".measured noenhanced font ',11'
do for [j = 0:1] {
  set title (j == 0 ? 't = T/2' : 't = 3T/4')
  plot dat u 1:(column(2 + 5*j)) w boxes lc rgb '#3182bd' t 'h-transformed SDE (histogram)', \
       ''  u 1:(column(3 + 5*j)) w histeps ls 6 t 'rejection, |X_T - x_T| < eps (histogram)', \
       ''  u 1:(column(4 + 5*j)) w l ls 8 t 'exact-grid q = p h / h(0,x_0)', \
       ''  u 1:(column(5 + 5*j)) w p pt 6 ps 0.9 lc rgb '#67000d' t 'grid q_{eps} (window; on q: its bias is O(eps^2))', \
       ''  u 1:(column(6 + 5*j)) w l ls 9 t 'unconditioned p(t, x | x_0)'
}
unset multiplot
