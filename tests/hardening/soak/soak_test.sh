#!/usr/bin/env bash
# The soak's short form (docs/reliability.md, "Load: the soak"): one server, fresh on a free port
# with the common soft limit of 1,024 open files, under many checked connections for a few
# seconds; then SIGTERM. Fails on any failure the soak reports (an error or wrong reply, a
# BLPOP not answered, an element lost or served to a client that left, connected_clients not
# back to its value before the load), on resident memory once the clients have left above
# RSS_FACTOR x its value after the warm-up plus RSS_SLACK_MIB, and on a server exit status
# other than 0 (under the sanitizers, LeakSanitizer's report at exit makes it non-zero).
#
# Usage: soak_test.sh BIN_DIR SERVER CONNECTIONS SECONDS [soak flags...]
# CHECK_RSS=0 skips the memory bound (the sanitizer builds, whose allocator keeps freed memory
# in quarantine); SOAK names another redis-course-soak (default BIN_DIR/redis-course-soak).
set -euo pipefail
bin=$1 server=$2 connections=$3 seconds=$4
shift 4
rss_factor=${RSS_FACTOR:-1.5} rss_slack_mib=${RSS_SLACK_MIB:-16}

work=$(mktemp -d)
pid=
cleanup() {
    if [ -n "$pid" ]; then kill -KILL "$pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "soak_test: $server: $*" >&2; echo "--- server log:" >&2; tail -20 "$work/server.log" >&2; exit 1; }

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(ulimit -Sn 1024 && exec "$bin/$server" --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$work" >"$work/server.log" 2>&1) &
pid=$!
for _ in $(seq 500); do
    if [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ]; then break; fi
    kill -0 "$pid" 2>/dev/null || fail "did not start"
    sleep 0.02
done

status=0
"${SOAK:-$bin/redis-course-soak}" --port "$port" --pid "$pid" -c "$connections" --duration "$seconds" \
    --warmup "$(awk -v s="$seconds" 'BEGIN { print s / 4 }')" --quiet --json "$@" \
    >"$work/soak.json" || status=$?
cat "$work/soak.json"
[ "$status" = 0 ] || fail "the soak reported failures (exit status $status)"

if [ "${CHECK_RSS:-1}" = 1 ]; then
    /usr/bin/python3 - "$work/soak.json" "$rss_factor" "$rss_slack_mib" <<'PY' || fail "resident memory grew"
import json, sys
r = json.load(open(sys.argv[1]))["rss_kb"]
bound = r["warmup"] * float(sys.argv[2]) + float(sys.argv[3]) * 1024
print(f"RSS {r['warmup']} KiB after warm-up, {r['after']} KiB after the clients left (bound {bound:.0f})")
sys.exit(0 if 0 < r["after"] <= bound else 1)
PY
fi

kill -TERM "$pid"
exit_status=0
wait "$pid" || exit_status=$?
pid=
[ "$exit_status" = 0 ] || fail "exit status $exit_status after SIGTERM"
echo "soak_test: $server: clean"
