# plots/continuity-order.gp -- claims C1-C3: relative continuity residual
# rel(h) = rms R_h / rms dp/dt against the finite-difference step h.
# Data: RESULTS_DIR/continuity-order.dat (flowcheck run continuity --out).
# Usage: gnuplot -e "set terminal ..." -c plots/continuity-order.gp RESULTS_DIR OUTPUT
load 'common.gp'
dat = ARG1.'/continuity-order.dat'
set output ARG2

set title "Continuity residual of conditional (C1), marginal (C2) and unweighted (C3) fields" noenhanced
set logscale xy
set xlabel 'finite-difference step h (in t and in x)'
set ylabel 'relative residual rel(h) = rms R_h / rms {/Symbol \266}_t p_t'
set format x '%g'
set xtics (0.0025, 0.005, 0.01, 0.02, 0.04)
set mxtics 1
set format y '10^{%L}'
set xrange [0.002:0.05]
set yrange [5e-5:30]
set key outside right center

# Slope-2 guide anchored a factor 3 below the C2 (8gaussians) curve at h_max.
stats dat u 1:5 nooutput
a = STATS_max_y / (3.0 * STATS_max_x**2)
guide(h) = a * h**2

plot dat u 1:2 w lp ls 1 t 'C1 conditional, linear', \
     ''  u 1:3 w lp ls 2 t 'C1 conditional, cosine', \
     ''  u 1:4 w lp ls 3 t 'C1 conditional, vp', \
     ''  u 1:5 w lp ls 4 t 'C2 marginal, 8gaussians', \
     ''  u 1:6 w lp ls 5 t 'C2 marginal, random GMM (D = 3)', \
     ''  u 1:7 w lp ls 6 t 'C2 marginal, uniform square', \
     ''  u 1:8 w lp ls 7 t 'C2 marginal, empirical cloud', \
     ''  u 1:9 w lp ls 8 t 'C3 unweighted average', \
     guide(x) w l ls 9 t 'slope 2 (h^2)'
