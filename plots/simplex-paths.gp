# plots/simplex-paths.gp -- claim B6: straight and learned paths through the
# simplex of the 2-D Gaussian triple, over a heat map of a cost integrand.
# Data: RESULTS_DIR/simplex-paths.dat (flowcheck run barycentric --out), with
# index 0 the heat map (a_from a_to a_helper value, a pm3d grid), index 1 the
# straight path and index 2 the learned one (a_from a_to a_helper t).
# The heat map is E_{x ~ rho(alpha)} ||g_to(alpha, x) - g_from(alpha, x)||^2:
# the integrand E||b||^2 of a unit-speed move in the straight direction
# alpha' = e_to - e_from at the point alpha of the simplex (closed form for
# Gaussian marginals).  On the bottom edge it is the straight path's own
# integrand; the learned path's integrand E||sum_k alpha_k' g_k||^2 has
# alpha' off that direction, so it differs wherever the path leaves the edge.
# The colour range is the map's own (min to max): its values span ~10-13,
# and a range from 0 would flatten it.
# Ternary coordinates: rho_from at (0, 0), rho_to at (1, 0), the helper at
# (1/2, sqrt(3)/2); X = a_to + a_helper / 2, Y = a_helper sqrt(3) / 2.
# Usage: gnuplot -e "set terminal ..." -c plots/simplex-paths.gp RESULTS_DIR OUTPUT
load 'common.gp'
dat = ARG1.'/simplex-paths.dat'
set output ARG2

# The costs and the helper's law from the data header.
info = system("grep -m1 '^# problem' '".dat."' | sed 's/^# //'")
helper = system("grep -m1 '^# problem' '".dat."' | sed -n 's/.*helper \\(N([^)]*)\\).*/\\1/p'")
h = sqrt(3.0) / 2.0
X(a1, a2) = a1 + a2 / 2.0
Y(a2) = a2 * h

stats dat index 0 u 4 nooutput
set cbrange [STATS_min:STATS_max]

# The title as a screen label: with size ratio -1 the title would sit on
# the helper's label.
set label 10 "B6: paths from rho_0 to rho_1 through the simplex of the 2-D Gaussian triple\n".\
  "colour: E||g_1 - g_0||^2 under rho(alpha) = the integrand E||b||^2 of a unit-speed move along e_1 - e_0 (the straight direction):\n".\
  "the straight path's own integrand on the bottom edge; the learned path's own integrand E||sum_k alpha_k' g_k||^2 differs where it leaves the edge\n".\
  info at screen 0.5, 0.97 center front noenhanced font ',10'
set size ratio -1
unset border
unset xtics
unset ytics
unset grid
set lmargin at screen 0.22
set rmargin at screen 0.82
set tmargin at screen 0.86
set bmargin at screen 0.02
set xrange [-0.25:1.25]
set yrange [-0.16:0.93]
set view map
set pm3d map corners2color c1
set cblabel "E_{ρ(α)} ||g_1(α, x) - g_0(α, x)||^2   (unit-speed move along e_1 - e_0; range of the map)" offset 1, 0
set cbtics out nomirror
set colorbox vertical user origin 0.86, 0.08 size 0.025, 0.68
set key at screen 0.01, 0.62 left top nobox vertical reverse Left font ',10'

set label 1 "rho_0 (from)\nN(m_A, S_A)" at X(0, 0), Y(0) - 0.05 center front noenhanced
set label 2 "rho_1 (to)\nN(m_B, S_B)" at X(1, 0), Y(0) - 0.05 center front noenhanced
set label 3 "rho_2 (helper): ".helper at X(0, 1), Y(1) + 0.035 center front noenhanced

# The triangle's edges thin and grey; the straight path (which runs along
# the bottom edge) as a thick black band with a white dashed centre line,
# drawn in front of the map (a line in the splot would sit half under it).
set arrow 1 from 0, 0, 0 to 1, 0, 0 nohead lc rgb '#888888' lw 0.8 front
set arrow 2 from 1, 0, 0 to 0.5, h, 0 nohead lc rgb '#888888' lw 0.8 front
set arrow 3 from 0.5, h, 0 to 0, 0, 0 nohead lc rgb '#888888' lw 0.8 front
set arrow 4 from 0, 0, 0 to 1, 0, 0 nohead lc rgb '#000000' lw 7 front
set arrow 5 from 0, 0, 0 to 1, 0, 0 nohead lc rgb '#ffffff' lw 2 dt (8, 6) front

splot dat index 0 u (X($2, $3)):(Y($3)):4 w pm3d notitle, \
      NaN w l lc rgb '#000000' lw 7 t 'straight path alpha = (1-t, t, 0) (the bottom edge)', \
      dat index 2 u (X($2, $3)):(Y($3)):(STATS_max) w l ls 8 lw 3.5 t 'learned path (Nelder-Mead, sine modes)', \
      dat index 2 every 10 u (X($2, $3)):(Y($3)):(STATS_max) w p ls 8 pt 7 ps 1.2 t 'learned, every 0.1 in t', \
      '+' u (0):(0):(STATS_max) every ::0::0 w p pt 7 ps 1.5 lc rgb 'black' notitle, \
      '+' u (1):(0):(STATS_max) every ::0::0 w p pt 7 ps 1.5 lc rgb 'black' notitle, \
      '+' u (0.5):(h):(STATS_max) every ::0::0 w p pt 7 ps 1.5 lc rgb 'black' notitle
