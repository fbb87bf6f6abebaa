"""Replication between the course's server and a real redis-server 7, both ways (issue: real
Redis on both sides). The full resync carries an RDB file, so a real replica loads our
master's data and follows its stream, and our replica loads a real master's RDB (sent
diskless, `$EOF:` framed, since ours offers `capa eof`) and follows its stream: SELECT, PING,
REPLCONF GETACK and the writes. Each test starts redis-server on a free loopback port."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
import redis

import test_replication as common
from conftest import Node

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"

pytestmark = pytest.mark.skipif(
    not os.access(REDIS_SERVER, os.X_OK), reason="redis-server is not installed"
)


def start_redis(start_node, *extra: str):
    """A real redis-server node. Its full syncs start at once (no 5 s diskless delay)."""
    return start_node("--repl-diskless-sync-delay", "0", *extra, program=REDIS_SERVER)


def write_everything(client: redis.Redis, prefix: str) -> None:
    """Strings (integers, short, long and compressible), lists small and large, sets of
    integers and of strings, keys with a TTL, then a DEL and a key that expires at once."""
    pipe = client.pipeline(transaction=False)
    pipe.set(f"{prefix}:int", 12345)
    pipe.set(f"{prefix}:negative", -7)
    pipe.set(f"{prefix}:text", "hello")
    pipe.set(f"{prefix}:long", "x" * 10_000)  # LZF-compressed in an RDB file
    pipe.set(f"{prefix}:random", os.urandom(3000).hex())  # long, barely compressible
    pipe.set(f"{prefix}:binary", bytes(range(256)))
    pipe.set(f"{prefix}:ttl", "v", ex=1000)
    pipe.rpush(f"{prefix}:small-list", "a", "b", "c")
    pipe.rpush(f"{prefix}:big-list", *(f"element-{i}" for i in range(2000)))
    pipe.sadd(f"{prefix}:int-set", *range(100))
    pipe.sadd(f"{prefix}:text-set", *(f"member-{i}" for i in range(300)))
    pipe.sadd(f"{prefix}:ttl-set", "a", "b")
    pipe.expire(f"{prefix}:ttl-set", 1000)
    pipe.set(f"{prefix}:deleted", "soon gone")
    pipe.delete(f"{prefix}:deleted")
    pipe.set(f"{prefix}:expiring", "v", px=1)
    pipe.execute()


def dataset_bytes(node) -> dict:
    """dataset() over a connection that does not decode: binary values compare exactly."""
    client = redis.Redis(host=common.HOST, port=node.port, socket_timeout=20)
    try:
        return common.dataset(client)
    finally:
        client.close()


def wait_equal(master, replica) -> None:
    common.wait_synced(master.client(), replica.client())
    common.wait_until(
        lambda: dataset_bytes(master) == dataset_bytes(replica),
        what="the replica's dataset to equal the master's",
    )


def test_real_replica_follows_our_master(start_node):
    """redis-server --replicaof ours: it loads our RDB, then follows our stream."""
    ours = start_node()
    write_everything(ours.client(), "before")
    real = start_redis(start_node)
    common.replicate(real, ours)
    write_everything(ours.client(), "after")
    ours.client().delete("before:text")
    wait_equal(ours, real)
    assert common.stat(ours.client(), "sync_full") == 1
    fields = common.info(ours.client(), "replication")
    replica = common.replica_entry(fields["slave0"])
    assert replica["port"] == str(real.port) and replica["state"] == "online"
    # The link cut from our side: the real replica comes back with a partial resync.
    assert ours.client().execute_command("CLIENT", "KILL", "TYPE", "replica") == 1
    ours.client().set("during", "the cut")
    common.wait_until(
        lambda: common.stat(ours.client(), "sync_partial_ok") == 1,
        what="the real replica's partial resync",
    )
    wait_equal(ours, real)


def test_our_replica_follows_a_real_master(start_node):
    """Ours as a replica of redis-server: a real RDB (diskless), then the real stream."""
    real = start_redis(start_node)
    write_everything(real.client(), "before")
    ours = start_node()
    common.replicate(ours, real)
    write_everything(real.client(), "after")
    real.client().delete("before:text")
    wait_equal(real, ours)
    fields = common.info(real.client(), "replication")
    assert fields["connected_slaves"] == "1"
    replica = common.replica_entry(fields["slave0"])
    assert replica["port"] == str(ours.port) and replica["state"] == "online"
    # WAIT on the real master counts our replica's ACK (answer to its REPLCONF GETACK).
    real.client().set("acknowledged", "1")
    assert real.client().execute_command("WAIT", 1, 5000) == 1
    # The link cut from our side: ours asks for, and gets, a partial resync.
    assert ours.client().execute_command("CLIENT", "KILL", "TYPE", "master") == 1
    real.client().set("during", "the cut")
    common.wait_until(
        lambda: common.stat(real.client(), "sync_partial_ok") == 1,
        what="our replica's partial resync from the real master",
    )
    wait_equal(real, ours)


def test_promoted_replica_keeps_a_real_replica_with_a_partial_resync(start_node):
    """Ours replicates a real master; ours is promoted (REPLICAOF NO ONE), and the old master
    becomes its replica: the replication id ours took over (master_replid2) lets the real one
    continue partially instead of loading everything again."""
    # Nothing may reach the stream between the last check that ours is in sync and the promotion,
    # or the real master holds bytes ours never had, and refusing its PSYNC is then right (a full
    # resync, as Redis would do). So no keep-alive PING from it during the test, and the key
    # write_everything() sets to expire at once is expired now, by reading it (Redis propagates
    # the DEL then), not whenever the real master's expiry cycle finds it: that DEL landed
    # after the check once, in the slower TSan build.
    real = start_redis(start_node, "--repl-ping-replica-period", "300")
    write_everything(real.client(), "data")
    common.wait_until(
        lambda: real.client().exists("data:expiring") == 0, what="the 1 ms key to expire"
    )
    ours = start_node()
    common.replicate(ours, real)
    assert ours.client().execute_command("REPLICAOF", "NO", "ONE") == "OK"
    common.replicate(real, ours)
    assert common.stat(ours.client(), "sync_partial_ok") == 1
    assert common.stat(ours.client(), "sync_full") == 0
    ours.client().set("after", "promotion")
    wait_equal(ours, real)


def test_rdb_files_go_both_ways_between_ours_and_redis(start_node, tmp_path):
    """--dbfilename dump.rdb: SAVE and BGSAVE write RDB, which redis-check-rdb accepts and
    redis-server loads with every value; a file redis-server saved loads in ours."""
    ours = start_node("--dbfilename", "dump.rdb")
    write_everything(ours.client(), "ours")
    assert ours.client().execute_command("SAVE") is True
    rdb = ours.directory / "dump.rdb"
    assert rdb.read_bytes().startswith(b"REDIS0010")
    check = shutil.which("redis-check-rdb")
    if check:
        result = subprocess.run([check, str(rdb)], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stdout + result.stderr
    expected = dataset_bytes(ours)
    # BGSAVE (a forked child) writes the same format.
    rdb.unlink()
    assert ours.client().execute_command("BGSAVE") is True  # +Background saving started
    common.wait_until(lambda: rdb.exists(), what="the forked save's dump.rdb")
    common.wait_until(
        lambda: common.info(ours.client(), "persistence")["rdb_bgsave_in_progress"] == "0",
        what="the forked save to finish",
    )

    # redis-server reads our file.
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    (real_dir / "dump.rdb").write_bytes(rdb.read_bytes())
    real = Node(REDIS_SERVER, real_dir, ["--dbfilename", "dump.rdb"])
    try:
        real.start()
        assert dataset_bytes(real) == expected
        # ...and ours reads a file redis-server wrote.
        real.client().set("written-by", "redis-server")
        assert real.client().execute_command("SAVE") is True
        expected_back = dataset_bytes(real)
    finally:
        real.stop()
    ours.stop()
    rdb.write_bytes((real_dir / "dump.rdb").read_bytes())
    ours.start()
    assert dataset_bytes(ours) == expected_back
