# Lab 8's replication seen from outside: masters, replicas and chains of them run as real
# processes and are driven with redis-py, and with raw RESP bytes where the replication protocol
# itself is the subject. Introduced in lab 8; run by ctest (lab8.replication_py).
#
#   /usr/bin/python3 -m pytest -q tests/lab8_replication/test_replication.py \
#       --server build/bin/lab8_replication
#
# The same suite runs against real Redis 7.0, which is how its expectations were checked:
#   /usr/bin/python3 -m pytest -q tests/lab8_replication/test_replication.py \
#       --server /usr/bin/redis-server
from __future__ import annotations

import contextlib
import os
import re
import secrets
import socket
import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Iterator

import pytest
import redis

if TYPE_CHECKING:
    from conftest import Node

HOST = "127.0.0.1"
TIMEOUT = 10.0  # generous: the machines that run this suite are small and shared

READONLY = "You can't write against a read only replica."
WAIT_ON_REPLICA = (
    "WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a "
    "replica is configured to be writable (which is not the default) writes to replicas are "
    "just local and are not propagated."
)


# --- helpers --------------------------------------------------------------------------------


def wait_until(predicate: Callable[[], Any], timeout: float = TIMEOUT, what: str = "") -> Any:
    """Polls `predicate` until it returns a true value, and returns that value. A connection
    error counts as "not yet": nodes restart and reconnect during these tests."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = predicate()
        except redis.ConnectionError:
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {timeout} s for {what or predicate}")
        time.sleep(0.02)


def call(client: redis.Redis, *arguments: Any) -> Any:
    """Sends a command and returns the reply as parsed, without redis-py's per-command
    conversion (which turns INFO into a dict of guessed types)."""
    connection = client.connection_pool.get_connection(arguments[0])
    try:
        connection.send_command(*arguments)
        return connection.read_response()
    finally:
        client.connection_pool.release(connection)


def info(client: redis.Redis, section: str) -> dict[str, str]:
    """One INFO section as {field: text}."""
    fields = {}
    for line in call(client, "INFO", section).splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition(":")
            fields[name] = value
    return fields


def replica_entry(text: str) -> dict[str, str]:
    """`ip=127.0.0.1,port=6380,state=online,offset=14,lag=0` as a dict."""
    return dict(item.split("=", 1) for item in text.split(","))


def stat(client: redis.Redis, name: str) -> int:
    return int(info(client, "stats")[name])


def in_sync(master: redis.Redis, *replicas: redis.Redis) -> bool:
    """True when every replica's link is up and it has applied the master's whole stream. The
    master may itself be a replica, further up a chain: then its offset is what it applied."""
    fields = info(master, "replication")
    target = fields["slave_repl_offset" if fields["role"] == "slave" else "master_repl_offset"]
    for replica in replicas:
        fields = info(replica, "replication")
        if fields.get("master_link_status") != "up" or fields.get("slave_repl_offset") != target:
            return False
    return True


def wait_synced(master: redis.Redis, *replicas: redis.Redis) -> None:
    wait_until(lambda: in_sync(master, *replicas), what="the replicas to reach the master's offset")


def replicate(replica: Node, master: Node) -> None:
    """Makes `replica` a replica of `master` with REPLICAOF and waits until new writes flow.

    Offsets alone do not show that: right after a full sync both sides report the same offset,
    but Redis holds the stream back until the replica's first ACK, up to a second later. So a
    probe key is written and deleted on the master (when it is one) and waited for."""
    replica_client, master_client = replica.client(), master.client()
    assert replica_client.execute_command("REPLICAOF", HOST, master.port) == "OK"
    wait_until(
        lambda: info(replica_client, "replication")["master_link_status"] == "up",
        what="the replica's link to come up",
    )
    if info(master_client, "replication")["role"] == "master":
        master_client.set("replication-probe", "1")
        master_client.delete("replication-probe")
    wait_synced(master_client, replica_client)


def dataset(client: redis.Redis) -> dict[str, tuple[str, Any, bool]]:
    """The whole keyspace as {key: (type, value, has_ttl)}; a set's members come sorted. Only
    the presence of a TTL is kept: two nodes never agree on it to the millisecond."""
    keys = sorted(client.keys("*"))
    pipe = client.pipeline(transaction=False)  # no MULTI/EXEC: the course's server has neither
    for key in keys:
        pipe.type(key)
        pipe.pttl(key)
    described = pipe.execute()
    types, ttls = described[0::2], described[1::2]
    pipe = client.pipeline(transaction=False)
    for key, kind in zip(keys, types):
        if kind == "list":
            pipe.lrange(key, 0, -1)
        elif kind == "set":
            pipe.smembers(key)
        elif kind == "string":
            pipe.get(key)
        else:
            pipe.type(key)  # gone since KEYS: "none"
    values = pipe.execute()
    return {
        key: (kind, sorted(value) if kind == "set" else value, ttl > 0)
        for key, kind, ttl, value in zip(keys, types, ttls, values)
    }


def fill(client: redis.Redis, count: int, prefix: str = "key") -> None:
    """Writes `count` keys of mixed types: strings (a quarter of them with a TTL), lists, sets."""
    pipe = client.pipeline(transaction=False)
    for i in range(count):
        key = f"{prefix}:{i}"
        if i % 4 == 0:
            pipe.set(key, f"value-{i}")
        elif i % 4 == 1:
            pipe.set(key, f"value-{i}", ex=1000)
        elif i % 4 == 2:
            pipe.rpush(key, *(f"item-{j}" for j in range(i % 7 + 1)))
        else:
            pipe.sadd(key, *(f"member-{j}" for j in range(i % 5 + 1)))
        if len(pipe) >= 500:
            pipe.execute()
    pipe.execute()


def encode(*arguments: str | int) -> bytes:
    """A command as a RESP array of bulk strings."""
    out = b"*%d\r\n" % len(arguments)
    for argument in arguments:
        data = str(argument).encode()
        out += b"$%d\r\n%s\r\n" % (len(data), data)
    return out


class RespStream:
    """Reads what a peer sends on a raw socket: lines, exact byte counts and commands (arrays of
    bulk strings), counting every byte it hands out, which is how replication offsets count."""

    def __init__(self, connection: socket.socket) -> None:
        self.connection = connection
        self.buffer = b""
        self.consumed = 0

    def _fill(self) -> None:
        data = self.connection.recv(65536)
        if not data:
            raise EOFError("the peer closed the connection")
        self.buffer += data

    def take(self, length: int) -> bytes:
        while len(self.buffer) < length:
            self._fill()
        data, self.buffer = self.buffer[:length], self.buffer[length:]
        self.consumed += length
        return data

    def peek(self) -> bytes:
        while not self.buffer:
            self._fill()
        return self.buffer[:1]

    def line(self) -> bytes:
        """The next line, without its CRLF."""
        while b"\r\n" not in self.buffer:
            self._fill()
        return self.take(self.buffer.index(b"\r\n") + 2)[:-2]

    def command(self) -> list[bytes]:
        header = self.line()
        assert header.startswith(b"*"), f"expected a RESP array, got {header!r}"
        arguments = []
        for _ in range(int(header[1:])):
            size = self.line()
            assert size.startswith(b"$"), f"expected a bulk string, got {size!r}"
            arguments.append(self.take(int(size[1:]) + 2)[:-2])
        return arguments

    def snapshot(self) -> bytes:
        """The payload of a full resync: `$<length>\\r\\n` and exactly that many bytes, with no
        CRLF after them. A master may send `\\n` while it prepares the payload, to keep the link
        alive; those bytes come before the header."""
        while self.peek() == b"\n":
            self.take(1)
        header = self.line()
        assert re.fullmatch(rb"\$\d+", header), f"expected $<length>, got {header!r}"
        return self.take(int(header[1:]))


def ask(connection: socket.socket, stream: RespStream, *arguments: str | int) -> bytes:
    """Sends one command and returns the first line of its reply. One at a time: Redis refuses
    a PSYNC that arrives while earlier replies are still waiting to be sent."""
    connection.sendall(encode(*arguments))
    return stream.line()


def start_full_resync(
    connection: socket.socket, stream: RespStream, listening_port: int
) -> tuple[str, int]:
    """Plays a new replica's side of the handshake up to +FULLRESYNC; returns (replid, offset)."""
    assert ask(connection, stream, "PING") == b"+PONG"
    assert ask(connection, stream, "REPLCONF", "listening-port", listening_port) == b"+OK"
    assert ask(connection, stream, "REPLCONF", "capa", "psync2") == b"+OK"
    reply = ask(connection, stream, "PSYNC", "?", "-1")
    found = re.fullmatch(rb"\+FULLRESYNC ([0-9a-f]{40}) (\d+)", reply)
    assert found, f"expected +FULLRESYNC <replid> <offset>, got {reply!r}"
    return found.group(1).decode(), int(found.group(2))


