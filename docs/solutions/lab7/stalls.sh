# Exercise 7.2: the longest PING round trip (ms) while each command runs, on a server with
# 800,000 keys and a list of a million elements. Usage: bash stalls.sh PORT
port=$1
cli() { redis-cli -p $port "$@"; }
awk 'BEGIN { for (i = 0; i < 800000; i++) printf "SET key:%d v EX 3600\r\n", i }' | cli --pipe | tail -1
awk 'BEGIN { for (i = 0; i < 1000; i++) { printf "RPUSH big"; for (j = 0; j < 1000; j++) printf " e"; printf "\r\n" } }' | cli --pipe | tail -1
cli DBSIZE; cli LLEN big
measure() {
    cli --latency --raw -i 3 > latency.txt &
    sleep 0.5
    start=$(date +%s%N)
    cli "$@" > /dev/null
    took=$(( ($(date +%s%N) - start) / 1000000 ))
    wait
    echo "$* | command ${took} ms | latency min max avg samples: $(cat latency.txt)"
}
measure PING
measure KEYS '*'
measure SCAN 0 COUNT 1000
measure DBSIZE
measure SAVE
measure BGSAVE
sleep 3
measure DEL big
measure FLUSHALL
