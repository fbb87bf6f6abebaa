# Exercise 8.2: replica-serve-stale-data no. While its link to the master is down, such a replica
# answers -MASTERDOWN to commands that read or write data, and still answers INFO. Passes against
# redis-server 7 as it is:
#   /usr/bin/python3 -m pytest -q tests/exercises/lab8/test_serve_stale_data.py --server /usr/bin/redis-server
from __future__ import annotations

import pytest
import redis
from lab8_nodes import wait_until

MASTERDOWN = "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."


def link_status(client: redis.Redis) -> str:
    return client.info("replication")["master_link_status"]


def test_a_replica_that_must_not_serve_stale_data_refuses_while_its_link_is_down(start_node):
    master = start_node()
    master.client().set("k", "v")
    replica = start_node(
        "--replica-serve-stale-data", "no", "--replicaof", "127.0.0.1", str(master.port)
    )
    client = replica.client()
    assert client.config_get("replica-serve-stale-data") == {"replica-serve-stale-data": "no"}
    wait_until(lambda: link_status(client) == "up", what="the link to come up")
    assert client.get("k") == "v"

    master.stop()
    wait_until(lambda: link_status(client) == "down", what="the replica to see the link down")
    with pytest.raises(redis.exceptions.ResponseError) as refusal:
        client.get("k")
    assert str(refusal.value) == MASTERDOWN
    with pytest.raises(redis.exceptions.ResponseError) as refusal:
        client.dbsize()
    assert str(refusal.value) == MASTERDOWN
    with pytest.raises(redis.exceptions.ResponseError) as refusal:
        client.ping()  # Redis refuses PING too: it has no `stale` flag
    assert str(refusal.value) == MASTERDOWN
    # What must work without data still does: INFO, CONFIG, ROLE.
    assert client.info("replication")["role"] == "slave"
    assert client.config_get("replica-serve-stale-data") == {"replica-serve-stale-data": "no"}
    assert client.execute_command("ROLE")[0] == "slave"

    master.start()  # same port, same (empty: --save "") data
    master.client().set("k", "again")
    wait_until(lambda: link_status(client) == "up", what="the link to come back")
    wait_until(lambda: client.get("k") == "again", what="the replica to serve again")


def test_by_default_a_replica_serves_what_it_has(start_node):
    master = start_node()
    master.client().set("k", "v")
    replica = start_node("--replicaof", "127.0.0.1", str(master.port))
    client = replica.client()
    assert client.config_get("replica-serve-stale-data") == {"replica-serve-stale-data": "yes"}
    wait_until(lambda: link_status(client) == "up", what="the link to come up")
    master.stop()
    wait_until(lambda: link_status(client) == "down", what="the replica to see the link down")
    assert client.get("k") == "v"
