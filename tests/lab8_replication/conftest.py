# Starts the nodes of lab 8's replication suite: each server on its own free loopback port and in
# its own directory, which it keeps across a stop and a restart; paused, resumed or killed on
# demand, and always stopped at teardown. Introduced in lab 8.
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Callable, Iterator

import pytest
import redis

HOST = "127.0.0.1"
LOG_TAIL = 20_000  # characters of each node's log shown under a failed test


def pytest_addoption(parser):
    parser.addoption(
        "--server",
        default=os.environ.get("LAB8_SERVER", "build/bin/lab8_replication"),
        help="the server to test: build/bin/lab8_replication, or /usr/bin/redis-server to compare",
    )


def free_port() -> int:
    """A port nobody listens on right now; the node binds it a moment later."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def server_specific_arguments(binary: str) -> list[str]:
    """Flags only real Redis needs. Redis 7 waits 5 s before a diskless full sync, so that
    replicas arriving together share one transfer; every sync in this suite would pay for it."""
    if os.path.basename(binary) == "redis-server":
        return ["--repl-diskless-sync-delay", "0"]
    return []


class Node:
    """One server process. The port, directory and arguments belong to the node, not to the
    process, so `restart` brings the server back on the same address with the same snapshot."""

    def __init__(self, binary: str, directory: Path, extra: list[str]) -> None:
        self.directory = directory
        self.port = free_port()
        self.arguments = [
            binary,
            *("--port", str(self.port), "--bind", HOST, "--dir", str(directory), "--save", ""),
            *server_specific_arguments(binary),
            *extra,
        ]
        self.log_path = directory / "node.log"
        self.process: subprocess.Popen | None = None
        self.clients: list[redis.Redis] = []
        self.exit_codes: list[int] = []  # of every stop, restarts included
        self.terminated = False  # SIGTERM sent to the current process

    def start(self, timeout: float = 10.0) -> None:
        """Starts the process and returns once it answers PING with +PONG."""
        # Appending keeps the log of every run of this node in one file.
        with open(self.log_path, "ab") as log:
            self.terminated = False
            self.process = subprocess.Popen(
                self.arguments, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while not self.answers_ping():
            if self.process.poll() is not None:
                raise RuntimeError(f"node {self.port} exited with {self.process.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"node {self.port} did not answer PING within {timeout} s")
            time.sleep(0.02)

    def answers_ping(self) -> bool:
        # A raw socket rather than redis-py: "listening" is only proven by a reply, and a
        # refused connection is the normal answer while the server is still starting.
        try:
            with socket.create_connection((HOST, self.port), timeout=1) as connection:
                connection.sendall(b"*1\r\n$4\r\nPING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM, then SIGKILL if the process has not exited within `timeout`."""
        if self.process is None or self.process.poll() is not None:
            return
        self.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.exit_codes.append(self.process.returncode)
        self.drop_connections()

    def terminate(self) -> None:
        """SIGTERM, once per run of the process: a second one could arrive after the server
        has put the default handler back on its way out, and kill it mid-exit."""
        if self.process is None or self.terminated:
            return
        self.terminated = True
        self.process.send_signal(signal.SIGCONT)  # a stopped process would never see SIGTERM
        self.process.terminate()

    def restart(self) -> None:
        self.stop()
        self.start()

    def pause(self) -> None:
        """SIGSTOP: the process keeps its sockets open but reads and answers nothing."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    def client(self) -> redis.Redis:
        """A redis-py client that decodes replies to str."""
        client = redis.Redis(host=HOST, port=self.port, decode_responses=True, socket_timeout=20)
        self.clients.append(client)
        return client

    def drop_connections(self) -> None:
        # Pooled connections to a stopped process are dead; the next command opens a new one.
        for client in self.clients:
            client.connection_pool.disconnect()

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-LOG_TAIL:]
        except OSError as error:
            return f"(no log: {error})"


@pytest.fixture
def start_node(request, tmp_path) -> Iterator[Callable[..., Node]]:
    """A factory: `start_node("--repl-backlog-size", "16384")` starts one more node with those
    extra flags and returns it once it answers PING. Every node is stopped at teardown."""
    binary = os.path.abspath(request.config.getoption("server"))
    if not os.access(binary, os.X_OK):
        pytest.fail(f"no server binary at {binary} (pass --server PATH or set LAB8_SERVER)")
    nodes: list[Node] = []
    request.node.lab8_nodes = nodes  # read by pytest_runtest_makereport below

    def start(*extra: str, program: str | None = None) -> Node:
        """`program` runs another server than --server's: the interop tests start
        redis-server beside ours."""
        directory = tmp_path / f"node{len(nodes)}"
        directory.mkdir()
        node = Node(program or binary, directory, list(extra))
        nodes.append(node)
        node.start()
        return node

    yield start
    # Signal every node before waiting for any: a master that is told to stop while a replica
    # still lags may wait for it (Redis does, for up to 10 s), and the replica is stopping too.
    for node in nodes:
        if node.process is not None and node.process.poll() is None:
            node.terminate()
    for node in nodes:
        node.stop()
        for client in node.clients:
            client.close()
    # Every stop was a clean one: exit status 0 after SIGTERM. A crash, a hang that needed
    # SIGKILL, or a sanitizer's report (its non-zero exit) fails the test. Checked for the
    # course's server only: redis-server once let a SIGTERM sent just after its AOF rewrite go
    # unanswered for 10 s in this suite, and it is not what this check is for.
    for node in nodes:
        if os.path.basename(node.arguments[0]) == "redis-server":
            continue
        assert all(
            code == 0 for code in node.exit_codes
        ), f"node on port {node.port} exited with {node.exit_codes}:\n{node.log()}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Attaches the log of every node a failed test started to its report."""
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        for node in getattr(item, "lab8_nodes", ()):
            report.sections.append((f"log of the node on port {node.port}", node.log()))
