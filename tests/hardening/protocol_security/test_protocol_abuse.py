# Protocol abuse over TCP, against the real servers of labs 5-8: every malformed request of
# Redis's tests/unit/protocol.tcl, then huge lengths, a million arguments, a client that sends a
# byte a second and clients that never read. Each reply is Redis 7's, byte for byte (run with
# `--server /usr/bin/redis-server` to check), the server keeps serving everyone else with
# bounded memory, and it exits 0 on SHUTDOWN (conftest.py). docs/reliability.md reports it.
from __future__ import annotations

import socket
import threading
import time

import pytest
from conftest import RSS_SCALE, Server, encode, output_limit_arguments

PONG = b"+PONG\r\n"
INVALID_MULTIBULK = b"-ERR Protocol error: invalid multibulk length\r\n"
INVALID_BULK = b"-ERR Protocol error: invalid bulk length\r\n"
MIB = 1024 * 1024


def report(server: Server, measurement: str) -> None:
    """A figure for docs/reliability.md: shown with `pytest -s`."""
    print(f"\n[{server.binary.rsplit('/', 1)[-1]}] {measurement}")


def assert_serves(server: Server) -> None:
    """A new client is served at once: the server is alive and not stuck on anyone."""
    started = time.monotonic()
    assert server.command("PING", timeout=5) == PONG
    assert time.monotonic() - started < 2


# --- Redis's tests/unit/protocol.tcl -------------------------------------------------------


def test_an_empty_query_is_skipped(server):
    with server.connect() as client:
        client.send(b"\r\n")
        assert client.call("PING") == PONG


def test_a_negative_multibulk_length_is_skipped(server):
    with server.connect() as client:
        client.send(b"*-10\r\n")
        assert client.call("PING") == PONG


