#!/usr/bin/env bash
# The soak, side by side: redis-server and the servers of labs 5-8, one after the other, each
# fresh on a free port and held under 1,000 checked connections for a few minutes (mixed reads,
# writes, pipelines, blocking pops, clients dropping and reconnecting), then stopped with
# SIGTERM and its exit status checked. One markdown table (docs/reliability.md says what each
# column means). Servers run on core 0, the soak client on core 1.
#
# Usage: bench/soak.sh [--duration S] [--warmup S] [--connections N] [--servers "A B"]
# Defaults: 180 s each (30 s of warm-up), 1,000 connections, the servers redis-server
# lab5_server lab6_types lab7_async lab8_replication (lab 5 without lists: --strings-only).
# BUILD_DIR (default build/) says where bin/ is; SERVER_NOFILE (default 1024) is the soft open
# files limit the servers start with, the common default: they must raise it themselves.
# Exit status 0 when every soak was clean and every server exited with status 0.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${BUILD_DIR:-$root/build}/bin
command_line="bench/soak.sh${*:+ $*}"
duration=180 warmup=30 connections=1000
servers="redis-server lab5_server lab6_types lab7_async lab8_replication"
while [ $# -gt 0 ]; do
    case $1 in
        --duration) duration=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;;
        --connections) connections=$2; shift 2 ;;
        --servers) servers=$2; shift 2 ;;
        -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "soak.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
for tool in redis-server redis-cli python3; do
    command -v "$tool" >/dev/null || { echo "soak.sh: $tool is not installed" >&2; exit 1; }
done
[ -x "$bin/redis-course-soak" ] || { echo "soak.sh: build $bin/redis-course-soak first" >&2; exit 1; }

if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
    on_server_core=(taskset -c 0) on_client_core=(taskset -c 1)
    pinning="servers on core 0, the soak client on core 1 (taskset)"
else
    on_server_core=() on_client_core=()
    pinning="not pinned (fewer than 2 cores)"
fi

work=$(mktemp -d)
pid=
cleanup() {
    if [ -n "$pid" ]; then kill -KILL "$pid" 2>/dev/null || true; fi
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
note() { echo "soak.sh: $*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_server NAME DIR: NAME on a free port, data in DIR, its soft descriptor limit lowered to
# SERVER_NOFILE; sets `pid` and `port` once it answers PING.
start_server() {
    local name=$1 dir=$2
    port=$(free_port)
    local flags=(--port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir")
    if [ "$name" = redis-server ]; then
        (ulimit -Sn "${SERVER_NOFILE:-1024}" && exec "${on_server_core[@]}" redis-server \
            "${flags[@]}" --dbfilename dump.rdb --logfile "$dir/server.log") &
    else
        (ulimit -Sn "${SERVER_NOFILE:-1024}" && exec "${on_server_core[@]}" "$bin/$name" \
            "${flags[@]}" >>"$dir/server.log" 2>&1) &
    fi
    pid=$!
    local deadline=$((SECONDS + 60))
    while [ "$SECONDS" -lt "$deadline" ] && kill -0 "$pid" 2>/dev/null; do
        if [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ]; then return 0; fi
        sleep 0.01
    done
    note "$name did not start; its log:"; cat "$dir/server.log" >&2; exit 1
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rows=()
clean=1
for server in $servers; do
    if [ "$server" != redis-server ] && [ ! -x "$bin/$server" ]; then note "skipping $server: not built"; continue; fi
    dir=$work/$server
    mkdir -p "$dir"
    start_server "$server" "$dir"
    extra=()
    if [ "$server" = lab5_server ]; then extra=(--strings-only); fi
    note "$server: $connections connections for $duration s"
    status=0
    "${on_client_core[@]}" "$bin/redis-course-soak" --port "$port" --pid "$pid" \
        -c "$connections" --duration "$duration" --warmup "$warmup" --json "${extra[@]}" \
        >"$dir/soak.json" || status=$?
    kill -TERM "$pid"
    exit_status=0
    wait "$pid" || exit_status=$?
    pid=
    if [ "$status" != 0 ] || [ "$exit_status" != 0 ]; then
        clean=0
        note "$server: soak exit status $status, server exit status $exit_status; its log ends:"
        tail -5 "$dir/server.log" >&2
    fi
    rows+=("$(python3 - "$server" "$exit_status" "$dir/soak.json" <<'EOF'
import json, sys
server, exit_status, path = sys.argv[1], sys.argv[2], sys.argv[3]
try:
    r = json.load(open(path))
except ValueError:
    print(f"| {server} | no result (see above) |")
    sys.exit()
mib = lambda kb: f"{kb / 1024:.1f}"
lat, rss, e, d = r["latency_us"], r["rss_kb"], r["elements"], r["drops"]
lists = (f'{r["blpop"]["values"]:,} / {r["blpop"]["nils"]:,}', f'{e["pushed"]:,} / {e["lost"]}') if r["lists"] else ("-", "-")
cells = [server, f'{r["connections"]:,}', f'{r["seconds"]:.0f}', f'{r["operations"]:,}',
         f'{r["failures"]}', f'{d["idle"]} / {d["mid_request"]} / {d["blocked"]}', *lists,
         f'{lat["p50"]} / {lat["p99"]} / {lat["p99_9"]} / {lat["max"]}',
         f'{mib(rss["warmup"])} / {mib(rss["end"])} / {mib(rss["after"])}',
         f'{r["connected_clients"]["before"]} / {r["connected_clients"]["after"]}', exit_status]
print("| " + " | ".join(str(c) for c in cells) + " |")
for kind, seen in r["failure_kinds"].items():
    print(f"soak.sh: {server}: {seen['count']} x {kind}, e.g. {seen['example']}", file=sys.stderr)
EOF
)")
done

echo "Soak: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')), $pinning"
echo "Command: $command_line"
echo "Load average (1, 5, 15 min): $load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after"
echo
echo "| server | connections | seconds | operations | failures | drops idle / mid-request / blocked | BLPOP values / nils | elements pushed / lost | latency µs p50 / p99 / p99.9 / max | RSS MiB warm / end / idle | connected_clients before / after | exit status |"
echo "|---|---:|---:|---:|---:|---|---|---|---|---|---|---:|"
printf '%s\n' "${rows[@]}"
[ "$clean" = 1 ]
