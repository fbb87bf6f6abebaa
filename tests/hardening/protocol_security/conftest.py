# The servers under attack: each test starts its own server (one of labs 5-8, or redis-server to
# compare) on a free loopback port in a directory of its own, talks to it with raw sockets, and
# at the end stops it with SHUTDOWN, which must exit with status 0. Introduced with issue #8's
# hardening (docs/reliability.md, "Bad input: protocol abuse over TCP" and "Security").
from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path
from typing import Callable, Iterator

import pytest

HOST = "127.0.0.1"
REPOSITORY = Path(__file__).resolve().parents[3]
LAB_SERVERS = ["lab5_server", "lab6_types", "lab7_async", "lab8_replication"]
LOG_TAIL = 20_000  # characters of the server's log shown under a failed test
# The tests bound how far a server's resident size grows. ThreadSanitizer shadows the memory a
# program touches with several times as much of its own (a 5-10x memory cost by its documentation):
# in the TSan build (COURSE_SANITIZER=thread, set by CMake) the bounds are five times as large,
# still far below what buffering the attack's whole payload would take. ASan's own growth, its
# quarantine of freed blocks, is shrunk instead (ASAN_OPTIONS in CMakeLists.txt).
RSS_SCALE = 5 if os.environ.get("COURSE_SANITIZER") == "thread" else 1


def pytest_addoption(parser):
    parser.addoption(
        "--server",
        action="append",
        default=[],
        help="a server to test (repeatable): build/bin/lab7_async, or /usr/bin/redis-server to "
        "compare; by default the four servers of labs 5-8 in build/bin",
    )


def pytest_generate_tests(metafunc):
    """Every test that uses `server_binary` runs once per server given with --server."""
    if "server_binary" in metafunc.fixturenames:
        binaries = metafunc.config.getoption("server") or [
            str(REPOSITORY / "build" / "bin" / name) for name in LAB_SERVERS
        ]
        metafunc.parametrize("server_binary", binaries, ids=os.path.basename)


def free_port() -> int:
    """A port nobody listens on right now; the server binds it a moment later."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def resident_kib(pid: int) -> int:
    """The process's resident set (VmRSS in /proc/<pid>/status), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


class Server:
    """One server process, started with the course's flags or redis-server's equivalents."""

    def __init__(self, binary: str, directory: Path, extra: list[str], password: str | None):
        self.binary = binary
        self.is_redis = os.path.basename(binary) == "redis-server"
        self.lab = 0 if self.is_redis else int(os.path.basename(binary)[3])
        self.port = free_port()
        self.password = password
        self.connect_host = HOST  # where SHUTDOWN and the tests' clients connect
        arguments = [binary, "--port", str(self.port), "--dir", str(directory), "--save", ""]
        if "--bind" not in extra:
            arguments += ["--bind", HOST]
        if password is not None:
            arguments += ["--requirepass", password]
        self.arguments = arguments + extra
        self.log_path = directory / "server.log"
        self.process: subprocess.Popen | None = None
        self.exit_code: int | None = None

    def start(self, timeout: float = 10.0) -> None:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.arguments, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while not self.listening():
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.binary} exited with {self.process.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.binary} did not listen within {timeout} s")
            time.sleep(0.02)

    def listening(self) -> bool:
        try:
            socket.create_connection((self.connect_host, self.port), timeout=1).close()
            return True
        except OSError:
            return False

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def rss_kib(self) -> int:
        return resident_kib(self.pid)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def connect(self, timeout: float = 10.0, source: str | None = None) -> "Raw":
        connection = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if source is not None:
            connection.bind((source, 0))
        connection.settimeout(timeout)
        connection.connect((self.connect_host, self.port))
        return Raw(connection)

    def command(self, *argv: str | bytes, timeout: float = 10.0) -> bytes:
        """Runs one command on a new connection (authenticated if needed); its reply."""
        with self.connect(timeout) as client:
            if self.password is not None:
                assert client.call("AUTH", self.password) == b"+OK\r\n"
            return client.call(*argv)

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError as error:
            return f"(no log: {error})"

    def shutdown(self, timeout: float = 20.0) -> None:
        """SHUTDOWN (NOSAVE: there is nothing to save), then wait for the exit status."""
        if not self.alive():
            return
        try:
            with self.connect(timeout=5) as client:
                if self.password is not None:
                    client.send(encode("AUTH", self.password))
                client.send(encode("SHUTDOWN", "NOSAVE"))
                client.read_to_eof(timeout=5)
        except OSError:
            pass  # the exit status below tells whether the server was still there
        try:
            self.exit_code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            self.exit_code = "hung on SHUTDOWN"


