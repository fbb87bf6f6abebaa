# The write load of the crash tests: client threads that each write their own keys and record
# every write the server acknowledged, and the check that finds which acknowledged writes a
# restarted server no longer holds. Part of the hardening suite (docs/reliability.md).
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from conftest import Client


class Refused(Exception):
    """The server answered a write with an error."""


@dataclass(eq=False)  # compared and hashed by identity: tests keep them in sets
class Fact:
    """One acknowledged write: after any crash, the restarted server must still show it."""

    acked_at: float  # time.monotonic() when the reply arrived
    kind: str  # set, del, incr, append, rpush, sadd
    key: str
    expected: object  # the value, counter, length or member the reply acknowledged


@dataclass
class Worker:
    """One client connection writing in a loop until the server dies or `stop` is set."""

    port: int
    name: str  # key prefix, unique per client and round
    with_collections: bool  # lab 5 has no lists or sets
    stop: threading.Event
    facts: list[Fact] = field(default_factory=list)
    sent: int = 0  # commands sent, acknowledged or not
    ended_by: str = ""  # the error that ended the loop: the kill, if all went as planned
    refused: str = ""  # an error reply to a write: fails the test

    def run(self) -> None:
        try:
            with Client(self.port, timeout=30) as client:
                step = 0
                while not self.stop.is_set():
                    self.one_step(client, step)
                    step += 1
        except OSError as error:  # the kill: the last command's fate is unknown
            self.ended_by = f"{type(error).__name__}: {error}"
        except Refused as refusal:
            self.refused = str(refusal)

    def write(self, client: Client, *argv):
        self.sent += 1
        reply = client.call(*argv)
        if reply.kind == "-":
            raise Refused(f"{argv!r} was refused: {reply.value}")
        return reply.value, time.monotonic()

    def one_step(self, client: Client, step: int) -> None:
        name = self.name
        # A string per step, with a value that names it: an acknowledged SET must come back.
        value = f"{name}:{step}:" + "v" * (step % 50)
        _, at = self.write(client, "SET", f"{name}:s:{step}", value)
        self.facts.append(Fact(at, "set", f"{name}:s:{step}", value))
        # A counter: after a crash it is at least the last acknowledged value.
        count, at = self.write(client, "INCR", f"{name}:counter")
        self.facts.append(Fact(at, "incr", f"{name}:counter", count))
        # An append-only log "0,1,2,...": its acknowledged length survives, in order.
        length, at = self.write(client, "APPEND", f"{name}:log", f"{step},")
        self.facts.append(Fact(at, "append", f"{name}:log", length))
        if step % 4 == 3:  # a deleted key must stay deleted: replaying the SET alone is wrong
            self.write(client, "SET", f"{name}:d:{step}", "doomed")
            _, at = self.write(client, "DEL", f"{name}:d:{step}")
            self.facts.append(Fact(at, "del", f"{name}:d:{step}", None))
        if self.with_collections:
            length, at = self.write(client, "RPUSH", f"{name}:list", step)
            self.facts.append(Fact(at, "rpush", f"{name}:list", length))
            _, at = self.write(client, "SADD", f"{name}:set", f"m{step}")
            self.facts.append(Fact(at, "sadd", f"{name}:set", f"m{step}"))


def supports_collections(port: int) -> bool:
    with Client(port) as client:
        reply = client.call("RPUSH", "persistence-faults:probe", "x")
        if reply.kind == "-":
            return False
        client.value("DEL", "persistence-faults:probe")
        return True


def expected_log(length: int) -> str:
    """The first `length` characters of "0,1,2,...": what the APPEND log must hold."""
    parts = []
    total = 0
    step = 0
    while total < length:
        parts.append(f"{step},")
        total += len(parts[-1])
        step += 1
    return "".join(parts)[:length]


@dataclass
class Check:
    facts_checked: int
    lost: list[Fact]  # acknowledged writes the server no longer shows
    invented: list[str]  # values nobody wrote (a counter far beyond what was sent...)


def check_facts(client: Client, facts: list[Fact]) -> Check:
    """Asks the restarted server about every fact, pipelined, and sorts them into kept and lost.
    Also checks that nothing was invented: a list holds 0, 1, 2... in order, a log is the
    exact sequence, a counter is at most one beyond its last acknowledged value (the one
    command that may have been in flight when the server died)."""
    lost: list[Fact] = []
    invented: list[str] = []
    # Only the last fact about a counter, log or list matters for "invented": the whole value
    # is read for it, the length for the others.
    last = {}
    for fact in facts:
        if fact.kind in ("incr", "append", "rpush"):
            last[fact.key] = fact
    queries = {
        "set": lambda fact: ("GET", fact.key),
        "del": lambda fact: ("EXISTS", fact.key),
        "incr": lambda fact: ("GET", fact.key),
        "append": lambda fact: ("GET" if last[fact.key] is fact else "STRLEN", fact.key),
        "rpush": lambda fact: (
            ("LRANGE", fact.key, 0, -1) if last[fact.key] is fact else ("LLEN", fact.key)
        ),
        "sadd": lambda fact: ("SISMEMBER", fact.key, fact.expected),
    }
    batch = 500
    for start in range(0, len(facts), batch):
        chunk = facts[start : start + batch]
        for fact in chunk:
            client.send(*queries[fact.kind](fact))
        for fact in chunk:
            reply = client.read_reply()
            assert reply.kind != "-", f"checking {fact}: {reply.value}"
            value = reply.value
            if fact.kind == "set":
                kept = value is not None and value.decode() == fact.expected
            elif fact.kind == "del":
                kept = value == 0
            elif fact.kind == "incr":
                current = int(value) if value is not None else 0
                kept = current >= fact.expected
                if last[fact.key] is fact and current > fact.expected + 1:
                    invented.append(f"{fact.key} = {current}, last acknowledged {fact.expected}")
            elif fact.kind == "append" and last[fact.key] is not fact:
                kept = value >= fact.expected
            elif fact.kind == "append":
                text = value.decode() if value is not None else ""
                kept = len(text) >= fact.expected
                if text != expected_log(len(text)):
                    invented.append(f"{fact.key} = {text[-40:]!r} is not 0,1,2,... in order")
            elif fact.kind == "rpush" and last[fact.key] is not fact:
                kept = value >= fact.expected
            elif fact.kind == "rpush":
                items = [int(item.value) for item in value]
                kept = len(items) >= fact.expected
                if items != list(range(len(items))) or len(items) > fact.expected + 1:
                    invented.append(f"{fact.key} holds {items[-5:]}, acknowledged {fact.expected}")
            else:
                kept = value == 1
            if not kept:
                lost.append(fact)
    return Check(len(facts), lost, invented)
