#!/usr/bin/env bash
# Draws latency percentile distributions, as HdrHistogram's plots do: the percentile on a log
# axis that gives 90%, 99%, 99.9% ... equal room, so the tail is as visible as the median.
# The inputs are redis-course-bench --latency-file outputs; bench/compare.sh calls this.
#
# Usage: bench/plot_latency.sh OUTPUT.png [LABEL=]FILE [[LABEL=]FILE ...]
# Each FILE becomes one line, titled LABEL (or the file's name). Lines whose labels share a first
# word share a colour; a label containing "open" is dashed. TITLE sets the plot's title.
# Needs gnuplot (gnuplot-nox).
set -euo pipefail
if [ $# -lt 2 ]; then
    sed -n '6,9p' "$0" | sed 's/^# //' >&2
    exit 2
fi
output=$1
shift
command -v gnuplot >/dev/null || { echo "plot_latency.sh: gnuplot is not installed" >&2; exit 1; }

# x = 100 / (100 - percentile): 1 at 0%, 10 at 90%, 100 at 99%; the 100% row divides by zero,
# which gnuplot skips as undefined.
plots=()
declare -A colours=()
for argument in "$@"; do
    if [[ $argument == *=* ]]; then
        label=${argument%%=*} file=${argument#*=}
    else
        label=$(basename "$argument" .txt) file=$argument
    fi
    [ -s "$file" ] || { echo "plot_latency.sh: no data in $file" >&2; exit 1; }
    first_word=${label%% *}
    [ -n "${colours[$first_word]:-}" ] || colours[$first_word]=$((${#colours[@]} + 1))
    style="lines linewidth 2 linecolor ${colours[$first_word]}"
    if [[ $label == *open* ]]; then style+=" dashtype 2"; fi
    plots+=("'$file' using (100/(100-\$1)):2 with $style title '$label' noenhanced")
done

gnuplot <<GNUPLOT
set terminal pngcairo size 1000,600 font ",11"
set output '$output'
set title "${TITLE:-Latency by percentile (redis-course-bench)}" noenhanced
set logscale x
set logscale y
set xrange [1:*]
set xtics ("0%%" 1, "90%%" 10, "99%%" 100, "99.9%%" 1000, "99.99%%" 10000, "99.999%%" 100000)
set xlabel "percentile"
set ylabel "latency (µs)"
set grid xtics ytics mytics
set key top left
plot $(IFS=,; echo "${plots[*]}")
GNUPLOT
