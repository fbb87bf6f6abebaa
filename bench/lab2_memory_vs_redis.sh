#!/usr/bin/env bash
# Lab 2's memory report beside real Redis's for the same keys: runs build/bin/lab2_store, then
# loads the same keys (key:0 .. key:N-1, VALUE_SIZE-byte values, every 10th deleted) into a
# private redis-server and prints what INFO memory and MEMORY USAGE say.
# Usage: bench/lab2_memory_vs_redis.sh [KEYS] [VALUE_SIZE]      (defaults: 1000 100)
set -euo pipefail
keys=${1:-1000}
value_size=${2:-100}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
socket=$work/redis.sock
trap 'redis-cli -s "$socket" shutdown nosave >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

echo "== machine: $(nproc) cores, $(grep MemTotal /proc/meminfo | awk '{print $2/1024/1024 " GiB"}'), $(. /etc/os-release; echo "$PRETTY_NAME"), $(redis-server --version | cut -d' ' -f1-3)"
echo "== lab2_store --keys $keys --value-size $value_size"
"$root/build/bin/lab2_store" --keys "$keys" --value-size "$value_size"

# A private redis-server on a Unix socket: no TCP port to collide with, nothing saved to disk.
redis-server --port 0 --unixsocket "$socket" --save '' --appendonly no --dir "$work" \
    --daemonize yes --logfile "$work/redis.log"
for _ in $(seq 100); do redis-cli -s "$socket" ping >/dev/null 2>&1 && break; sleep 0.05; done

info() { redis-cli -s "$socket" info memory | tr -d '\r' | sed -n "s/^$1://p"; }
stat() { redis-cli -s "$socket" memory stats | grep -A1 "^$1\$" | tail -1; }
# Redis 7 gives each command a latency histogram (latency-tracking, about 30 KB) the first time it
# runs; run every command used below once so those allocations fall before the baseline
# (ECHO is what redis-cli --pipe sends last, to know when every reply has come).
info used_memory >/dev/null
printf 'SET warmup x\nMEMORY USAGE warmup\nMEMORY STATS\nDBSIZE\nDEL warmup\nECHO x\n' |
    redis-cli -s "$socket" >/dev/null
before=$(info used_memory)
rss_before=$(info used_memory_rss)
# Same keys and values as lab2_store: value i is VALUE_SIZE copies of the letter 'a' + i % 26.
# One awk writes every command in RESP and redis-cli --pipe sends them without waiting for each
# reply, so a million keys load in seconds.
# Usage: commands FIRST STEP VALUE_SIZE (VALUE_SIZE -1: DEL instead of SET)
commands() {
    awk -v keys="$keys" -v first="$1" -v step="$2" -v size="$3" 'BEGIN {
        letters = "abcdefghijklmnopqrstuvwxyz"
        for (l = 0; l < 26 && size >= 0; l++) {
            value[l] = ""
            for (n = 0; n < size; n++) value[l] = value[l] substr(letters, l + 1, 1)
        }
        for (i = first; i < keys; i += step) {
            key = "key:" i
            if (size < 0) {
                printf "*2\r\n$3\r\nDEL\r\n$%d\r\n%s\r\n", length(key), key
            } else {
                printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n",
                       length(key), key, size, value[i % 26]
            }
        }
    }'
}
commands 0 1 "$value_size" | redis-cli -s "$socket" --pipe >/dev/null
after=$(info used_memory)
echo "== redis-server with the same $keys keys"
printf '  %-40s %12d B\n' "used_memory growth (INFO memory)" $((after - before))
printf '  %-40s %12d B\n' "used_memory growth per key" $(((after - before) / keys))
printf '  %-40s %12s B\n' "MEMORY USAGE key:1" "$(redis-cli -s "$socket" memory usage key:1)"
printf '  %-40s %12s B\n' "MEMORY STATS keys.bytes-per-key" "$(stat keys.bytes-per-key)"
printf '  %-40s %12d B\n' "used_memory_rss growth" $(($(info used_memory_rss) - rss_before))
commands 0 10 -1 | redis-cli -s "$socket" --pipe >/dev/null
deleted=$(info used_memory)
echo "== after deleting every 10th key ($(redis-cli -s "$socket" dbsize) keys left)"
printf '  %-40s %12d B\n' "used_memory growth (INFO memory)" $((deleted - before))
printf '  %-40s %12s B\n' "MEMORY STATS keys.bytes-per-key" "$(stat keys.bytes-per-key)"
