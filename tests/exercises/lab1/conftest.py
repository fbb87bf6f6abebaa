"""Lab 1's exercise tests start the real lab1_tcp, given as `--server build/bin/lab1_tcp`."""

import re
import socket
import subprocess
import time

import pytest


def pytest_addoption(parser):
    parser.addoption("--server", required=True, help="path to build/bin/lab1_tcp")


class Server:
    """A lab1_tcp on a free port (`--port 0`), stopped with SIGINT at the end of the test."""

    def __init__(self, program, *options):
        self.process = subprocess.Popen(
            [program, "--port", "0", *options],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        line = self.process.stdout.readline()
        found = re.search(r"listening on [^ ]*:(\d+)", line)
        if not found:
            self.process.kill()
            rest = self.process.communicate(timeout=10)[0]
            pytest.fail(f"lab1_tcp {' '.join(options)} did not start: {line}{rest}")
        self.port = int(found.group(1))

    def connect(self, timeout=5.0):
        client = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return client

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(2)  # SIGINT, the reader's Ctrl-C
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()


@pytest.fixture
def start_server(request):
    """start_server("--backlog", "1") starts lab1_tcp with those options on a free port."""
    program = request.config.getoption("--server")
    started = []

    def start(*options):
        server = Server(program, *options)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def read_reply(client, expected_length, deadline=5.0):
    """Reads until `expected_length` bytes arrived or the peer closed; returns what came."""
    data = b""
    end = time.monotonic() + deadline
    while len(data) < expected_length and time.monotonic() < end:
        client.settimeout(max(0.01, end - time.monotonic()))
        try:
            chunk = client.recv(4096)
        except socket.timeout:
            break
        if not chunk:
            break
        data += chunk
    return data
