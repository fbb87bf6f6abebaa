#!/usr/bin/env bash
# Instructions executed by a server for one redis-benchmark run, counted by valgrind's callgrind:
# the same on every run however busy the machine (the kernel's work is not counted).
#
#   bench/callgrind.sh [redis-benchmark options]     default: -t set,get -n 20000 -c 10
#   bench/callgrind.sh -t set,get -n 50000 -c 50 -P 16 -r 100000
#
# Runs redis-server and build/bin/lab7_async (SERVERS="redis lab7_async lab6_types" to choose)
# one after the other under callgrind, each in an empty temporary directory with persistence
# off, and prints the program totals (start-up included). Needs valgrind and redis-tools.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
servers=${SERVERS:-redis lab7_async}
options=("$@")
[ ${#options[@]} -eq 0 ] && options=(-t set,get -n 20000 -c 10)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
port=$((20000 + RANDOM % 20000))
echo "redis-benchmark ${options[*]}"
for server in $servers; do
    port=$((port + 1))
    if [ "$server" = redis ]; then
        command=(redis-server --port "$port" --save '' --appendonly no --dir "$work")
    else
        command=("$build/bin/$server" --port "$port" --save '' --dir "$work")
    fi
    valgrind --tool=callgrind --callgrind-out-file="$work/$server.out" "${command[@]}" \
        > "$work/$server.log" 2>&1 &
    for _ in $(seq 150); do redis-cli -p "$port" ping > /dev/null 2>&1 && break; sleep 0.2; done
    redis-benchmark -p "$port" "${options[@]}" -q > /dev/null 2>&1
    redis-cli -p "$port" shutdown nosave > /dev/null 2>&1 || true
    wait
    total=$(callgrind_annotate "$work/$server.out" 2>/dev/null | awk '/PROGRAM TOTALS/ {print $1}')
    printf '%-12s %s instructions\n' "$server" "$total"
done