def error_line(port: int, *arguments: str | int) -> bytes:
    """The raw reply line to one command on a new connection: an error's exact text."""
    with socket.create_connection((HOST, port), timeout=TIMEOUT) as connection:
        return ask(connection, RespStream(connection), *arguments)


def pop_served_by_push(client: redis.Redis, waiter: redis.Redis, pop: Callable, key: str) -> Any:
    """Runs `pop(waiter)` in a thread until it blocks on the empty list `key`, serves it with an
    RPUSH from `client`, and returns what the pop returned."""
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(pop(waiter)))
    blocked_before = int(info(client, "clients")["blocked_clients"])
    thread.start()
    wait_until(
        lambda: int(info(client, "clients")["blocked_clients"]) > blocked_before,
        what="the pop to block",
    )
    client.rpush(key, "job")
    thread.join(TIMEOUT)
    assert result, "the blocked pop did not return"
    return result[0]


# --- the first milestone --------------------------------------------------------------------


def test_set_on_master_reaches_replica(start_node):
    """The first milestone: a write on the master can be read on its replica."""
    master, replica = start_node(), start_node()
    replicate(replica, master)
    master.client().set("greeting", "hello")
    wait_until(lambda: replica.client().get("greeting") == "hello", what="the SET on the replica")


def write_every_family(client: redis.Redis, waiter: redis.Redis) -> None:
    """Writes with every command family of the course's server, mixed with reads (which must
    propagate nothing). `waiter` is a second client of the same node, for the blocked pops."""
    now = time.time()
    # strings, with every SET option
    client.set("s:plain", "v")
    client.set("s:ex", "v", ex=100)
    client.set("s:px", "v", px=100_000)
    client.set("s:exat", "v", exat=int(now) + 100)
    client.set("s:pxat", "v", pxat=int(now * 1000) + 100_000)
    client.set("s:plain", "w", xx=True)
    client.set("s:plain", "ignored", nx=True)
    client.set("s:ex", "kept-ttl", keepttl=True)
    assert client.set("s:swap", "new", get=True) is None
    client.setnx("s:setnx", "1")
    client.setex("s:setex", 100, "v")
    client.psetex("s:psetex", 100_000, "v")
    client.mset({"s:m1": "1", "s:m2": "2"})
    assert client.msetnx({"s:m3": "3", "s:m4": "4"})
    client.append("s:plain", "-appended")
    client.setrange("s:range", 5, "xyz")  # zero-padded in front
    client.setrange("s:plain", 0, "W")
    client.incr("s:counter")
    client.incrby("s:counter", 10)
    client.decr("s:counter")
    client.decrby("s:counter", 3)
    client.incrbyfloat("s:float", 1.5)  # nondeterministic in general: Redis replicates a SET
    client.incrbyfloat("s:float", 0.25)
    assert client.getdel("s:m1") == "1"
    client.getex("s:m2", ex=100)
    client.getex("s:px", persist=True)
    assert client.mget("s:plain", "s:missing") == ["W-appended", None]
    assert client.strlen("s:range") == 8 and client.getrange("s:plain", 0, 0) == "W"
    # keys and expiry
    client.mset({"k:a": "1", "k:b": "2", "k:c": "3", "k:d": "4"})
    client.delete("k:a")
    client.unlink("k:b")
    client.rename("k:c", "k:renamed")
    assert not client.renamenx("k:d", "k:renamed")
    assert client.renamenx("k:d", "k:free")
    client.expire("k:free", 100)
    client.pexpire("k:renamed", 100_000)
    client.expireat("s:m3", int(now) + 100)
    client.pexpireat("s:m4", int(now * 1000) + 100_000)
    client.persist("s:m4")
    client.set("k:short", "v", px=50)
    # Touching an expired key on the master deletes it there, and that DEL is replicated.
    wait_until(lambda: client.exists("k:short") == 0, what="k:short to expire")
    assert client.type("k:renamed") == "string" and client.dbsize() > 0
    client.randomkey()
    # lists
    client.rpush("l:a", *"abcdefgh")
    client.lpush("l:a", "z")
    client.lpushx("l:a", "y")
    client.rpushx("l:a", "i")
    client.lpushx("l:none", "x")  # no list, no write
    client.lpop("l:a")
    client.rpop("l:a")
    client.lpop("l:a", 2)
    client.lset("l:a", 0, "B")
    client.linsert("l:a", "BEFORE", "e", "d2")
    client.rpush("l:a", "e", "e")
    client.lrem("l:a", -1, "e")
    client.ltrim("l:a", 0, 7)
    assert client.lpos("l:a", "d2") == 3 and client.lindex("l:a", 0) == "B"
    assert client.llen("l:a") == 8
    client.lmove("l:a", "l:b", "LEFT", "RIGHT")
    client.rpoplpush("l:a", "l:b")
    client.blmove("l:a", "l:b", 1, "RIGHT", "LEFT")  # served at once: the source has elements
    client.brpoplpush("l:a", "l:b", 1)
    client.blpop(["l:b"], 1)
    client.brpop(["l:b"], 1)
    # Blocked pops served by a push from another client: Redis replicates them as plain pops.
    pop = pop_served_by_push(client, waiter, lambda c: c.blpop(["q:jobs"], 5), "q:jobs")
    assert tuple(pop) == ("q:jobs", "job")
    moved = pop_served_by_push(
        client, waiter, lambda c: c.blmove("q:in", "q:done", 5, "LEFT", "RIGHT"), "q:in"
    )
    assert moved == "job"
    # sets
    client.sadd("t:a", *"abcdefgh")
    client.sadd("t:b", *"efghijk")
    client.srem("t:a", "a", "not-a-member")
    client.spop("t:a")  # a random member: the replicas must remove the same one
    client.spop("t:b", 2)
    client.smove("t:a", "t:c", sorted(client.smembers("t:a"))[0])
    client.sinterstore("t:inter", ["t:a", "t:b"])
    client.sunionstore("t:union", ["t:a", "t:b", "t:c"])
    client.sdiffstore("t:diff", ["t:a", "t:b"])
    client.sadd("t:emptied", "x")
    client.srem("t:emptied", "x")
    client.sismember("t:a", "b")
    client.smismember("t:a", ["b", "c"])
    client.scard("t:union")
    client.srandmember("t:union", 2)
    client.sinter(["t:a", "t:b"])
    client.sunion(["t:a", "t:b"])
    client.sdiff(["t:a", "t:b"])
    client.sintercard(2, ["t:a", "t:b"])
    client.sscan("t:union")


