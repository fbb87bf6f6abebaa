# Exercise 8.1: min-replicas-to-write. A master with fewer than N replicas that acknowledged within
# S seconds refuses writes with -NOREPLICAS. Passes against redis-server 7 as it is:
#   /usr/bin/python3 -m pytest -q tests/exercises/lab8/test_min_replicas.py --server /usr/bin/redis-server
from __future__ import annotations

import time

import redis
from lab8_nodes import wait_until

NOREPLICAS = "NOREPLICAS Not enough good replicas to write."


def refused(client: redis.Redis) -> bool:
    try:
        client.set("k", "v")
    except redis.exceptions.ResponseError as error:
        assert str(error) == NOREPLICAS
        return True
    return False


def test_a_master_without_good_replicas_refuses_writes(start_node):
    master = start_node("--min-replicas-to-write", "1", "--min-replicas-max-lag", "2")
    client = master.client()
    assert client.config_get("min-replicas-to-write") == {"min-replicas-to-write": "1"}
    assert client.config_get("min-replicas-max-lag") == {"min-replicas-max-lag": "2"}

    # No replica: writes are refused, reads are not.
    assert refused(client)
    assert client.get("k") is None
    assert client.dbsize() == 0

    # A replica that synced and acknowledges: writes are accepted.
    replica = start_node("--replicaof", "127.0.0.1", str(master.port))
    wait_until(lambda: not refused(client), what="the master to accept writes with a replica")
    assert client.get("k") == "v"
    wait_until(lambda: replica.client().get("k") == "v", what="the write to reach the replica")

    # The replica stops acknowledging: after the allowed lag, writes are refused again.
    replica.pause()
    try:
        started = time.monotonic()
        wait_until(lambda: refused(client), what="the master to refuse writes again")
        assert time.monotonic() - started >= 1.0  # not at once: only once the lag exceeds 2 s
        assert client.get("k") == "v"
    finally:
        replica.resume()
    wait_until(lambda: not refused(client), what="the master to accept writes again")


def test_zero_means_no_requirement_and_config_set_changes_it(start_node):
    master = start_node()
    client = master.client()
    assert client.config_get("min-replicas-to-write") == {"min-replicas-to-write": "0"}
    assert client.config_get("min-replicas-max-lag") == {"min-replicas-max-lag": "10"}
    assert client.set("k", "v")
    assert client.config_set("min-replicas-to-write", "1")
    assert refused(client)
    assert client.config_set("min-replicas-to-write", "0")
    assert client.set("k", "w")
