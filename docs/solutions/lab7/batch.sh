# Exercise 7.1: the server's CPU ticks (user + system, 1/100 s) per 100,000 GETs, for growing
# pipeline depths. Usage: bash batch.sh PORT, with lab7_async running on PORT.
port=$1
pid=$(pgrep -f "lab7_async --port $port" | head -1)
redis-cli -p $port SET key:__rand_int__ x > /dev/null
for n in 1 2 4 16 64 256; do
    before=$(awk '{print $14 + $15}' /proc/$pid/stat)
    redis-benchmark -p $port -q -t get -n 100000 -P $n > /dev/null
    after=$(awk '{print $14 + $15}' /proc/$pid/stat)
    echo "P=$n ticks=$((after - before))"
done
