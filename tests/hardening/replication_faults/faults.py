# The tools of the replication fault suite: a write load that keeps a model of what the master
# acknowledged, a dump of a node's whole dataset, and the comparison of two dumps (the proxy the
# test cuts is in proxy.py). Part of the hardening of issue #8 (docs/reliability.md, "Faults:
# replication").
from __future__ import annotations

import collections
import random
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
