#!/usr/bin/env bash
# Makes the golden RDB files of tests/lab4_persist/data with a real redis-server (Debian's 7.0.15).
#   usage: tests/lab4_persist/data/make_golden.sh <out-dir>
set -euo pipefail
out=$1
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --dbfilename dump.rdb --save '' \
  --appendonly no --rdbcompression yes --rdbchecksum yes --enable-debug-command yes \
  --list-max-listpack-size 4 --daemonize no >"$dir/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for i in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
cli() { redis-cli -p "$port" "$@" >/dev/null; }
save_as() { redis-cli -p "$port" save >/dev/null; cp "$dir/dump.rdb" "$out/$1"; redis-cli -p "$port" flushall >/dev/null; }
# 1. strings
cli set plain hello
cli set int8 -100
cli set int16 30000
cli set int32 -2000000000
cli set int64 9223372036854775807
cli set empty ""
cli set binary $'\x01\x02\xff'
cli set compressed "$(printf 'abcdefghij%.0s' $(seq 30))"
cli set ttl value PXAT 4102444800000
save_as strings.rdb
# 2. lists: one small (one listpack node), one of many nodes, one with a PLAIN node
cli rpush small a b c
cli rpush ints 0 127 128 -1 -4096 4095 4096 -32768 32767 8388607 -8388608 2147483647 -2147483648 9223372036854775807 -9223372036854775808
cli rpush strs "" "$(printf 'x%.0s' $(seq 63))" "$(printf 'y%.0s' $(seq 64))" "$(printf 'z%.0s' $(seq 4095))" "$(printf 'w%.0s' $(seq 4096))"
cli rpush many $(seq 1 40)
cli debug quicklist-packed-threshold 100
cli rpush plain short "$(printf 'p%.0s' $(seq 300))" short2
cli pexpireat many 4102444800000
save_as lists.rdb
# 3. sets: intset and hashtable
cli sadd intset 1 2 3 -5 100000 5000000000
cli sadd strset apple banana cherry
cli sadd bigintset $(seq 1 600)
cli pexpireat strset 4102444800000
save_as sets.rdb
# 4. a hash, refused by our loader
cli set before 1
cli hset h field value
save_as hash.rdb