def test_every_command_family_propagates(start_node):
    """Strings, keys and expiry, lists (blocked pops too), sets and the FLUSH commands all
    reach two replicas, which end byte for byte at the master's offset with its dataset."""
    master, first, second = start_node(), start_node(), start_node()
    replicate(first, master)
    replicate(second, master)
    client = master.client()
    fill(client, 50, prefix="before-flushdb")
    client.flushdb()
    fill(client, 50, prefix="before-flushall")
    client.flushall()
    write_every_family(client, master.client())
    wait_synced(client, first.client(), second.client())
    expected = dataset(client)
    assert "before-flushall:0" not in expected and "k:short" not in expected
    assert dataset(first.client()) == expected
    assert dataset(second.client()) == expected


# --- full and partial resynchronization -----------------------------------------------------


def test_late_replica_full_syncs_existing_data(start_node):
    """A replica attached to a master that already holds 2,000 keys receives them all through
    one full sync, and keeps up with writes after it."""
    master, replica = start_node(), start_node()
    client = master.client()
    fill(client, 2000)
    full_before = stat(client, "sync_full")
    replicate(replica, master)
    client.set("after-sync", "1")
    wait_synced(client, replica.client())
    assert stat(client, "sync_full") == full_before + 1
    assert dataset(replica.client()) == dataset(client)