# Each is answered with Redis's error, then the connection is closed: what follows cannot be
# trusted to start a command (a desync attempt), so no command after it runs.
MALFORMED = {
    "out_of_range_multibulk_length": (b"*3000000000\r\n", INVALID_MULTIBULK),
    "non_number_multibulk_length": (b"*blabla\r\n", INVALID_MULTIBULK),
    "wrong_multibulk_payload_header": (
        b"*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n",
        b"-ERR Protocol error: expected '$', got 'f'\r\n",
    ),
    "negative_multibulk_payload_length": (b"*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$-10\r\n", INVALID_BULK),
    "out_of_range_multibulk_payload_length": (
        b"*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$2000000000\r\n",
        INVALID_BULK,
    ),
    "non_number_multibulk_payload_length": (
        b"*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$blabla\r\n",
        INVALID_BULK,
    ),
    "multibulk_request_not_followed_by_bulk_arguments": (
        b"*1\r\nfoo\r\n",
        b"-ERR Protocol error: expected '$', got 'f'\r\n",
    ),
    "wrong_type_byte_in_an_array": (
        b"*1\r\n:4\r\n",
        b"-ERR Protocol error: expected '$', got ':'\r\n",
    ),
    "unbalanced_quotes_in_an_inline_request": (
        b'set """test-key""" test-value\r\n',
        b"-ERR Protocol error: unbalanced quotes in request\r\n",
    ),
    "unclosed_quote_in_an_inline_request": (
        b'ECHO "abc\r\n',
        b"-ERR Protocol error: unbalanced quotes in request\r\n",
    ),
    # 600 MiB: over proto-max-bulk-len (512 MiB); refused before anything is reserved.
    "a_600_mib_bulk_header": (b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$629145600\r\n", INVALID_BULK),
}


@pytest.mark.parametrize("case", MALFORMED.keys())
def test_malformed_request_gets_redis_error_and_close(server, case):
    request, reply = MALFORMED[case]
    with server.connect() as client:
        # The commands after the broken one must not run: "SET desync 1" would be a desync.
        client.send(encode("SET", "before", "1") + request + encode("SET", "desync", "1"))
        assert client.read_to_eof() == b"+OK\r\n" + reply
    assert server.command("GET", "before") == b"$1\r\n1\r\n"
    assert server.command("EXISTS", "desync") == b":0\r\n"
    assert_serves(server)


def test_wrong_number_of_arguments_keeps_the_connection(server):
    with server.connect() as client:
        assert client.call("PING", "x", "y", "z") == (
            b"-ERR wrong number of arguments for 'ping' command\r\n"
        )
        assert client.call("PING") == PONG


# Redis's "Protocol desync regression test #1-3": a first byte that starts no command, then a
# line that never ends. The server must answer with a protocol error and close, not buffer.
DESYNC = {
    "nul": (b"\x00", b"-ERR Protocol error: too big inline request\r\n"),
    "star_nul": (b"*\x00", b"-ERR Protocol error: too big mbulk count string\r\n"),
    "dollar_nul": (b"$\x00", b"-ERR Protocol error: too big inline request\r\n"),
}


@pytest.mark.parametrize("case", DESYNC.keys())
def test_protocol_desync_is_closed(server, case):
    first, reply = DESYNC[case]
    with server.connect() as client:
        client.send(first)
        sent = 0
        try:
            while sent < 16 * MIB:  # far past the 64 KiB a line may have
                client.send(b"payload" * 1024)
                sent += 7 * 1024
        except OSError:
            pass  # the server closed while we were still sending
        assert client.read_to_eof() == reply
    assert_serves(server)


def test_pipelined_blocking_pops_regression(start_server):
    """protocol.tcl's "Regression for a crash with blocking ops and pipelining"."""
    server = start_server()
    if server.lab == 5:
        pytest.skip("lists and blocking pops arrive in lab 6")
    with server.connect() as blocked, server.connect() as pusher:
        pop = encode("BLPOP", "nolist", "0")
        # The reply of a command pipelined before a blocking one is not held back by the wait.
        blocked.send(encode("SET", "before", "1") + pop + pop)
        assert blocked.read_reply() == b"+OK\r\n"
        time.sleep(0.2)
        assert pusher.call("RPUSH", "nolist", "a") == b":1\r\n"
        assert blocked.read_reply() == b"*2\r\n$6\r\nnolist\r\n$1\r\na\r\n"
        assert pusher.call("RPUSH", "nolist", "a") == b":1\r\n"
        assert blocked.read_reply() == b"*2\r\n$6\r\nnolist\r\n$1\r\na\r\n"


class Watcher:
    """Samples the server's RSS every 20 ms in a thread, and checks another client is served."""

    def __init__(self, server: Server):
        self.server = server
        self.baseline = server.rss_kib()
        self.peak = self.baseline
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        while not self.stop.wait(0.02):
            try:
                self.peak = max(self.peak, self.server.rss_kib())
            except (OSError, RuntimeError):
                return

    def finish(self) -> int:
        self.stop.set()
        self.thread.join()
        return self.peak - self.baseline


# --- Beyond protocol.tcl: sizes --------------------------------------------------------------


def test_a_command_with_a_million_arguments(server):
    """EXISTS with 999,999 keys: about 7 MB in one request, every argument counted."""
    keys = 999_999
    with server.connect(timeout=60) as client:
        assert client.call("SET", "k", "v") == b"+OK\r\n"
        before = server.rss_kib()
        started = time.monotonic()
        client.send(b"*%d\r\n$6\r\nEXISTS\r\n" % (keys + 1) + b"$1\r\nk\r\n" * keys)
        assert client.read_reply(timeout=60) == b":%d\r\n" % keys
        report(
            server,
            f"a million arguments: {time.monotonic() - started:.2f} s, RSS {before} KiB before, "
            f"{server.rss_kib()} KiB after",
        )
        assert client.call("PING") == PONG
    assert_serves(server)


def test_huge_claimed_lengths_reserve_nothing(server):
    """Fifty clients each claim the largest array and bulk string allowed, then send a few
    bytes: a server that believed the headers would reserve 25 GiB."""
    before = server.rss_kib()
    clients = [server.connect() for _ in range(50)]
    try:
        for client in clients:
            client.send(b"*2147483647\r\n$536870912\r\nabc")
        time.sleep(0.5)
        assert_serves(server)
        grown = server.rss_kib() - before
        report(server, f"50 huge claims: RSS {before} KiB, grew by {grown} KiB")
        assert grown < 64 * 1024 * RSS_SCALE, f"RSS grew by {grown} KiB"
    finally:
        for client in clients:
            client.socket.close()
    assert_serves(server)


def test_a_bulk_string_past_the_query_buffer_limit(start_server):
    """A legal 512 MiB bulk header, then data: the unprocessed input may not outgrow the query
    buffer limit (64 MiB here, 1 GiB in Redis). The client is closed without a reply, and the
    server's memory peaks near the limit."""
    server = start_server()
    if server.is_redis:
        pytest.skip("redis-server's limit is 1 GiB: it would buffer the whole 512 MiB")
    watcher = Watcher(server)
    with server.connect() as client:
        client.send(b"*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$536870912\r\n")
        chunk = b"x" * MIB
        try:
            for _ in range(96):
                client.send(chunk)
        except OSError:
            pass  # closed at the limit
        assert client.read_to_eof() == b""
    grown = watcher.finish()
    report(server, f"96 MiB into a 512 MiB bulk: RSS {watcher.baseline} KiB, peak +{grown} KiB")
    # The limit, not twice it: the buffer is not doubled for the read that passes the limit.
    assert grown < 96 * 1024 * RSS_SCALE, f"RSS grew by {grown} KiB"
    assert server.command("EXISTS", "big") == b":0\r\n"
    assert_serves(server)


# --- Slow and non-reading clients ------------------------------------------------------------


def test_a_client_sending_one_byte_a_second(server):
    """Twenty clients trickle a command in at one byte a second; meanwhile another client is
    served at full speed, and each trickled command still runs once it is complete."""
    slow = [server.connect() for _ in range(20)]
    try:
        commands = [encode("SET", f"slow{i}", "v") for i in range(len(slow))]
        latencies = []
        with server.connect() as fast:
            for second in range(3):
                for client, command in zip(slow, commands):
                    client.send(command[second : second + 1])
                until = time.monotonic() + 1
                while time.monotonic() < until:
                    started = time.monotonic()
                    assert fast.call("INCR", "fast").startswith(b":")
                    latencies.append(time.monotonic() - started)
        report(
            server,
            f"20 one-byte-a-second clients: {len(latencies)} INCRs meanwhile, slowest "
            f"{max(latencies) * 1000:.1f} ms",
        )
        assert len(latencies) > 100, f"only {len(latencies)} commands in 3 s"
        assert max(latencies) < 0.5, f"slowest reply took {max(latencies):.3f} s"
        for client, command in zip(slow, commands):
            client.send(command[3:])
            assert client.read_reply() == b"+OK\r\n"
    finally:
        for client in slow:
            client.socket.close()
    assert server.command("GET", "slow19") == b"$1\r\nv\r\n"


def test_a_client_that_never_reads_big_replies_is_dropped(start_server, server_binary):
    """The output buffer limit: 2,000 pipelined GETs of a 1 MiB value, never read, would be
    2 GB of replies. Past the limit (8 MiB here) the client is closed; others go on."""
    server = start_server(*output_limit_arguments(server_binary, "8mb"))
    assert server.command("SET", "big", "x" * MIB) == b"+OK\r\n"
    watcher = Watcher(server)
    with server.connect() as reader:
        reader.socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
        reader.send(encode("GET", "big") * 2000)
        time.sleep(1)
        assert_serves(server)
        reader.read_to_eof(timeout=10)  # whatever was sent before the limit, then the close
    grown = watcher.finish()
    report(server, f"non-reader of 1 MiB GETs: RSS {watcher.baseline} KiB, peak +{grown} KiB")
    assert grown < 96 * 1024 * RSS_SCALE, f"RSS grew by {grown} KiB"
    assert_serves(server)


def test_a_client_that_never_reads_small_replies_stays_bounded(start_server, server_binary):
    """A client pipelines PINGs as fast as it can and never reads a reply. Our servers stop
    reading from it once its replies cannot be sent (it stalls, holding a few socket buffers);
    Redis reads on and drops it at the output buffer limit. Either way memory stays bounded
    and everyone else is served."""
    server = start_server(*output_limit_arguments(server_binary, "8mb"))
    watcher = Watcher(server)
    pings = encode("PING") * 16384  # 229 KiB
    with server.connect(timeout=1) as flooder:
        flooder.socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
        sent = 0
        until = time.monotonic() + 2
        while time.monotonic() < until and sent < 512 * MIB:
            try:
                flooder.send(pings)
                sent += len(pings)
            except socket.timeout:
                break  # the server stopped reading: its buffers and ours are full
            except OSError:
                break  # the server dropped us
        assert_serves(server)
        grown = watcher.finish()
        report(
            server,
            f"non-reader of PINGs: {sent // MIB} MiB sent in 2 s, RSS {watcher.baseline} KiB, "
            f"peak +{grown} KiB",
        )
        assert (
            grown < 96 * 1024 * RSS_SCALE
        ), f"RSS grew by {grown} KiB after {sent // MIB} MiB of PINGs"
        # SHUTDOWN while the client is still connected, and perhaps stalled: exit status 0.
        server.shutdown()
        assert server.exit_code == 0
