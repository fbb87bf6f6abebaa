# The tools of the replication fault suite: a write load that keeps a model of what the master
# acknowledged, a TCP proxy between a replica and its master that the test cuts when it wants, a
# dump of a node's whole dataset, and the comparison of two dumps. Part of the hardening of
# issue #8 (docs/reliability.md, "Faults: replication").
from __future__ import annotations

import collections
import random
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import redis

HOST = "127.0.0.1"

# --- dumps --------------------------------------------------------------------------------------

# key -> (type, value, deadline): the deadline in ms since the epoch, estimated as the time the
# PTTL came back plus the PTTL, or -1 for a key without a TTL. Dumps of several nodes are read
# seconds apart; their deadlines can be compared where their PTTLs could not.
Dump = dict[str, tuple[str, Any, int]]


def dump(client: redis.Redis) -> Dump:
    """Every key of a node as {key: (type, value, deadline)}, read with SCAN, TYPE, GET, LRANGE,
    SMEMBERS and PTTL; a set's members come sorted. Meant for a node nobody writes to: the keys
    are read in batches, not atomically."""
    keys = sorted(set(client.scan_iter(count=1000)))
    result: Dump = {}
    for start in range(0, len(keys), 1000):
        batch = keys[start : start + 1000]
        pipe = client.pipeline(transaction=False)  # no MULTI/EXEC: ours has neither
        for key in batch:
            pipe.type(key)
            pipe.pttl(key)
        described = pipe.execute()
        now = int(time.time() * 1000)
        kinds, ttls = described[0::2], described[1::2]
        pipe = client.pipeline(transaction=False)
        for key, kind in zip(batch, kinds):
            if kind == "string":
                pipe.get(key)
            elif kind == "list":
                pipe.lrange(key, 0, -1)
            elif kind == "set":
                pipe.smembers(key)
            else:
                pipe.type(key)  # "none": expired or deleted since SCAN; a type we never write
        for key, kind, ttl, value in zip(batch, kinds, ttls, pipe.execute()):
            if kind == "none":
                continue
            deadline = now + ttl if ttl >= 0 else -1
            result[key] = (kind, sorted(value) if kind == "set" else value, deadline)
    return result


def differences(expected: Dump, actual: Dump, tolerance_ms: int = 2000) -> list[str]:
    """What `actual` gets wrong, one line per key. TTLs agree when both are absent, or both
    present with deadlines within the tolerance (a batch of PTTLs takes a moment to read)."""
    found = []
    for key in sorted(expected.keys() | actual.keys()):
        if key not in actual:
            found.append(f"{key}: missing (expected {expected[key]!r:.80})")
        elif key not in expected:
            found.append(f"{key}: unexpected {actual[key]!r:.80}")
        else:
            (kind, value, deadline), (got_kind, got_value, got_deadline) = (
                expected[key],
                actual[key],
            )
            if (kind, value) != (got_kind, got_value):
                found.append(f"{key}: {got_kind} {got_value!r:.80}, expected {kind} {value!r:.80}")
            elif (deadline < 0) != (got_deadline < 0) or abs(
                deadline - got_deadline
            ) > tolerance_ms:
                found.append(f"{key}: deadline {got_deadline} ms, expected {deadline} ms")
    return found


# --- the write load -----------------------------------------------------------------------------

# Each key's name says its type, so that no write meets WRONGTYPE. tmp: keys get a TTL of at
# most SHORT_TTL_MS and expire during the run (the master's DEL reaches the replicas); ttl: keys
# keep theirs, which must reach every replica.
SHORT_TTL_MS = 1500
KINDS = ["str", "cnt", "list", "set", "ttl", "tmp", "del"]
WEIGHTS = [20, 15, 20, 15, 10, 10, 10]


@dataclass
class LoadCounts:
    writes: int = 0  # acknowledged by the master
    ambiguous: int = 0  # the connection broke before the reply: applied or not, we cannot know
    by_kind: collections.Counter = field(default_factory=collections.Counter)


