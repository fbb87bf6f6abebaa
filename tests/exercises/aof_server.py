"""A server with its append-only file on, for the exercise tests of labs 5 and 6 (the course's
servers print the port they listen on; a real redis-server is given a free one), and the text of
what it appended."""

import importlib.util
from pathlib import Path

import pytest
import redis

# Lab 5's redis-py suite knows how to start either server on a free port; reuse it.
_lab5_path = Path(__file__).resolve().parents[1] / "lab5_server" / "test_redis_py.py"
_spec = importlib.util.spec_from_file_location("lab5_redis_py", _lab5_path)
_lab5 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_lab5)


def start_server(binary, directory, redis_arguments=()):
    """Starts `binary` on a free port in `directory`, with the append-only file on (written
    before each reply, so a restart finds every write, and the test can read what was logged);
    returns (process, port). `redis_arguments` are added for a real redis-server only."""
    appendonly = ["--appendonly", "yes", "--appendfsync", "always"]
    redis_extra = ["--aof-use-rdb-preamble", "no", *redis_arguments]
    return _lab5.start_server(binary, directory, extra=appendonly, redis_extra=redis_extra)


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
