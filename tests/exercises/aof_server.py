"""A server with its append-only file on, for the exercise tests of labs 5 and 6 (the course's
servers print the port they listen on; a real redis-server is given a free one), and the text of
what it appended."""

import os
import re
import socket
import subprocess
import threading
import time

import pytest
import redis


def start_server(binary, directory, redis_arguments=()):
    """Starts `binary` on a free port in `directory`, with the append-only file on (written
    before each reply, so a restart finds every write, and the test can read what was logged);
    returns (process, port). `redis_arguments` are added for a real redis-server only."""
    arguments = [binary, "--port", "0", "--dir", str(directory), "--save", ""]
    arguments += ["--appendonly", "yes", "--appendfsync", "always"]
    if os.path.basename(binary) == "redis-server":
        with socket.socket() as probe:  # real Redis does not print "listening on"
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        arguments[2] = str(port)
        arguments += ["--bind", "127.0.0.1", "--aof-use-rdb-preamble", "no", *redis_arguments]
        process = subprocess.Popen(arguments, stdout=subprocess.DEVNULL)
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                return process, port
            except OSError:
                time.sleep(0.025)
        process.kill()
        raise RuntimeError("redis-server did not start")
    process = subprocess.Popen(arguments, stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        found = re.search(r"listening on [^ ]+:(\d+)", line)
        if found:
            threading.Thread(target=process.stdout.read, daemon=True).start()
            return process, int(found.group(1))
    process.kill()
    raise RuntimeError(f"{binary} did not report 'listening on'")


def stop_server(process):
    process.terminate()
    process.wait(timeout=10)


def aof_text(directory):
    """Every append-only file the server wrote, concatenated (Redis 7 keeps a directory)."""
    files = sorted(directory.rglob("*.aof"))
    return b"".join(path.read_bytes() for path in files).decode()


@pytest.fixture
def server(request, tmp_path):
    """The server under test (`--server`); a test module's REDIS_ARGUMENTS go to redis-server."""
    redis_arguments = getattr(request.module, "REDIS_ARGUMENTS", ())
    process, port = start_server(request.config.getoption("server"), tmp_path, redis_arguments)
    yield port
    stop_server(process)


@pytest.fixture
def r(server):
    client = redis.Redis(port=server, decode_responses=True)
    yield client
    client.close()