@pytest.mark.parametrize("side", ["replica", "master"])
def test_broken_link_resumes_with_partial_resync(start_node, side):
    """When the link breaks (killed from either end) the replica reconnects by itself and
    continues from its offset: the master counts a partial resync and no new full one."""
    master, replica = start_node(), start_node()
    client, replica_client = master.client(), replica.client()
    fill(client, 200)
    replicate(replica, master)
    full_before = stat(client, "sync_full")
    partial_before = stat(client, "sync_partial_ok")
    if side == "replica":
        assert call(replica_client, "CLIENT", "KILL", "TYPE", "master") == 1
    else:
        assert call(client, "CLIENT", "KILL", "TYPE", "replica") == 1
    for i in range(100):  # written while the replica is away, or just back
        client.set(f"during:{i}", i)
        client.rpush("during:list", i)
    wait_synced(client, replica_client)
    assert stat(client, "sync_partial_ok") == partial_before + 1
    assert stat(client, "sync_full") == full_before
    assert dataset(replica_client) == dataset(client)


def test_backlog_overrun_forces_full_sync(start_node):
    """A replica that comes back after more writes than the backlog holds cannot continue
    from its offset: it gets a full sync, and still ends identical. 16384 bytes is the
    smallest backlog Redis accepts."""
    master = start_node("--repl-backlog-size", "16384")
    replica = start_node()
    client, replica_client = master.client(), replica.client()
    fill(client, 100)
    replicate(replica, master)
    full_before = stat(client, "sync_full")
    partial_err_before = stat(client, "sync_partial_err")
    partial_ok_before = stat(client, "sync_partial_ok")
    # The paused replica cannot reconnect before the master has written 200 KB.
    replica.pause()
    try:
        assert call(client, "CLIENT", "KILL", "TYPE", "replica") == 1
        pipe = client.pipeline(transaction=False)
        for i in range(200):
            pipe.set(f"big:{i}", f"{i:04d}" * 250)
        pipe.execute()
    finally:
        replica.resume()
    wait_synced(client, replica_client)
    assert (
        stat(client, "sync_full") > full_before
        or stat(client, "sync_partial_err") > partial_err_before
    )
    assert stat(client, "sync_partial_ok") == partial_ok_before
    assert dataset(replica_client) == dataset(client)


# --- WAIT and read-only replicas ------------------------------------------------------------


def test_wait_without_replicas(start_node):
    """With no replica, WAIT 1 100 gives up after its 100 ms with 0; WAIT 0 0 asks for nothing
    and returns 0 at once."""
    client = start_node().client()
    client.set("k", "v")
    started = time.monotonic()
    assert client.wait(1, 100) == 0
    assert time.monotonic() - started >= 0.08
    started = time.monotonic()
    assert client.wait(0, 0) == 0
    assert time.monotonic() - started < 1.0


def test_wait_counts_replicas_that_acknowledged(start_node):
    """WAIT returns how many replicas confirmed the writes before it: 1, then 2 once a second
    replica is attached, and 1 after its timeout when one of the two is paused."""
    master, first, second = start_node(), start_node(), start_node()
    client = master.client()
    replicate(first, master)
    client.set("one", "1")
    assert client.wait(1, 1000) == 1
    replicate(second, master)
    client.set("two", "2")
    assert client.wait(2, 1000) == 2
    second.pause()
    try:
        client.set("three", "3")
        started = time.monotonic()
        assert client.wait(2, 500) == 1
        assert time.monotonic() - started >= 0.4
    finally:
        second.resume()


def test_wait_on_a_replica_is_an_error(start_node):
    """Redis 7.0's exact error for WAIT sent to a replica."""
    master, replica = start_node(), start_node()
    replicate(replica, master)
    assert error_line(replica.port, "WAIT", 1, 100) == b"-ERR " + WAIT_ON_REPLICA.encode()
    with pytest.raises(redis.ResponseError) as raised:
        replica.client().wait(1, 100)
    assert str(raised.value) == WAIT_ON_REPLICA


def test_replica_refuses_writes_and_serves_reads(start_node):
    """A replica answers every write with READONLY and its exact text, and serves reads of the
    replicated data."""
    master, replica = start_node(), start_node()
    client = master.client()
    client.set("s", "v")
    client.rpush("l", "a", "b")
    client.sadd("t", "x")
    replicate(replica, master)
    reader = replica.client()
    writes = [
        lambda: reader.set("s", "other"),
        lambda: reader.incr("counter"),
        lambda: reader.rpush("l", "c"),
        lambda: reader.sadd("t", "y"),
        lambda: reader.delete("s"),
        lambda: reader.expire("s", 10),
        lambda: reader.flushall(),
    ]
    for write in writes:
        with pytest.raises(redis.ReadOnlyError) as raised:
            write()
        assert str(raised.value) == READONLY
    assert error_line(replica.port, "SET", "s", "x") == b"-READONLY " + READONLY.encode()
    assert reader.get("s") == "v"
    assert reader.lrange("l", 0, -1) == ["a", "b"]
    assert reader.smembers("t") == {"x"}
    assert reader.exists("s", "l", "t") == 3
    assert reader.dbsize() == 3
    assert dataset(reader) == dataset(client)


