# Exercise 5.5 (docs/lab5_server.md): COPY source destination [DB destination-db] [REPLACE],
# Redis 6.2's copy of a key, with its time to live, on a server that has one database. Passes
# against real Redis too, started with `--databases 1`:
#
#   /usr/bin/python3 -m pytest -q tests/exercises/lab5/test_copy.py --server build/bin/lab5_server
#   /usr/bin/python3 -m pytest -q tests/exercises/lab5/test_copy.py --server /usr/bin/redis-server
import sys
import time
from pathlib import Path

import pytest
import redis

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from aof_server import r, server, start_server, stop_server, aof_text  # noqa: E402,F401 (fixtures)

# One database, as the course's server: DB 1 is then out of range on redis-server too.
REDIS_ARGUMENTS = ("--databases", "1")


def test_copies_the_value_and_leaves_the_source(r):
    r.set("src", "hello")
    assert r.execute_command("COPY", "src", "dst") == 1
    assert r.get("dst") == "hello"
    assert r.get("src") == "hello"
    r.append("dst", " world")
    assert r.get("src") == "hello", "the copy is a value of its own"
    assert r.execute_command("copy", "src", "other") == 1  # the name in any case


def test_copies_the_time_to_live(r):
    r.set("src", "v", ex=100)
    r.set("plain", "v")
    assert r.execute_command("COPY", "src", "dst") == 1
    assert 90 <= r.ttl("dst") <= 100
    assert r.pttl("dst") <= r.pttl("src") + 1, "the same deadline, not a fresh one"
    assert r.execute_command("COPY", "plain", "dst2") == 1
    assert r.ttl("dst2") == -1


def test_an_existing_destination_needs_replace(r):
    r.set("src", "new", ex=100)
    r.set("dst", "old")
    assert r.execute_command("COPY", "src", "dst") == 0
    assert r.get("dst") == "old"
    assert r.ttl("dst") == -1
    assert r.execute_command("COPY", "src", "dst", "REPLACE") == 1
    assert r.get("dst") == "new"
    assert 90 <= r.ttl("dst") <= 100
    # REPLACE drops the old deadline too, when the source has none.
    r.set("src2", "persistent")
    assert r.execute_command("COPY", "src2", "dst", "replace") == 1
    assert r.get("dst") == "persistent"
    assert r.ttl("dst") == -1


def test_a_missing_source_copies_nothing(r):
    assert r.execute_command("COPY", "none", "dst") == 0
    assert r.execute_command("COPY", "none", "dst", "REPLACE") == 0
    assert r.exists("dst") == 0
    r.set("dst", "kept")
    assert r.execute_command("COPY", "none", "dst", "REPLACE") == 0
    assert r.get("dst") == "kept", "REPLACE does not delete when there is nothing to copy"


def test_an_expired_source_is_missing(r):
    r.set("src", "v", px=50)
    time.sleep(0.2)
    assert r.execute_command("COPY", "src", "dst") == 0
    assert r.exists("dst") == 0


def test_database_zero_is_accepted(r):
    r.set("src", "v")
    assert r.execute_command("COPY", "src", "dst", "DB", 0) == 1
    assert r.execute_command("COPY", "src", "dst", "db", "0", "REPLACE") == 1
    assert r.execute_command("COPY", "src", "dst2", "REPLACE", "DB", 0) == 1
    assert r.get("dst2") == "v"


@pytest.mark.parametrize(
    "options, error",
    [
        (("DB", 1), "DB index is out of range"),  # one database: only 0 exists
        (("DB", 15), "DB index is out of range"),
        (("DB", -1), "DB index is out of range"),
        (("DB", "x"), "value is not an integer or out of range"),
        (
            ("DB", 99999999999),
            "value is out of range, value must between -2147483648 and 2147483647",
        ),
        (("DB",), "syntax error"),  # DB without its index
        (("REPLACE", "DB"), "syntax error"),
        (("FORCE",), "syntax error"),
        (("DB", 0, "NX"), "syntax error"),
        (("DB", 1, "NX"), "DB index is out of range"),  # options are read left to right
    ],
)
def test_option_errors_are_redis_s(r, options, error):
    r.set("src", "v")
    with pytest.raises(redis.ResponseError) as raised:
        r.execute_command("COPY", "src", "dst", *options)
    assert str(raised.value) == error
    assert r.exists("dst") == 0


def test_the_same_key_twice_is_an_error(r):
    r.set("k", "v")
    for arguments in (("k", "k"), ("k", "k", "REPLACE"), ("k", "k", "DB", 0), ("none", "none")):
        with pytest.raises(redis.ResponseError) as raised:
            r.execute_command("COPY", *arguments)
        assert str(raised.value) == "source and destination objects are the same"
    assert r.get("k") == "v"


@pytest.mark.parametrize("arguments", [(), ("src",)])
def test_too_few_arguments(r, arguments):
    with pytest.raises(redis.ResponseError) as raised:
        r.execute_command("COPY", *arguments)
    assert str(raised.value) == "wrong number of arguments for 'copy' command"


def test_only_a_copy_that_happened_is_logged(r, tmp_path):
    r.set("src", "v")
    r.set("dst", "old")
    assert r.execute_command("COPY", "src", "dst") == 0
    assert r.execute_command("COPY", "none", "x") == 0
    assert "COPY" not in aof_text(tmp_path).upper(), "a COPY that changed nothing is not a write"
    assert r.execute_command("COPY", "src", "dst", "REPLACE") == 1
    assert "COPY" in aof_text(tmp_path).upper()


def test_survives_a_restart_with_the_append_only_file(request, tmp_path):
    binary = request.config.getoption("server")
    process, port = start_server(binary, tmp_path)
    try:
        with redis.Redis(port=port, decode_responses=True) as client:
            client.set("src", "v1", ex=1000)
            client.set("dst", "old")
            client.set("plain", "p")
            assert client.execute_command("COPY", "src", "dst", "REPLACE") == 1
            assert client.execute_command("COPY", "plain", "dst2", "DB", 0) == 1
            client.delete("src")
    finally:
        stop_server(process)
    process, port = start_server(binary, tmp_path)
    try:
        with redis.Redis(port=port, decode_responses=True) as client:
            assert client.get("dst") == "v1"
            assert 900 <= client.ttl("dst") <= 1000, "the copied deadline is replayed"
            assert client.get("dst2") == "p"
            assert client.ttl("dst2") == -1
            assert client.exists("src") == 0
    finally:
        stop_server(process)
