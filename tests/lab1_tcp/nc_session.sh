#!/usr/bin/env bash
# The nc session of docs/lab1_tcp.md, run against the real lab1_tcp on a free port: the same
# input must give the same bytes back.
set -euo pipefail
program=$1
log=$(mktemp)
"$program" --port 0 >"$log" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 100); do grep -q "listening on" "$log" && break; sleep 0.05; done
port=$(sed -n 's/.*listening on [^ ]*:\([0-9]*\).*/\1/p' "$log")

got=$(printf 'PING\r\nECHO hello\r\nPING a b\r\nfoo bar\r\nQUIT\r\n' | nc -q 5 127.0.0.1 "$port")
expected=$(printf '+PONG\r\n$5\r\nhello\r\n-ERR wrong number of arguments for '"'"'ping'"'"' command\r\n-ERR unknown command '"'"'foo'"'"', with args beginning with: '"'"'bar'"'"' \r\n+OK\r\n')
if [ "$got" != "$expected" ]; then
    echo "nc session differs from the chapter:"
    diff <(printf '%s' "$expected" | od -c) <(printf '%s' "$got" | od -c) || true
    exit 1
fi
echo "nc session matches the chapter"