# --- roles, promotion and topologies --------------------------------------------------------


def test_role_and_promotion_with_replicaof_no_one(start_node):
    """ROLE describes both sides of the link; REPLICAOF NO ONE turns a replica into a master
    that keeps its data and accepts writes, while the other replica stays with the old master."""
    master, first, second = start_node(), start_node(), start_node()
    client = master.client()
    client.set("k", "v")
    replicate(first, master)
    replicate(second, master)

    # Redis types these replies exactly: on a master, its offset is an integer and each
    # replica's port and offset are bulk strings; on a replica, the port and offset are integers.
    role = call(client, "ROLE")
    assert role[0] == "master" and isinstance(role[1], int)
    assert sorted((ip, port) for ip, port, _ in role[2]) == sorted(
        [(HOST, str(first.port)), (HOST, str(second.port))]
    )
    assert all(isinstance(offset, str) and offset.isdigit() for _, _, offset in role[2])
    role = call(first.client(), "ROLE")
    assert role[:4] == ["slave", HOST, master.port, "connected"]
    assert isinstance(role[4], int)

    promoted = first.client()
    assert promoted.execute_command("REPLICAOF", "NO", "ONE") == "OK"
    assert call(promoted, "ROLE")[0] == "master"
    assert info(promoted, "replication")["role"] == "master"
    assert promoted.get("k") == "v"
    assert promoted.set("written-on-promoted", "1")
    wait_until(lambda: info(client, "replication")["connected_slaves"] == "1")
    client.set("after-promotion", "1")
    wait_synced(client, second.client())
    assert second.client().get("after-promotion") == "1"
    assert promoted.get("after-promotion") is None


def test_chained_replication(start_node):
    """A <- B <- C: C replicates from B, which is itself a replica of A; A's writes reach C."""
    a, b, c = start_node(), start_node(), start_node()
    client, c_client = a.client(), c.client()
    fill(client, 100, prefix="early")
    replicate(b, a)
    # Only datasets are compared from here on: whether B passes A's stream on byte for byte
    # (as Redis does, so that C's offset is A's) is a choice this test leaves open.
    assert c_client.execute_command("REPLICAOF", HOST, b.port) == "OK"
    wait_until(
        lambda: info(c_client, "replication")["master_link_status"] == "up",
        what="C's link to B to come up",
    )
    assert call(c_client, "ROLE")[:4] == ["slave", HOST, b.port, "connected"]
    fill(client, 100, prefix="late")
    client.incrbyfloat("float", 2.5)
    client.spop("late:3")
    expected = dataset(client)
    wait_until(lambda: dataset(c_client) == expected, what="C to hold A's dataset")
    assert dataset(b.client()) == expected


@pytest.mark.parametrize("form", ["one-argument", "two-arguments"])
def test_replicaof_flag_at_start_up(start_node, form):
    """A node started with --replicaof syncs from its master by itself. Redis 7.0 takes both
    `--replicaof "HOST PORT"` and `--replicaof HOST PORT` on its command line."""
    master = start_node()
    client = master.client()
    fill(client, 100)
    if form == "one-argument":
        replica = start_node("--replicaof", f"{HOST} {master.port}")
    else:
        replica = start_node("--replicaof", HOST, str(master.port))
    wait_synced(client, replica.client())
    assert dataset(replica.client()) == dataset(client)


def test_replica_follows_master_restarted_from_snapshot(start_node):
    """A master that saved a snapshot and restarts on the same port and directory comes back
    with its data and a new replication id; its replica reconnects, resyncs once, and follows
    the writes made after the restart."""
    master, replica = start_node(), start_node()
    client, replica_client = master.client(), replica.client()
    fill(client, 300)
    replicate(replica, master)
    client.set("before-save", "1")
    wait_synced(client, replica_client)
    old_replid = info(client, "replication")["master_replid"]
    assert client.save()
    before = dataset(client)
    master.stop()
    wait_until(lambda: info(replica_client, "replication")["master_link_status"] == "down")
    master.start()
    assert dataset(client) == before
    client.set("after-restart", "1")
    client.rpush("early:list", "x")
    wait_synced(client, replica_client)
    new_replid = info(client, "replication")["master_replid"]
    assert new_replid != old_replid
    assert info(replica_client, "replication")["master_replid"] == new_replid
    # Either kind of resync is right. Redis 7.0 reads its old replication id and offset back
    # from the snapshot and keeps them as its secondary id (master_replid2), so the replica
    # continues with a partial resync; a server that starts a new history sends a full one.
    assert stat(client, "sync_full") + stat(client, "sync_partial_ok") == 1
    assert dataset(replica_client) == dataset(client)


# --- what the nodes report ------------------------------------------------------------------


