#!/usr/bin/env bash
# The course's servers side by side with Debian's redis-server, on this machine: throughput,
# server CPU per operation, latency percentiles (closed and open loop), memory per key, and
# snapshot save and load times, as one markdown table of medians (docs/benchmarks.md says what
# each row means). Servers run on core 0, clients on core 1; runs alternate between servers.
#
# Usage: bench/compare.sh [--runs N] [--requests N] [--keys N] [--rate R] [--servers "A B"]
#                         [--plot PNG] [--quick]
# The same settings as environment variables: RUNS, REQUESTS, KEYS, RATE, SERVERS, PLOT, QUICK=1;
# also BUILD_DIR (default build/) and REALTIME=0 (the open-loop client at normal priority).
# Defaults: 3 runs; 50,000 requests per redis-benchmark test and per closed-loop latency run;
# 1,000,000 keys; an open loop at 5,000 requests/s for 5 seconds; the servers lab5_server,
# lab6_types and lab7_async, each skipped when not built; the plot in docs/benchmarks/latency.png.
# QUICK=1 is a smoke run of a few seconds (the ctest bench.compare_quick) and draws no plot
# unless PLOT names a file.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${BUILD_DIR:-$root/build}/bin
command_line="bench/compare.sh${*:+ $*}"
for variable in QUICK RUNS REQUESTS KEYS RATE SERVERS PLOT BUILD_DIR REALTIME; do
    if [ -n "${!variable:-}" ]; then command_line="$variable=${!variable@Q} $command_line"; fi
done

quick=${QUICK:-0}
if [ "$quick" = 1 ]; then
    runs=${RUNS:-1} requests=${REQUESTS:-2000} keys=${KEYS:-10000} rate=${RATE:-2000}
    plot=${PLOT:-}
else
    runs=${RUNS:-3} requests=${REQUESTS:-50000} keys=${KEYS:-1000000} rate=${RATE:-5000}
    plot=${PLOT-$root/docs/benchmarks/latency.png}
fi
servers=${SERVERS:-lab5_server lab6_types lab7_async}
while [ $# -gt 0 ]; do
    case $1 in
        --runs) runs=$2; shift 2 ;;
        --requests) requests=$2; shift 2 ;;
        --keys) keys=$2; shift 2 ;;
        --rate) rate=$2; shift 2 ;;
        --servers) servers=$2; shift 2 ;;
        --plot) plot=$2; shift 2 ;;
        --quick) quick=1 runs=1 requests=2000 keys=10000 rate=2000 plot=${PLOT:-}; shift ;;
        -h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "compare.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
# The open-loop run lasts about five seconds at the chosen rate (half a second in QUICK mode).
open_requests=$((quick == 1 ? rate / 2 : rate * 5))

for tool in redis-server redis-cli redis-benchmark python3; do
    command -v "$tool" >/dev/null || { echo "compare.sh: $tool is not installed" >&2; exit 1; }
done
[ -x "$bin/redis-course-bench" ] || { echo "compare.sh: build $bin/redis-course-bench first" >&2; exit 1; }

# Servers on core 0, every client on core 1, so that neither steals the other's CPU.
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
    on_server_core=(taskset -c 0) on_client_core=(taskset -c 1)
    pinning="servers on core 0, clients on core 1 (taskset)"
else
    on_server_core=() on_client_core=()
    pinning="not pinned (fewer than 2 cores)"
fi
# The open-loop run measures how long one request takes when the server is not saturated. On a
# shared machine other processes on the same cores delay the client and the server by
# milliseconds, and that wait would fill the tail. So for that run only, both go to real-time
# priority (SCHED_FIFO), which lets them preempt the neighbours. At a fixed rate below capacity
# both mostly sleep, so the neighbours lose little; the closed-loop and redis-benchmark runs,
# which keep a core busy, stay at normal priority and show the shared machine as it is.
# REALTIME=0 turns this off; the "sent late" row shows whether the client kept its schedule.
realtime=0
if [ "${REALTIME:-1}" = 1 ] && chrt -f 10 true 2>/dev/null; then
    realtime=1
    pinning+="; the open-loop run at real-time priority (chrt -f 10), server and client"
fi

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'echo "compare.sh: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

