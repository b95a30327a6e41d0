# plots/continuity-order.gp -- claims C1-C3: relative continuity residual
# rel(h) = rms R_h / rms dp/dt against the finite-difference step h.
# Data: RESULTS_DIR/continuity-order.dat (flowcheck run continuity --out):
# column 1 h, 2-4 C1 (linear, cosine, vp), 5-15 C2 (gmm, empirical, gmm6d
# under linear, cosine, vp; then linear gmm3d and square), 16-24 C3 (the
# unweighted average on the same nine cases as C2's first nine).
# Usage: gnuplot -e "set terminal ..." -c plots/continuity-order.gp RESULTS_DIR OUTPUT
load 'common.gp'
dat = ARG1.'/continuity-order.dat'
set output ARG2

set title "Continuity residual of conditional (C1), marginal (C2) and unweighted (C3) fields\n{/*0.85 C2, C3: 3 schedules (linear, cosine, vp) x 3 data sets (8gaussians, empirical cloud of moons, random GMM in D = 6)}\n{/*0.85 C2 also: random GMM in D = 3 and uniform square, linear schedule;  points drawn from p_t at t = 0.25, 0.5, 0.8}"
set logscale xy
set xlabel 'finite-difference step h (in t and in x)'
set ylabel 'relative residual rel(h) = rms R_h / rms {/Symbol \266}_t p_t'
set format x '%g'
set xtics (0.0025, 0.005, 0.01, 0.02, 0.04)
set mxtics 1
set format y '10^{%L}'
set xrange [0.002:0.05]
set yrange [1e-5:30]
set key outside right center

# Slope-2 guide anchored a factor 3 below the C2 (linear, 8gaussians)
# curve at h_max.
stats dat u 1:5 nooutput
a = STATS_max_y / (3.0 * STATS_max_x**2)
guide(h) = a * h**2

plot dat u 1:2 w lp ls 1 t 'C1 conditional, linear', \
     ''  u 1:3 w lp ls 2 t 'C1 conditional, cosine', \
     ''  u 1:4 w lp ls 3 t 'C1 conditional, vp', \
     for [c = 5:15] '' u 1:c w lp ls 4 lw 1.2 ps 0.6 \
         t (c == 5 ? 'C2 marginal field, 11 studies' : ''), \
     for [c = 16:24] '' u 1:c w lp ls 8 lw 1.2 ps 0.6 \
         t (c == 16 ? 'C3 unweighted average, 9 studies' : ''), \
     guide(x) w l ls 9 t 'slope 2 (h^2)'
