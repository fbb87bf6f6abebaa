# Exercise 8.3: the stream's bytes, read from INFO replication after each command. Starts a
# master on 17401 and a replica on 17402 (directories m/ and r/ under the current one) and stops
# them at the end. Usage: bash bytes.sh ./build/bin/lab8_replication
bin=$1
mkdir -p m r
$bin --port 17401 --dir m --save "" --repl-ping-replica-period 300 > m/log 2>&1 &
$bin --port 17402 --dir r --save "" --repl-timeout 600 --replicaof "127.0.0.1 17401" > r/log 2>&1 &
sleep 1
offset() { redis-cli -p $1 INFO replication | grep -E '^(master_repl_offset|slave_repl_offset):' | tr -d '\r'; }
offset 17401
for command in "SET greeting hello" "INCR counter" "EXPIRE greeting 100" "SADD s a" "SPOP s" "SET greeting hello NX"; do
    redis-cli -p 17401 $command > /dev/null
    echo "$command: $(offset 17401)"
done
sleep 1.5
offset 17402
redis-cli -p 17402 SHUTDOWN NOSAVE; redis-cli -p 17401 SHUTDOWN NOSAVE