def output_limit_arguments(binary: str, limit: str) -> list[str]:
    """The flags that set the output buffer limit of normal clients to `limit` (`8mb`)."""
    if os.path.basename(binary) == "redis-server":
        return ["--client-output-buffer-limit", f"normal {limit} 0 0"]
    return ["--client-output-buffer-limit", limit]


def encode(*argv: str | bytes) -> bytes:
    """A command as a RESP array of bulk strings."""
    parts = [b"*%d\r\n" % len(argv)]
    for argument in argv:
        data = argument.encode() if isinstance(argument, str) else argument
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)


class Raw:
    """A raw connection: bytes out, bytes in, and whether the server closed it."""

    def __init__(self, connection: socket.socket):
        self.socket = connection
        self.closed_by_server = False

    def __enter__(self) -> "Raw":
        return self

    def __exit__(self, *exception) -> None:
        self.socket.close()

    def send(self, data: bytes) -> None:
        self.socket.sendall(data)

    def read_exactly(self, size: int, timeout: float = 10.0) -> bytes:
        self.socket.settimeout(timeout)
        data = b""
        while len(data) < size:
            chunk = self.socket.recv(size - len(data))
            if not chunk:
                raise AssertionError(f"closed after {data!r}, {size} bytes expected")
            data += chunk
        return data

    def read_reply(self, timeout: float = 10.0) -> bytes:
        """One whole RESP2 reply (simple, error, integer, bulk or flat array)."""
        self.socket.settimeout(timeout)
        header = self.read_line()
        if header[:1] == b"$" and int(header[1:-2]) >= 0:
            return header + self.read_exactly(int(header[1:-2]) + 2, timeout)
        if header[:1] == b"*" and int(header[1:-2]) > 0:
            return header + b"".join(self.read_reply(timeout) for _ in range(int(header[1:-2])))
        return header

    def read_line(self) -> bytes:
        line = b""
        while not line.endswith(b"\r\n"):
            byte = self.socket.recv(1)
            if not byte:
                raise AssertionError(f"closed after {line!r}, inside a reply")
            line += byte
        return line

    def call(self, *argv: str | bytes, timeout: float = 10.0) -> bytes:
        self.send(encode(*argv))
        return self.read_reply(timeout)

    def read_to_eof(self, timeout: float = 10.0) -> bytes:
        """Everything until the server closes; fails if it has not closed within `timeout`.
        A reset counts as closed: a server that closes with unread input sends RST, after
        the replies it wrote, which are still read first."""
        deadline = time.monotonic() + timeout
        data = b""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"still open after {timeout} s; received {data[:200]!r}")
            self.socket.settimeout(remaining)
            try:
                chunk = self.socket.recv(1 << 20)
            except socket.timeout:
                continue
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                self.closed_by_server = True
                return data
            data += chunk

    def quiet_for(self, seconds: float) -> bytes:
        """What arrives within `seconds`, without waiting for a close (b"" when nothing)."""
        self.socket.settimeout(seconds)
        try:
            return self.socket.recv(1 << 20)
        except socket.timeout:
            return b""


@pytest.fixture
def start_server(request, tmp_path, server_binary) -> Iterator[Callable[..., Server]]:
    """A factory: `start_server("--protected-mode", "no", password="pw")` starts the server
    under test with those flags and returns it once it listens. At teardown each is stopped
    with SHUTDOWN and must exit with status 0: no crash, no hang, no sanitizer report."""
    if not os.access(server_binary, os.X_OK):
        pytest.fail(f"no server binary at {server_binary} (build it, or pass --server PATH)")
    servers: list[Server] = []
    request.node.hardening_servers = servers

    def start(*extra: str, password: str | None = None) -> Server:
        directory = tmp_path / f"server{len(servers)}"
        directory.mkdir()
        server = Server(server_binary, directory, list(extra), password)
        servers.append(server)
        server.start()
        return server

    yield start
    for server in servers:
        server.shutdown()
    for server in servers:
        assert server.exit_code == 0, (
            f"{server.binary} exited with {server.exit_code} after SHUTDOWN:\n"
            f"{server.log()[-LOG_TAIL:]}"
        )


@pytest.fixture
def server(start_server) -> Server:
    """The server under test with the default flags (and --bind 127.0.0.1)."""
    return start_server()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Attaches the log of every server a failed test started to its report."""
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        for server in getattr(item, "hardening_servers", ()):
            report.sections.append((f"log of {server.binary}", server.log()[-LOG_TAIL:]))
