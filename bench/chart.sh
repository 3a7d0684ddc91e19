#!/bin/bash
# chart.sh RATIOS.TSV OUT.PNG TITLE: a bar for each "label<TAB>ratio" line
# of make bench, 1.0 (as fast) marked. Without gnuplot, says so.
set -euo pipefail
tsv=$1 png=$2 title=$3
[ -s "$tsv" ] || exit 0
command -v gnuplot >/dev/null || { echo "chart: gnuplot not installed, no $png"; exit 0; }
rows=$(wc -l <"$tsv")
gnuplot <<EOF
set terminal pngcairo size 1100,$((140 + 24 * rows)) noenhanced font ",10"
set output "$png"
set title "zcp against other commands, $title: median of alternated ratios (other/zcp, > 1: zcp faster)"
set datafile separator "\t"
set style fill solid 0.6
set yrange [$rows:-1]
set ytics scale 0
set xrange [0:*]
set xlabel "other / zcp"
set grid xtics
set arrow from 1, graph 0 to 1, graph 1 nohead lw 2
set lmargin 48
unset key
plot "$tsv" using (\$2 / 2):0:(\$2 / 2):(0.35):yticlabels(1) with boxxyerror
EOF
echo "chart: $png"
