#!/usr/bin/env bash
# Runs bench/compare.sh end to end in its QUICK mode against redis-server and lab 6's server,
# and checks that the report came out whole: the header lines, the table with both servers, a
# number in every cell, and the plot when gnuplot is installed. No timing is checked.
# Usage: compare_quick_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
source_dir=$1
build_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

plot=""
if command -v gnuplot >/dev/null; then plot=$work/latency.png; fi
QUICK=1 SERVERS="lab6_types lab_that_does_not_exist" BUILD_DIR=$build_dir PLOT=$plot \
    "$source_dir/bench/compare.sh" >"$work/out.md" 2>"$work/err.txt" || {
    echo "compare.sh failed:"; cat "$work/err.txt" "$work/out.md"; exit 1; }
cat "$work/out.md"

fail() { echo "FAIL: $*"; exit 1; }
grep -q '^- command: `.*QUICK=.1.* bench/compare.sh`$' "$work/out.md" || fail "no command line"
grep -q '^- machine: [0-9]* cores, ' "$work/out.md" || fail "no machine line"
grep -q '^| metric | redis-server | lab6_types | ÷ redis |$' "$work/out.md" || fail "no table header"
grep -q 'skipping lab_that_does_not_exist' "$work/err.txt" || fail "a missing server was not reported"
rows=$(grep -c '^| [A-Za-z]' "$work/out.md")
[ "$rows" -eq 19 ] || fail "expected 18 metric rows and the header, got $rows rows"
# Every cell of every metric row holds a number (the ratio may be – when redis measured 0).
if grep '^| [A-Za-z]' "$work/out.md" | tail -n +2 |
    awk -F'|' '{ for (i = 3; i < NF; i++) if ($i !~ /^ *[0-9.]+ *$/ && $i !~ /^ *– *$/) exit 1 }'; then :; else
    fail "a cell is not a number"
fi
if [ -n "$plot" ]; then
    [ "$(head -c 8 "$plot" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "no PNG plot"
fi
echo "compare.sh QUICK run: table complete"