class Load:
    """Random writes of mixed types to the master, from one thread and one connection, until
    stop(). It keeps a model of what every acknowledged write left, for all keys but tmp: ones,
    which expire. A write whose connection broke (the master was restarted) is ambiguous: once
    the master answers again, the model takes that key's value from the master."""

    def __init__(
        self, port: int, seed: int, keys_per_kind: int = 40, model: dict | None = None
    ) -> None:
        """`model`: what the keys hold already (model_of() a dump), for a load that goes on
        where another stopped."""
        self.port = port
        self.random = random.Random(seed)
        self.keys_per_kind = keys_per_kind
        # key -> (type, value, has_ttl)
        self.model: dict[str, tuple[str, Any, bool]] = dict(model or {})
        self.counts = LoadCounts()
        self.last_deadline = 0.0  # time.monotonic() when the last tmp: key expires
        self.failure: BaseException | None = None
        self._stopping = threading.Event()
        self._client = self._connect()
        self._thread = threading.Thread(target=self._run, name="write-load", daemon=True)

    def _connect(self) -> redis.Redis:
        return redis.Redis(host=HOST, port=self.port, decode_responses=True, socket_timeout=10)

    def start(self) -> "Load":
        self._thread.start()
        return self

    def stop(self) -> LoadCounts:
        self._stopping.set()
        self._thread.join(60)
        assert not self._thread.is_alive(), "the write load did not stop"
        self._client.close()
        if self.failure is not None:
            raise AssertionError(f"the write load failed: {self.failure!r}") from self.failure
        return self.counts

    def abandon(self) -> None:
        """Stops the thread without a verdict (after a test that failed)."""
        self._stopping.set()
        self._thread.join(10)
        self._client.close()

    def wait_for_writes(self, count: int, timeout: float = 30.0) -> None:
        """Returns once `count` more writes were acknowledged."""
        target = self.counts.writes + count
        deadline = time.monotonic() + timeout
        while self.counts.writes < target:
            assert self.failure is None, f"the write load failed: {self.failure!r}"
            assert time.monotonic() < deadline, f"fewer than {count} writes in {timeout} s"
            time.sleep(0.01)

    def _run(self) -> None:
        try:
            while not self._stopping.is_set():
                kind = self.random.choices(KINDS, WEIGHTS)[0]
                key = self._key(kind)
                try:
                    self._write(kind, key)
                    self.counts.writes += 1
                    self.counts.by_kind[kind] += 1
                except (redis.ConnectionError, redis.TimeoutError):
                    self.counts.ambiguous += 1
                    self._adopt_from_master(key)
        except BaseException as error:  # reported by stop() and wait_for_writes()
            self.failure = error

    def _key(self, kind: str) -> str:
        if kind == "del":
            return self.random.choice(sorted(self.model)) if self.model else "str:0"
        return f"{kind}:{self.random.randrange(self.keys_per_kind)}"

    def _text(self) -> str:
        return "".join(self.random.choices("abcdefghij", k=self.random.randint(1, 60)))

    def _write(self, kind: str, key: str) -> None:
        client, choice = self._client, self.random.random()
        old = self.model.get(key)
        if kind == "str":
            if choice < 0.7 or old is None:
                value = self._text()
                client.set(key, value)
            else:
                value = old[1] + self._text()
                assert client.append(key, value[len(old[1]) :]) == len(value)
            self.model[key] = ("string", value, False)
        elif kind == "cnt":
            step = self.random.randint(-5, 100)
            value = int(old[1] if old else 0) + step
            assert client.incrby(key, step) == value
            self.model[key] = ("string", str(value), False)
        elif kind == "list":
            items = list(old[1]) if old else []
            if choice < 0.4:
                values = [self._text() for _ in range(self.random.randint(1, 3))]
                client.rpush(key, *values)
                items += values
            elif choice < 0.7:
                values = [self._text() for _ in range(self.random.randint(1, 3))]
                client.lpush(key, *values)
                items = values[::-1] + items
            elif choice < 0.9:
                assert client.lpop(key) == (items[0] if items else None)
                items = items[1:]
            else:
                client.ltrim(key, 0, 9)
                items = items[:10]
            self._keep(key, "list", items, False)
        elif kind == "set":
            members = set(old[1]) if old else set()
            member = f"m{self.random.randrange(20)}"
            if choice < 0.6:
                client.sadd(key, member)
                members.add(member)
            else:
                client.srem(key, member)
                members.discard(member)
            self._keep(key, "set", sorted(members), False)
        elif kind == "ttl":
            if choice < 0.8 or old is None:
                value = self._text()
                client.set(key, value, ex=self.random.randint(1000, 2000))
                self.model[key] = ("string", value, True)
            else:
                client.expire(key, self.random.randint(1000, 2000))
        elif kind == "tmp":
            milliseconds = self.random.randint(50, SHORT_TTL_MS)
            client.set(key, self._text(), px=milliseconds)
            self.last_deadline = max(self.last_deadline, time.monotonic() + milliseconds / 1000)
        else:  # del
            client.delete(key)
            self.model.pop(key, None)

    def _keep(self, key: str, kind: str, value: list, has_ttl: bool) -> None:
        """An empty list or set is no key at all."""
        if value:
            self.model[key] = (kind, value, has_ttl)
        else:
            self.model.pop(key, None)

    def _adopt_from_master(self, key: str) -> None:
        """After an ambiguous write: waits (up to a minute) for the master to answer again,
        then takes the key's state from it."""
        deadline = time.monotonic() + 60
        while True:
            try:
                self._client.connection_pool.disconnect()
                found = dump_key(self._client, key)
                break
            except (redis.ConnectionError, redis.TimeoutError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        if key.startswith("tmp:") or found is None:
            self.model.pop(key, None)
        else:
            kind, value, deadline = found
            self.model[key] = (kind, value, deadline >= 0)


def dump_key(client: redis.Redis, key: str) -> tuple[str, Any, int] | None:
    """One key as dump() describes it, or None when it does not exist."""
    kind = client.type(key)
    if kind == "none":
        return None
    value = {"string": client.get, "list": lambda k: client.lrange(k, 0, -1)}.get(
        kind, lambda k: sorted(client.smembers(k))
    )(key)
    ttl = client.pttl(key)
    return kind, value, int(time.time() * 1000) + ttl if ttl >= 0 else -1


def model_of(dataset: Dump) -> dict[str, tuple[str, Any, bool]]:
    """The load's model of what a dump holds: the load's own keys, tmp: ones left out."""
    return {
        key: (kind, value, deadline >= 0)
        for key, (kind, value, deadline) in dataset.items()
        if key.split(":")[0] in KINDS and not key.startswith("tmp:")
    }


def model_differences(model: dict[str, tuple[str, Any, bool]], master: Dump) -> list[str]:
    """Where the master's dump disagrees with what the load was acknowledged: a lost write, a
    value nobody wrote, a TTL gained or lost. tmp: keys expire and are left out."""

    def as_dump(entries: dict[str, tuple[str, Any, bool]]) -> Dump:
        return {
            key: (kind, value, 1 if has_ttl else -1)
            for key, (kind, value, has_ttl) in entries.items()
        }

    return differences(as_dump(model), as_dump(model_of(master)), tolerance_ms=0)


# --- the proxy ----------------------------------------------------------------------------------


@dataclass
class Cut:
    """One connection the proxy cut: how many bytes of the master's it had passed on, and the
    first bytes of them (the handshake's replies and the snapshot's header)."""

    forwarded: int
    chunk: int  # size of the piece being forwarded when the cut came (0: none)
    kept: int  # bytes of that piece passed on before the cut
    head: bytes

    def snapshot_span(self) -> tuple[int, int] | None:
        """Where the snapshot of a full resync starts and ends in the master's bytes, when the
        head holds `+FULLRESYNC ...` and a `$<length>` header (not Redis's diskless `$EOF:`)."""
        found = re.search(rb"\+FULLRESYNC [0-9a-f]{40} \d+\r\n\n*\$(\d+)\r\n", self.head)
        return (found.end(), found.end() + int(found.group(1))) if found else None


class _Pair:
    """One replica's connection and the proxy's own to the master."""

    def __init__(self, downstream: socket.socket, upstream: socket.socket):
        self.downstream, self.upstream = downstream, upstream
        self.cut_after: int | None = None  # bytes of the master's to pass on, then cut
        self.looked_for_sync = False  # whether the head was searched for +FULLRESYNC
        self.cut_in_next_chunk = threading.Event()
        self.forwarded = 0
        self.head = b""
        self.ended = threading.Event()
        self._pumps_left = 2
        self._lock = threading.Lock()

    def shutdown(self) -> None:
        for end in (self.downstream, self.upstream):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def pump_ended(self) -> None:
        self.shutdown()
        with self._lock:
            self._pumps_left -= 1
            last = self._pumps_left == 0
        if last:
            self.downstream.close()
            self.upstream.close()
            self.ended.set()


class Proxy:
    """A TCP proxy between a replica and its master, which the test can cut.

    `plan_cuts([n, ...])` cuts each of the next full resyncs n bytes after the first of its
    `+FULLRESYNC` line: in the middle of the snapshot for most n. `cut_mid_chunk()` cuts the live connection inside the next
    piece the master sends, after a random part of it: in the middle of a command of the
    stream. Each cut is recorded in `cuts`. While the master is down, or while `holding` is
    true, a new connection is closed at once, which the replica sees as the master's refusal."""

    def __init__(self, target_port: int, seed: int) -> None:
        self.target_port = target_port
        self.random = random.Random(seed)
        self.listener = socket.create_server((HOST, 0))
        self.port = self.listener.getsockname()[1]
        self.cuts: list[Cut] = []
        self.connections = 0
        self._planned: collections.deque[int] = collections.deque()
        self._pairs: list[_Pair] = []
        self._lock = threading.Lock()
        self._closed = False
        self.holding = False  # refuse new connections, as if the master were down
        threading.Thread(target=self._accept, name=f"proxy-{self.port}", daemon=True).start()

    def plan_cuts(self, byte_counts: list[int]) -> None:
        with self._lock:
            self._planned.extend(byte_counts)

    def planned_cuts_left(self) -> int:
        with self._lock:
            return len(self._planned)

    def cut_mid_chunk(self, timeout: float = 5.0) -> Cut:
        """Cuts the live connection inside the next piece the master sends (or, if the link
        stays silent for `timeout`, between pieces) and returns the record of the cut."""
        with self._lock:
            live = [pair for pair in self._pairs if not pair.ended.is_set()]
        assert live, f"proxy {self.port}: no live connection to cut"
        pair = live[-1]
        count = len(self.cuts)
        pair.cut_in_next_chunk.set()
        if not pair.ended.wait(timeout):
            self._record(pair, 0, 0)
            pair.shutdown()
            pair.ended.wait(timeout)
        assert len(self.cuts) > count
        return self.cuts[-1]

    def close(self) -> None:
        self._closed = True
        try:
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.listener.close()
        with self._lock:
            pairs = list(self._pairs)
        for pair in pairs:
            pair.shutdown()
            pair.ended.wait(5)

    def _accept(self) -> None:
        while not self._closed:
            try:
                downstream, _ = self.listener.accept()
            except OSError:
                return
            if self.holding:
                downstream.close()
                continue
            try:
                upstream = socket.create_connection((HOST, self.target_port), timeout=5)
                upstream.settimeout(None)
            except OSError:
                downstream.close()  # the master is down: so is the proxy's side
                continue
            for end in (downstream, upstream):
                end.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self.connections += 1
                pair = _Pair(downstream, upstream)
                self._pairs = [p for p in self._pairs if not p.ended.is_set()] + [pair]
            threading.Thread(target=self._to_master, args=(pair,), daemon=True).start()
            threading.Thread(target=self._from_master, args=(pair,), daemon=True).start()

    def _to_master(self, pair: _Pair) -> None:
        try:
            while data := pair.downstream.recv(65536):
                pair.upstream.sendall(data)
        except OSError:
            pass
        pair.pump_ended()

    def _from_master(self, pair: _Pair) -> None:
        try:
            while data := pair.upstream.recv(65536):
                if not pair.looked_for_sync:
                    self._arm_planned_cut(pair, data)
                if pair.cut_after is not None and pair.forwarded + len(data) >= pair.cut_after:
                    self._cut(pair, data, pair.cut_after - pair.forwarded)
                    break
                if pair.cut_in_next_chunk.is_set():
                    self._cut(pair, data, self.random.randrange(len(data)) if len(data) > 1 else 0)
                    break
                self._pass_on(pair, data)
        except OSError:
            pass
        pair.pump_ended()

    def _arm_planned_cut(self, pair: _Pair, data: bytes) -> None:
        """A planned cut is for a full resync: it is taken when `+FULLRESYNC` comes, and counts
        its bytes from that line's first. Connections that end sooner (a replica of a replica
        refused with -NOMASTERLINK) or continue (+CONTINUE) leave it for the next one."""
        seen = pair.head + data[:4096]
        start = seen.find(b"+FULLRESYNC ")
        if start < 0 and len(seen) < 4096 and b"+CONTINUE" not in seen:
            return  # perhaps in the next piece
        pair.looked_for_sync = True
        if start >= 0:
            with self._lock:
                if self._planned:
                    pair.cut_after = start + self._planned.popleft()

    def _pass_on(self, pair: _Pair, data: bytes) -> None:
        pair.downstream.sendall(data)
        if len(pair.head) < 4096:
            pair.head += data[: 4096 - len(pair.head)]
        pair.forwarded += len(data)

    def _cut(self, pair: _Pair, data: bytes, keep: int) -> None:
        self._pass_on(pair, data[:keep])
        self._record(pair, len(data), keep)

    def _record(self, pair: _Pair, chunk: int, kept: int) -> None:
        self.cuts.append(Cut(forwarded=pair.forwarded, chunk=chunk, kept=kept, head=pair.head))
