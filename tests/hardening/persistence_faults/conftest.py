# Shared by the persistence fault tests: which server to run, a server process on a free port
# in a directory it keeps across kills and restarts, and a small RESP client that reports
# exactly what came back (or that nothing did). Part of the hardening suite (docs/reliability.md).
from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

HOST = "127.0.0.1"
LOG_TAIL = 6_000  # characters of a server's log shown under a failed test


def pytest_addoption(parser):
    parser.addoption(
        "--server",
        action="append",
        default=[],
        help="a server binary to test (repeatable): build/bin/lab5_server, ... or "
        "/usr/bin/redis-server to check the expectations against Redis",
    )


def pytest_generate_tests(metafunc):
    if "binary" in metafunc.fixturenames:
        servers = metafunc.config.getoption("server") or [
            os.environ.get("PERSISTENCE_FAULTS_SERVER", "build/bin/lab7_async")
        ]
        paths = [os.path.abspath(server) for server in servers]
        metafunc.parametrize("binary", paths, ids=[os.path.basename(path) for path in paths])


@pytest.fixture
def binary(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def seed() -> int:
    """The seed of every random choice (kill moments, cut points), printed so that a failure can
    be replayed with SEED=<n>."""
    value = int(os.environ.get("SEED") or random.SystemRandom().randrange(1 << 32))
    print(f"\npersistence_faults: SEED={value}")
    return value


def is_redis(binary: str) -> bool:
    return os.path.basename(binary) == "redis-server"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Reply:
    """One RESP reply, kept as its raw bytes and decoded: `kind` is the first byte."""

    def __init__(self, kind: str, value) -> None:
        self.kind = kind
        self.value = value

    def __repr__(self) -> str:
        return f"Reply({self.kind!r}, {self.value!r})"


class Client:
    """A blocking RESP client over one socket. `call` returns the reply, or raises OSError
    (ConnectionError, EOF) when the server went away: then the command's fate is unknown."""

    def __init__(self, port: int, timeout: float = 10.0) -> None:
        self.sock = socket.create_connection((HOST, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = bytearray()
        self.offset = 0  # where the next reply starts in `buffer`

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def send(self, *argv) -> None:
        parts = [b"*%d\r\n" % len(argv)]
        for argument in argv:
            data = argument if isinstance(argument, bytes) else str(argument).encode()
            parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
        self.sock.sendall(b"".join(parts))

    def call(self, *argv) -> Reply:
        self.send(*argv)
        return self.read_reply()

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        # Drop what was read already before growing: replies are read one by one.
        del self.buffer[: self.offset]
        self.offset = 0
        self.buffer += chunk

    def _line(self) -> bytes:
        while (end := self.buffer.find(b"\r\n", self.offset)) < 0:
            self._fill()
        line = bytes(self.buffer[self.offset : end])
        self.offset = end + 2
        return line

    def _exactly(self, count: int) -> bytes:
        while len(self.buffer) - self.offset < count + 2:
            self._fill()
        data = bytes(self.buffer[self.offset : self.offset + count])
        self.offset += count + 2
        return data

    def read_reply(self) -> Reply:
        line = self._line()
        kind, rest = chr(line[0]), line[1:]
        if kind in "+-":
            return Reply(kind, rest.decode())
        if kind == ":":
            return Reply(kind, int(rest))
        if kind == "$":
            length = int(rest)
            return Reply(kind, None if length < 0 else self._exactly(length))
        if kind == "*":
            length = int(rest)
            return Reply(kind, None if length < 0 else [self.read_reply() for _ in range(length)])
        raise AssertionError(f"not RESP: {line!r}")

    def value(self, *argv):
        """The reply's value; an error reply fails the test."""
        reply = self.call(*argv)
        assert reply.kind != "-", f"{argv!r} failed: {reply.value}"
        if reply.kind == "*":
            return [item.value for item in reply.value]
        return reply.value


class Server:
    """One server process on its own port, in `directory`, which outlives the process: kill it,
    then start() again on the same files."""

    def __init__(self, binary: str, directory: Path, *flags: str) -> None:
        self.binary = binary
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.flags = list(flags)
        self.log_path = directory.parent / f"{directory.name}.{self.port}.log"
        self.process: subprocess.Popen | None = None

    def arguments(self) -> list[str]:
        arguments = [self.binary, "--port", str(self.port), "--bind", HOST]
        arguments += ["--dir", str(self.directory), *self.flags]
        if is_redis(self.binary):
            arguments += ["--daemonize", "no"]
        return arguments

    def spawn(self) -> subprocess.Popen:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.arguments(), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
            )
        return self.process

    def start(self, timeout: float = 15.0) -> Server:
        """Starts the process; returns once it answers PING (+PONG, or MISCONF on a full disk).
        Fails the test if it exits first."""
        self.spawn()
        deadline = time.monotonic() + timeout
        while not self.answers():
            if self.process.poll() is not None:
                raise AssertionError(
                    f"{self.binary} exited with {self.process.returncode}:\n{self.log()}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(f"no PONG within {timeout} s:\n{self.log()}")
            time.sleep(0.01)
        return self

    def answers(self) -> bool:
        try:
            with socket.create_connection((HOST, self.port), timeout=1) as probe:
                probe.sendall(b"*1\r\n$4\r\nPING\r\n")
                # Not -LOADING: the data must be there before the test looks at it.
                return probe.recv(16).startswith((b"+PONG", b"-MISCONF"))
        except OSError:
            return False

    def client(self, timeout: float = 10.0) -> Client:
        return Client(self.port, timeout)

    def kill(self) -> None:
        """SIGKILL: no handler runs, nothing is flushed or fsynced by the process."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self, timeout: float = 10.0) -> int:
        """SIGTERM, and the exit status; SIGKILL (and a failed test) if it does not exit."""
        if self.process is None:
            return 0
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise AssertionError(f"no exit within {timeout} s of SIGTERM:\n{self.log()}")
        return self.process.returncode

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-LOG_TAIL:]
        except OSError as error:
            return f"(no log: {error})"


@pytest.fixture
def servers(request):
    """Every Server a test made; killed at teardown, their logs shown if the test failed."""
    made: list[Server] = []
    request.node.persistence_servers = made
    yield made
    for server in made:
        server.kill()


# What the tests measured, one line each, printed at the end of the run: the figures quoted in
# docs/reliability.md come from these lines.
MEASUREMENTS: list[str] = []


def pytest_terminal_summary(terminalreporter):
    if MEASUREMENTS:
        terminalreporter.section("measured")
        for line in MEASUREMENTS:
            terminalreporter.write_line(line)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        for server in getattr(item, "persistence_servers", ()):
            report.sections.append((f"log of {server.log_path.name}", server.log()))
