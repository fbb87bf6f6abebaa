# Exercise 8.4: how fast the stream grows under writes, to size the backlog. Starts a master on
# 17411 and a replica on 17412 (directories m/ and r/ under the current one) and stops them at
# the end. Usage: bash backlog.sh ./build/bin/lab8_replication
bin=$1
mkdir -p m r
$bin --port 17411 --dir m --save "" > m/log2 2>&1 &
$bin --port 17412 --dir r --save "" --replicaof "127.0.0.1 17411" > r/log2 2>&1 &
sleep 1
offset() { redis-cli -p 17411 INFO replication | grep '^master_repl_offset:' | cut -d: -f2 | tr -d '\r'; }
before=$(offset); start=$(date +%s%N)
redis-benchmark -p 17411 -q -t set -n 200000 -d 100 -r 100000 | tr '\r' '\n' | grep 'per second'
after=$(offset); elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
echo "stream: $((after - before)) bytes in $elapsed ms: $(( (after - before) * 1000 / elapsed )) bytes/s"
redis-cli -p 17412 SHUTDOWN NOSAVE; redis-cli -p 17411 SHUTDOWN NOSAVE
