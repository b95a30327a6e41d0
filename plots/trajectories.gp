# plots/trajectories.gp -- claim C5: paths of dx/dt = u_t(x) from noise
# (t = 0) to data (t = 1) for `moons`, RK4 with 100 steps, coloured by t,
# over exact draws of q.
# Data: RESULTS_DIR/trajectories.dat: index 0 paths (t x y, one block per
# path), 1 starts, 2 ends, 3 exact draws of q.
# Usage: gnuplot -e "set terminal ..." -c plots/trajectories.gp RESULTS_DIR OUTPUT
load 'common.gp'
dat = ARG1.'/trajectories.dat'
set output ARG2

set title "Flow of the exact marginal field: N(0, I) noise to moons data (linear schedule)\n{/*0.85 60 paths of dx/dt = u_t(x), RK4 with 100 steps, coloured by t, over 1000 exact draws of q}"
set size ratio -1
set xlabel 'x_1'
set ylabel 'x_2'
set cblabel 'time t'
set cbrange [0:1]
set key below horizontal

plot dat index 3 u 2:3 w p pt 7 ps 0.35 lc rgb '#b4b4b4' t 'exact draws of q', \
     ''  index 0 u 2:3:1 w l lw 1.2 lc palette notitle, \
     ''  index 1 u 2:3 w p pt 7 ps 0.7 lc rgb '#3b528b' t 'start x(0), drawn from N(0, I)', \
     ''  index 2 u 2:3 w p pt 9 ps 0.9 lc rgb '#cb181d' t 'end x(1)'