def test_info_replication_fields(start_node):
    """INFO replication on a master with one replica and on that replica, and on the replica
    again once its master has stopped."""
    master = start_node("--repl-backlog-size", "1mb")
    replica = start_node()
    client, replica_client = master.client(), replica.client()
    replicate(replica, master)
    client.set("k", "v")  # Redis counts offsets from its first replica on: write after it
    # The master learns the replica's offset from its acknowledgements, sent every second.
    wait_until(
        lambda: replica_entry(info(client, "replication").get("slave0", "offset=-1"))["offset"]
        == info(client, "replication")["master_repl_offset"],
        what="the replica's acknowledgement",
    )

    fields = info(client, "replication")
    assert fields["role"] == "master"
    assert fields["connected_slaves"] == "1"
    entry = replica_entry(fields["slave0"])
    assert list(entry) == ["ip", "port", "state", "offset", "lag"]
    assert entry["ip"] == HOST and entry["port"] == str(replica.port)
    assert entry["state"] == "online"
    assert entry["offset"] == fields["master_repl_offset"] and entry["lag"].isdigit()
    assert re.fullmatch(r"[0-9a-f]{40}", fields["master_replid"])
    assert int(fields["master_repl_offset"]) > 0
    assert fields["repl_backlog_active"] == "1"
    assert fields["repl_backlog_size"] == "1048576"

    replica_fields = info(replica_client, "replication")
    assert replica_fields["role"] == "slave"
    assert replica_fields["master_host"] == HOST
    assert replica_fields["master_port"] == str(master.port)
    assert replica_fields["master_link_status"] == "up"
    assert replica_fields["master_sync_in_progress"] == "0"
    assert replica_fields["slave_repl_offset"] == fields["master_repl_offset"]
    assert replica_fields["slave_read_repl_offset"] == fields["master_repl_offset"]
    assert replica_fields["master_replid"] == fields["master_replid"]

    master.stop()
    wait_until(
        lambda: info(replica_client, "replication")["master_link_status"] == "down",
        what="the replica to notice its master is gone",
    )


def test_expired_key_is_hidden_on_replica_until_master_deletes_it(start_node):
    """A replica never expires keys itself; it waits for the master's DEL. Meanwhile it hides
    a key whose time is up: GET answers nil although DBSIZE still counts the key."""
    master, replica = start_node(), start_node()
    client, replica_client = master.client(), replica.client()
    replicate(replica, master)
    client.set("stays", "1")
    client.set("k", "v", px=800)
    wait_synced(client, replica_client)
    # Frozen, the master can neither expire the key nor send a DEL.
    master.pause()
    try:
        assert replica_client.dbsize() == 2, "the master's DEL came before the test could look"
        wait_until(lambda: replica_client.get("k") is None, what="k to expire on the replica")
        assert replica_client.dbsize() == 2
    finally:
        master.resume()
    wait_until(lambda: replica_client.dbsize() == 1, what="the master's DEL to reach the replica")
    assert replica_client.get("stays") == "1"


# --- the protocol on the wire ---------------------------------------------------------------


def test_master_side_of_the_handshake_over_a_raw_socket(start_node):
    """A raw socket plays a replica: PING, REPLCONF listening-port, REPLCONF capa psync2 and
    PSYNC ? -1 get +PONG, +OK, +OK and +FULLRESYNC, then a snapshot as `$<length>` and that
    many bytes (their format is the server's own: Redis sends RDB). Writes follow as RESP
    commands, and a REPLCONF ACK sets the offset the master reports for this replica."""
    master = start_node()
    client = master.client()
    with socket.create_connection((HOST, master.port), timeout=TIMEOUT) as connection:
        stream = RespStream(connection)
        _, offset = start_full_resync(connection, stream, listening_port=12345)
        stream.snapshot()
        client.set("greeting", "hello")
        stream.consumed = 0  # the replication stream starts after the snapshot
        while True:
            command = stream.command()
            command[0] = command[0].upper()
            # Redis sends a PING every repl-ping-replica-period seconds, and SELECT first.
            if command != [b"PING"] and command != [b"SELECT", b"0"]:
                break
        assert command == [b"SET", b"greeting", b"hello"]
        acknowledged = offset + stream.consumed
        connection.sendall(encode("REPLCONF", "ACK", acknowledged))

        def entry() -> dict[str, str]:
            fields = info(client, "replication")
            return replica_entry(fields["slave0"]) if "slave0" in fields else {}

        wait_until(
            lambda: entry().get("offset") == str(acknowledged), what="the ACK in slave0's offset"
        )
        assert entry()["ip"] == HOST and entry()["port"] == "12345"
        assert entry()["state"] == "online"


def test_replica_side_of_the_handshake_and_getack(start_node):
    """A test-side fake master receives a node's handshake (PING, REPLCONF listening-port with
    the node's own port, REPLCONF capa with psync2, PSYNC), answers +FULLRESYNC with the empty
    snapshot this very server sends (recorded first from the node itself, still a master), then
    sends SET a 1 and REPLCONF GETACK *. The node applies the SET and answers
    REPLCONF ACK 27: the 27 bytes of that SET, processed before the GETACK."""
    node = start_node()
    client = node.client()
    with fake_master(node) as (listener, empty_snapshot), accept_node(listener) as connection:
        stream = RespStream(connection)
        assert [part.upper() for part in stream.command()] == [b"PING"]
        connection.sendall(b"+PONG\r\n")
        options: dict[bytes, list[bytes]] = {}
        while (command := stream.command())[0].upper() == b"REPLCONF":
            # Redis sends `REPLCONF listening-port <port>` and `REPLCONF capa eof capa psync2`
            # together, before reading either reply; each gets its +OK.
            for name, value in zip(command[1::2], command[2::2]):
                options.setdefault(name.lower(), []).append(value)
            connection.sendall(b"+OK\r\n")
        assert options.get(b"listening-port") == [str(node.port).encode()]
        assert b"psync2" in options.get(b"capa", [])
        # A node that never had a master sends `PSYNC ? -1`; Redis sends its own replication id
        # and offset + 1 instead, hoping to continue its own history. Both get a full resync.
        assert command[0].upper() == b"PSYNC" and len(command) == 3

        replid = secrets.token_hex(20)
        send_full_resync(connection, replid, empty_snapshot)
        wait_until(lambda: info(client, "replication")["master_link_status"] == "up")
        connection.sendall(b"*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n")
        connection.sendall(b"*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n")

        # Replicas also acknowledge on their own, every second: any number of ACK 0 may come
        # first, and an ACK 27 that is not the answer would carry the same number.
        acknowledged = []
        while 27 not in acknowledged:
            command = stream.command()
            assert [part.upper() for part in command[:2]] == [b"REPLCONF", b"ACK"], command
            assert len(command) == 3, command
            acknowledged.append(int(command[2]))
        assert set(acknowledged) <= {0, 27}, acknowledged
        assert client.get("a") == "1"
        assert info(client, "replication")["master_replid"] == replid


