# plots/score-sde-marginals.gp -- claim S3: the SDE
#   dx = -x/(1-t) dt + sqrt(2t/(1-t)) dw    (N §Going through the diffusion ODE,
# reversed convention: data at t = 0) has the marginals of x_t = (1-t) x0 + t x1.
# Histograms of Euler-Maruyama samples started from 1-D mixture data, against
# the exact density p_t, at t = 0.25, 0.5, 0.75.
# Data: RESULTS_DIR/score-sde-marginals.dat (flowcheck run score --out);
# columns x, exact_r0.25, exact_r0.5, exact_r0.75, hist_r0.25, hist_r0.5, hist_r0.75.
# Usage: gnuplot -e "set terminal ..." -c plots/score-sde-marginals.gp RESULTS_DIR OUTPUT
load 'common.gp'
dat = ARG1.'/score-sde-marginals.dat'
set output ARG2

# Bin width: the spacing of the bin centres.
stats dat u 1 nooutput
bw = (STATS_max - STATS_min) / (STATS_records - 1)

set style fill transparent solid 0.35 border lc rgb '#9ecae1'
set boxwidth bw absolute
set xrange [STATS_min - bw : STATS_max + bw]
set yrange [0:*]
set offsets 0, 0, graph 0.2, 0 # headroom above the peaks for the key
set xlabel 'x'
set ylabel 'density'
set key top right samplen 1.5

# The run's sizes, from the data file's header: "Euler-Maruyama, S steps
# over [0, T], N particles" (up to the first ';').
run = system(sprintf("sed -n 's/^# \\(Euler-Maruyama[^;]*\\);.*/\\1/p' '%s' | head -1", dat))

set multiplot layout 1,3 title "S3: Euler-Maruyama samples of dx = -x/(1-t) dt + sqrt(2t/(1-t)) dw from data at t = 0 vs the exact marginal p_t of x_t = (1-t) x_0 + t x_1\n".run." from the 1-D mixture 0.5 N(-1.5, 0.09) + 0.3 N(0.6, 0.25) + 0.2 N(2.2, 0.04)" noenhanced font ',12'
do for [j = 1:3] {
  tj = word('0.25 0.5 0.75', j)
  set title sprintf('t = %s', tj)
  plot dat u 1:(column(4 + j)) w boxes lc rgb '#3182bd' t 'EM samples (histogram)', \
       ''  u 1:(column(1 + j)) w l ls 8 t 'exact p_t'
}
unset multiplot
