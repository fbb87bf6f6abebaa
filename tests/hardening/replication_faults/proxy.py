# A TCP proxy between a replica and its master, for the replication fault suite: it cuts a
# connection at a chosen byte of a full resync, or inside a piece of the stream, and can refuse
# new connections as if the master were down. Part of the hardening of issue #8
# (docs/reliability.md, "Faults: replication").
from __future__ import annotations

import collections
import random
import re
import socket
import threading
from dataclasses import dataclass

HOST = "127.0.0.1"


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