def serve_handshake(connection: socket.socket, stream: RespStream) -> list[bytes]:
    """Plays a fake master's side of a node's handshake up to its PSYNC, which it returns."""
    assert [part.upper() for part in stream.command()] == [b"PING"]
    connection.sendall(b"+PONG\r\n")
    while (command := stream.command())[0].upper() == b"REPLCONF":
        connection.sendall(b"+OK\r\n")
    assert command[0].upper() == b"PSYNC" and len(command) == 3, command
    return command


@contextlib.contextmanager
def fake_master(node: Node) -> Iterator[tuple[socket.socket, bytes]]:
    """A test-side master for `node`: records the empty snapshot the node itself sends while it
    is still a master, then points it with REPLICAOF at a listening socket, which it yields with
    that snapshot. accept_node() takes each connection the node makes to it."""
    with socket.create_connection((HOST, node.port), timeout=TIMEOUT) as connection:
        stream = RespStream(connection)
        start_full_resync(connection, stream, listening_port=12345)
        empty_snapshot = stream.snapshot()
    with socket.socket() as listener:
        listener.bind((HOST, 0))
        listener.listen(1)
        listener.settimeout(TIMEOUT)
        port = listener.getsockname()[1]
        assert node.client().execute_command("REPLICAOF", HOST, port) == "OK"
        yield listener, empty_snapshot


def accept_node(listener: socket.socket) -> socket.socket:
    connection, _ = listener.accept()
    connection.settimeout(TIMEOUT)
    return connection


def send_full_resync(connection: socket.socket, replid: str, snapshot: bytes) -> None:
    """A fake master's answer to PSYNC: +FULLRESYNC at offset 0, then `snapshot`."""
    connection.sendall(b"+FULLRESYNC %s 0\r\n" % replid.encode())
    connection.sendall(b"$%d\r\n%s" % (len(snapshot), snapshot))


@pytest.mark.parametrize(
    "broken",
    [
        # The link breaks in the middle of a command: the value of this SET never comes.
        b"*3\r\n$3\r\nSET\r\n$4\r\nlost",
        # The master's stream breaks the protocol: the replica closes the link.
        b"*1\r\n$-3\r\n",
    ],
    ids=["half_a_command", "protocol_error"],
)
def test_replica_reads_the_next_connection_afresh(start_node, broken):
    """A fake master full-syncs a node, sends `broken`, and the link goes down. The node
    reconnects at once and asks to continue (Redis, after a protocol error, to start over); the
    fake master agrees and sends SET b 2, which the node applies: nothing of the broken
    connection's stream is left to swallow the new one's first bytes, or to refuse it."""
    node = start_node()
    client = node.client()
    replid = secrets.token_hex(20)
    with fake_master(node) as (listener, empty_snapshot):
        with accept_node(listener) as connection:
            serve_handshake(connection, RespStream(connection))
            send_full_resync(connection, replid, empty_snapshot)
            wait_until(lambda: info(client, "replication")["master_link_status"] == "up")
            connection.sendall(broken)
        connection = accept_node(listener)  # the node is back at once
    with connection:
        psync = serve_handshake(connection, RespStream(connection))
        if psync[1] == b"?":
            # Redis keeps no history of a master that broke the protocol: it starts over.
            send_full_resync(connection, replid, empty_snapshot)
        else:
            assert psync[1:] == [replid.encode(), b"1"]
            connection.sendall(b"+CONTINUE\r\n")
        connection.sendall(encode("SET", "b", "2"))
        wait_until(lambda: client.get("b") == "2", what="SET b 2 from the second connection")
        assert info(client, "replication")["master_link_status"] == "up"


def test_replica_applies_a_command_split_after_an_empty_line(start_node):
    """Found by the replica stream's fuzz target: a fake master full-syncs a node, then sends an
    empty line (which Redis skips, like a keep-alive) and a SET whose last argument arrives in a
    later read. The node must apply SET b 2; it used to leave the empty line unconsumed while
    the parser counted the SET from after it, and applied a command shifted by one byte."""
    node = start_node()
    client = node.client()
    with fake_master(node) as (listener, empty_snapshot), accept_node(listener) as connection:
        serve_handshake(connection, RespStream(connection))
        send_full_resync(connection, secrets.token_hex(20), empty_snapshot)
        wait_until(lambda: info(client, "replication")["master_link_status"] == "up")
        command = encode("SET", "b", "2")
        connection.sendall(b"\n" + command[:-3])
        time.sleep(0.3)  # the node reads the first part alone
        connection.sendall(command[-3:])
        wait_until(lambda: client.get("b") == "2", what="SET b 2 after the empty line")
        assert info(client, "replication")["master_link_status"] == "up"


