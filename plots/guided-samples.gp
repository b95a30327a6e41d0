# plots/guided-samples.gp -- claims G4, G6: samples of guided flows over the
# exact posterior density, one panel per method.
# Data: RESULTS_DIR/guided-samples.dat (flowcheck run guidance --out):
# index 0 density grid (x y p), 1 exact guidance, 2 reconstruction gamma 0,
# 3 reconstruction gamma 1, 4 Tweedie covariance, 5 the line A x = y; the
# header line '# figure: ...' states n, sigma_y, A, y and the steps.
# Usage: gnuplot -e "set terminal ..." -c plots/guided-samples.gp RESULTS_DIR OUTPUT
load 'common.gp'
dat = ARG1.'/guided-samples.dat'
set output ARG2
setting = system(sprintf("sed -n 's/^# figure: //p' '%s' | head -1", dat))

set size ratio -1
set clip two    # the observation line's ends lie outside the box
set xrange [-4:4]
set yrange [-4:4]
set xlabel 'x_1'
set ylabel 'x_2'
set cbrange [0:*]
unset colorbox
set key top left box opaque
set palette defined (0 '#ffffff', 1 '#c6dbef', 2 '#6baed6', 3 '#2171b5', 4 '#08306b')

titles = "'exact guidance u_t + c_t ∇log p_t(y|x)' 'reconstruction guidance, {/Symbol g} = 0' 'reconstruction guidance, {/Symbol g} = 1' 'Tweedie covariance'"
set multiplot layout 2,2 margins 0.08,0.92,0.08,0.86 spacing 0.06,0.14 title "Guided samples (dots) over the exact posterior density (shade, square-root scale); observation line A x = y dashed\n".setting noenhanced
do for [k=1:4] {
  set title word(titles, k)
  plot dat index 0 u 1:2:(sqrt($3)) w image notitle, \
       ''  index 5 u 1:2 w l lc rgb '#cb181d' dt 2 lw 1.5 t 'A x = y', \
       ''  index k u 1:2 w p pt 7 ps 0.15 lc rgb '#b0d95f0e' notitle, \
       keyentry w p pt 7 ps 1 lc rgb '#d95f0e' t 'guided samples'
}
unset multiplot