note() { echo "compare.sh: $*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cli() { "${on_client_core[@]}" redis-cli -p "$port" "$@"; }

# start_server NAME DIR: starts NAME (redis-server or one of ours) on a free port with its data
# in DIR; sets `pid` and `port` and returns once it answers PING with PONG.
start_server() {
    local name=$1 dir=$2
    port=$(free_port)
    local flags=(--port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir")
    if [ "$name" = redis-server ]; then
        "${on_server_core[@]}" redis-server "${flags[@]}" --dbfilename dump.rdb \
            --logfile "$dir/server.log" &
    else
        "${on_server_core[@]}" "$bin/$name" "${flags[@]}" >>"$dir/server.log" 2>&1 &
    fi
    pid=$!
    pids+=("$pid")
    # Redis answers -LOADING while it reads its snapshot: only PONG means ready.
    local deadline=$((SECONDS + 300))
    while [ "$SECONDS" -lt "$deadline" ] && kill -0 "$pid" 2>/dev/null; do
        if [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ]; then return 0; fi
        sleep 0.005
    done
    note "$name did not start; its log:"; cat "$dir/server.log" >&2; exit 1
}

# Stops the server and forgets its pid, so that cleanup can never signal a reused pid.
stop_server() {
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    local alive=() other
    for other in "${pids[@]}"; do [ "$other" = "$pid" ] || alive+=("$other"); done
    pids=("${alive[@]}")
}

# User plus system CPU time of the server process (every thread), in clock ticks.
cpu_ticks() { sed 's/.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 }'; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
ticks_per_second=$(getconf CLK_TCK)

declare -A value  # value[server|metric|run]
record() { value["$1|$2|$3"]=$4; }

# Throughput with redis-benchmark (SET then GET, 50 clients), and the server's CPU per request.
measure_throughput() {
    local server=$1 run=$2 depth=$3 csv before after
    before=$(cpu_ticks)
    csv=$("${on_client_core[@]}" redis-benchmark -p "$port" -t set,get -c 50 -n "$requests" \
        -P "$depth" -r 100000 --csv)
    after=$(cpu_ticks)
    for test in SET GET; do
        record "$server" "$test ops/s P$depth" "$run" \
            "$(echo "$csv" | awk -F'","' -v t="$test" '$1 == "\"" t { printf "%.0f", $2 }')"
    done
    record "$server" "cpu P$depth" "$run" "$(awk -v t=$((after - before)) -v hz="$ticks_per_second" \
        -v n=$((2 * requests)) 'BEGIN { printf "%.2f", t / hz * 1e6 / n }')"
}

json_field() { python3 -c "import json, sys; print(json.loads(sys.argv[1])$2)" "$1"; }

# GET latency from our load generator, closed loop (100 clients, one request each in flight)
# or open loop (a fixed rate, each request timed from when it was due).
measure_latency() {
    local server=$1 run=$2 loop=$3 json
    local flags=(--port "$port" -c 100 --mix get:1 --keyspace 100000 --json --quiet
        --latency-file "$work/latency-$server-$loop-$run.txt")
    if [ "$loop" = open ]; then flags+=(--rate "$rate" -n "$open_requests"); else flags+=(-n "$requests"); fi
    if [ "$loop" = open ] && [ "$realtime" = 1 ]; then
        # Every thread of the server, and those it creates from now on, which inherit it.
        chrt --all-tasks --fifo --pid 10 "$pid" >/dev/null
        json=$(chrt --fifo 10 "${on_client_core[@]}" "$bin/redis-course-bench" "${flags[@]}")
        chrt --all-tasks --other --pid 0 "$pid" >/dev/null
    else
        json=$("${on_client_core[@]}" "$bin/redis-course-bench" "${flags[@]}")
    fi
    for field in p50 p99 p99_9; do
        record "$server" "$loop $field" "$run" "$(json_field "$json" "['latency_us']['$field']")"
    done
    if [ "$loop" = open ]; then
        record "$server" "open lag p99" "$run" "$(json_field "$json" "['send_lag_us']['p99']")"
    fi
}

# Memory, save and load on a fresh server: RSS before and after loading $keys keys with
# redis-cli --pipe, the time of SAVE, and the time from restart to the first PONG.
measure_memory_and_snapshot() {
    local server=$1 run=$2 dir=$work/data-$server-$run rss_before rss_after start file loaded
    mkdir -p "$dir"
    start_server "$server" "$dir"
    rss_before=$(rss_kib)
    cli --pipe <"$work/keys.resp" >"$dir/pipe.log"
    grep -q "errors: 0, replies: $keys" "$dir/pipe.log" || { note "$server: redis-cli --pipe: $(tail -1 "$dir/pipe.log")"; exit 1; }
    rss_after=$(rss_kib)
    record "$server" "rss per key" "$run" "$(( (rss_after - rss_before) * 1024 / keys ))"
    record "$server" "rss MiB" "$run" "$(awk -v k=$((rss_after - rss_before)) 'BEGIN { printf "%.1f", k / 1024 }')"
    start=$(now)
    [ "$(cli save)" = OK ] || { note "$server: SAVE failed"; exit 1; }
    record "$server" "save s" "$run" "$(elapsed "$start" "$(now)")"
    file=$(ls "$dir"/dump.* | head -1)
    record "$server" "file MiB" "$run" "$(awk -v b="$(stat -c %s "$file")" 'BEGIN { printf "%.1f", b / 1048576 }')"
    stop_server
    start=$(now)
    start_server "$server" "$dir"
    record "$server" "load s" "$run" "$(elapsed "$start" "$(now)")"
    loaded=$(cli dbsize)
    [ "$loaded" = "$keys" ] || { note "$server loaded $loaded keys, not $keys"; exit 1; }
    stop_server
}

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# The servers that exist: redis-server first, then ours in the order given.
compared=(redis-server)
for server in $servers; do
    if [ -x "$bin/$server" ]; then compared+=("$server"); else note "skipping $server: $bin/$server is not built"; fi
done

# The load of the memory test: SET mem:<i> v<i>, as the RESP that redis-cli --pipe sends.
awk -v n="$keys" 'BEGIN { for (i = 0; i < n; i++) { k = "mem:" i; v = "v" i;
    printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(k), k, length(v), v } }' >"$work/keys.resp"

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for run in $(seq "$runs"); do
    for server in "${compared[@]}"; do
        note "run $run of $runs: $server"
        mkdir -p "$work/load-$server-$run"
        start_server "$server" "$work/load-$server-$run"
        measure_throughput "$server" "$run" 1
        measure_throughput "$server" "$run" 16
        measure_latency "$server" "$run" closed
        measure_latency "$server" "$run" open
        stop_server
        measure_memory_and_snapshot "$server" "$run"
    done
done

# The report: machine, command, then one row per metric with the median of the runs.
. /etc/os-release
echo "## bench/compare.sh, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "- command: \`$command_line\`"
echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r), $PRETTY_NAME"
echo "- servers: $(redis-server --version | awk '{ print $1, $2, $3 }') and ${compared[*]:1}; $pinning"
echo "- $runs run(s) of each, alternating servers; each cell is the median; ratio = ours ÷ redis"
echo "- load average (1, 5, 15 min) before: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

rows=(
    "SET ops/s P1|SET requests/s, 50 clients (redis-benchmark)"
    "GET ops/s P1|GET requests/s, 50 clients"
    "SET ops/s P16|SET requests/s, 50 clients, pipeline 16"
    "GET ops/s P16|GET requests/s, 50 clients, pipeline 16"
    "cpu P1|server CPU µs per request, SET+GET"
    "cpu P16|server CPU µs per request, SET+GET, pipeline 16"
    "closed p50|GET p50 µs, 100 clients, closed loop"
    "closed p99|GET p99 µs, closed loop"
    "closed p99_9|GET p99.9 µs, closed loop"
    "open p50|GET p50 µs, open loop at $rate/s"
    "open p99|GET p99 µs, open loop"
    "open p99_9|GET p99.9 µs, open loop"
    "open lag p99|open loop: p99 µs the client sent late"
    "rss MiB|RSS growth MiB, $keys keys"
    "rss per key|RSS growth bytes per key"
    "save s|SAVE seconds"
    "file MiB|snapshot file MiB"
    "load s|load seconds (restart to PONG)"
)
header="| metric | redis-server |" rule="|---|---:|"
for server in "${compared[@]:1}"; do header+=" $server | ÷ redis |"; rule+="---:|---:|"; done
echo "$header"
echo "$rule"
declare -A med
for row in "${rows[@]}"; do
    metric=${row%%|*} label=${row#*|}
    line="| $label |"
    for server in "${compared[@]}"; do
        samples=""
        for run in $(seq "$runs"); do samples+=" ${value["$server|$metric|$run"]:-}"; done
        med[$server]=$(echo "$samples" | median)
        line+=" ${med[$server]} |"
        if [ "$server" != redis-server ]; then
            line+=" $(awk -v a="${med[$server]}" -v b="${med[redis-server]}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "–" }') |"
        fi
    done
    echo "$line"
done

if [ "$runs" -gt 1 ]; then
    echo
    echo "Every run, in order (run 1 / run 2 / ...):"
    echo
    echo "| metric |$(printf ' %s |' "${compared[@]}")"
    echo "|---|$(printf -- '---:|%.0s' "${compared[@]}")"
    for row in "${rows[@]}"; do
        metric=${row%%|*} line="| ${row#*|} |"
        for server in "${compared[@]}"; do
            samples=()
            for run in $(seq "$runs"); do samples+=("${value["$server|$metric|$run"]:-}"); done
            line+=" $(IFS=/; echo "${samples[*]}" | sed 's|/| / |g') |"
        done
        echo "$line"
    done
fi

if [ -n "$plot" ]; then
    if command -v gnuplot >/dev/null; then
        lines=()
        for server in "${compared[@]}"; do
            lines+=("$server closed loop=$work/latency-$server-closed-$runs.txt"
                "$server open loop=$work/latency-$server-open-$runs.txt")
        done
        mkdir -p "$(dirname "$plot")"
        TITLE="GET latency, 100 clients: closed loop (solid), open loop at $rate/s (dashed); run $runs of $runs" \
            "$root/bench/plot_latency.sh" "$plot" "${lines[@]}"
        note "wrote $plot (GET latency of the last run)"
    else
        note "gnuplot is not installed: no plot (bash cmake/install-deps.sh installs it)"
    fi
fi
