# plots/so3-sign.gp -- claim M2: the note's field v = -1/(1-t) log_x(x1hat)
# on SO(3) against the sign-corrected v = +1/(1-t) log_x(x1hat), both
# integrated by geodesic Euler (x <- x exp(h b), b the body vector) from
# the same start x0 towards a fixed target x1hat: the geodesic distance
# d(x_t, x1hat) against t.  The note's field doubles the distance by
# t = 1/2 and holds it at the cut locus (pi); the corrected one closes it
# as d0 (1 - t).
# Data: RESULTS_DIR/so3-sign.dat (flowcheck run manifold --out); columns t
# d_note d_corrected.
# Usage: gnuplot -e "set terminal ..." -c plots/so3-sign.gp RESULTS_DIR OUTPUT
load 'common.gp'
dat = ARG1.'/so3-sign.dat'
set output ARG2

setting = system(sprintf("sed -n 's/^# setting: //p' '%s' | head -1", dat))
d0 = real(system(sprintf("awk '!/^#/ {print $3; exit}' '%s'", dat)))

set title "M2: the note's field v = -log_x(x1hat)/(1-t) moves away from x1hat on SO(3); the sign-corrected field reaches it\n".setting
set xlabel 't'
set ylabel 'geodesic distance d(x_t, x1hat)'
set xrange [0:1]
set yrange [0:3.6]
set ytics ('0' 0, 'π/4' pi/4, 'π/2' pi/2, '3π/4' 3*pi/4, 'π' pi)
set key top left font ',10'
plot dat u 1:2 w lp ls 8 t "note's field  v = -log_x(x1hat)/(1-t)", \
     ''  u 1:3 w p ls 1 t 'sign-corrected  v = +log_x(x1hat)/(1-t)', \
     d0 * (1 - x) w l ls 9 t 'd_0 (1 - t)', \
     pi w l ls 10 dt 3 t 'π (cut locus)'