def replica_buffer_limit(binary: str, limit: str) -> list[str]:
    """The flag that bounds what a master queues for one replica: ours, or Redis's
    client-output-buffer-limit class `replica` (hard limit only)."""
    if os.path.basename(binary) == "redis-server":
        return ["--client-output-buffer-limit", f"replica {limit} 0 0"]
    return ["--replica-output-buffer-limit", limit]


def test_replica_that_stops_reading_is_disconnected_and_the_master_goes_on(start_node, request):
    """A replica that reads nothing (dead, or far too slow) never blocks its master: the stream
    for it piles up only to the replica output buffer limit, then the master closes the
    connection and keeps serving everyone else."""
    binary = request.config.getoption("--server")
    master = start_node(*replica_buffer_limit(binary, "1mb"))
    client = master.client()
    with socket.socket() as connection:
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        connection.settimeout(TIMEOUT)
        connection.connect((HOST, master.port))
        stream = RespStream(connection)
        start_full_resync(connection, stream, listening_port=12346)
        stream.snapshot()
        assert stat(client, "sync_full") == 1
        # From here the fake replica reads nothing; 8 MB of writes go to it.
        value = "v" * 65536
        pipeline = client.pipeline(transaction=False)
        for i in range(128):
            pipeline.set(f"big:{i}", value)
        started = time.monotonic()
        pipeline.execute()
        wait_until(
            lambda: info(client, "replication")["connected_slaves"] == "0",
            what="the master to drop the replica that does not read",
        )
        assert client.ping() is True
        assert client.get("big:127") == value
        assert time.monotonic() - started < TIMEOUT


def test_replica_keeps_its_masters_data_in_its_append_only_file(start_node):
    """A replica with appendonly yes: the full sync rewrites its append-only file from the
    master's data (what it held before is gone), and the stream that follows is appended. Once
    stopped and restarted alone (no REPLICAOF), it holds exactly the master's dataset."""
    master = start_node()
    replica = start_node("--appendonly", "yes")
    replica.client().set("replica-only", "lost at the full sync")  # before it replicates
    fill(master.client(), 200, prefix="before")
    replicate(replica, master)
    fill(master.client(), 200, prefix="after")
    master.client().delete("before:0")
    wait_synced(master.client(), replica.client())
    expected = dataset(master.client())
    assert dataset(replica.client()) == expected
    replica.stop()
    replica.start()  # started without --replicaof: a master, loading its own files
    assert info(replica.client(), "replication")["role"] == "master"
    assert dataset(replica.client()) == expected


def test_a_snapshot_bigger_than_the_replica_buffer_limit_still_syncs(start_node, request):
    """The limit bounds the stream that piles up for a replica, not the snapshot of its full
    sync: a dataset several times the limit still reaches a new replica while writes go on."""
    binary = request.config.getoption("--server")
    master = start_node(*replica_buffer_limit(binary, "1mb"))
    client = master.client()
    pipe = client.pipeline(transaction=False)
    for i in range(400):
        pipe.set(f"big:{i}", os.urandom(8192).hex())  # ~6.5 MB, not compressible
    pipe.execute()
    replica = start_node()
    replica_client = replica.client()
    assert replica_client.execute_command("REPLICAOF", HOST, master.port) == "OK"
    for i in range(200):  # writes while the snapshot is on its way
        client.set(f"during:{i}", i)
    wait_until(
        lambda: info(replica_client, "replication")["master_link_status"] == "up",
        what="the replica's link to come up",
    )
    client.set("after", "sync")
    wait_synced(client, replica_client)
    assert dataset(client) == dataset(replica_client)
    assert stat(client, "sync_full") == 1


def test_a_sync_client_that_never_acknowledges_is_not_timed_out(start_node):
    """A replica that came with the old SYNC (redis-cli --replica does) never sends REPLCONF
    ACK; the master keeps streaming to it past repl-timeout, as Redis does."""
    master = start_node("--repl-timeout", "1")
    client = master.client()
    with socket.create_connection((HOST, master.port), timeout=TIMEOUT) as connection:
        stream = RespStream(connection)
        connection.sendall(encode("SYNC"))
        stream.snapshot()
        time.sleep(2.5)  # past repl-timeout, with the master's cron running
        client.set("still", "streamed")
        stream.consumed = 0
        while True:
            command = stream.command()
            if command[0].upper() not in (b"PING", b"SELECT"):
                break
        assert command == [b"SET", b"still", b"streamed"]
        assert info(client, "replication")["connected_slaves"] == "1"


def test_the_middle_of_a_chain_times_out_a_silent_replica(start_node):
    """A ← B ← C with C frozen: B, a replica itself, drops C after repl-timeout, as any server
    with replicas does."""
    a = start_node()
    b = start_node("--repl-timeout", "2")
    c = start_node()
    replicate(b, a)
    replicate(c, b)
    assert info(b.client(), "replication")["connected_slaves"] == "1"
    c.pause()
    try:
        wait_until(
            lambda: info(b.client(), "replication")["connected_slaves"] == "0",
            what="B to drop its frozen replica",
        )
    finally:
        c.resume()
