# Lab 5's server seen through a real client library: redis-py drives every lab 5 command,
# pipelines, RESP3 and 50 concurrent clients. Introduced in lab 5; run by ctest (lab5.redis_py).
#
#   /usr/bin/python3 -m pytest -q tests/lab5_server/test_redis_py.py --server build/bin/lab5_server
#
# The same suite runs against real Redis, which is how its expectations were checked:
#   /usr/bin/python3 -m pytest -q tests/lab5_server/test_redis_py.py --server /usr/bin/redis-server
import os
import re
import socket
import subprocess
import threading
import time

import pytest
import redis


def start_server(binary, directory, extra=(), redis_extra=()):
    """Starts `binary` on a free port in `directory`; returns (process, port). `extra` arguments
    go to any server, `redis_extra` to a real redis-server only."""
    arguments = [binary, "--port", "0", "--dir", str(directory), "--save", "", *extra]
    if os.path.basename(binary) == "redis-server":
        # Real Redis does not print "listening on": give it a free port and wait for it.
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        arguments[2] = str(port)
        arguments += ["--bind", "127.0.0.1", "--dbfilename", "dump.rdb", *redis_extra]
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
            # Keep reading the log so the server never blocks on a full pipe.
            threading.Thread(target=process.stdout.read, daemon=True).start()
            return process, int(found.group(1))
    process.kill()
    raise RuntimeError(f"{binary} did not report 'listening on'")


@pytest.fixture
def server(request, tmp_path):
    process, port = start_server(request.config.getoption("server"), tmp_path)
    yield port
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def r(server):
    client = redis.Redis(port=server, decode_responses=True)
    yield client
    client.close()


def call(client, *arguments):
    """Sends a command and returns the reply as parsed, without redis-py's per-command
    conversion (which turns `PING hello` into False and `SELECT 0` into True)."""
    connection = client.connection_pool.get_connection(arguments[0])
    try:
        connection.send_command(*arguments)
        return connection.read_response()
    finally:
        client.connection_pool.release(connection)


# --- connection and strings -----------------------------------------------------------------


def test_ping_echo(r):
    assert r.ping() is True
    assert call(r, "PING", "hello") == "hello"
    assert r.echo("binary\x00safe") == "binary\x00safe"


def test_set_get_and_options(r):
    assert r.set("k", "v") is True
    assert r.get("k") == "v"
    assert r.get("missing") is None
    assert r.set("k", "new", nx=True) is None
    assert r.set("absent", "x", xx=True) is None
    assert r.set("k", "w", xx=True) is True
    assert r.set("k", "z", get=True) == "w"
    assert r.set("k", "v", ex=100) is True
    assert 99 <= r.ttl("k") <= 100
    assert r.set("k", "v", px=100000) is True
    assert 99000 < r.pttl("k") <= 100000
    assert r.set("k", "v2", keepttl=True) is True
    assert r.ttl("k") > 0
    at = int(time.time()) + 1000
    assert r.set("k", "v", exat=at) is True
    assert r.expiretime("k") == at
    assert r.set("k", "v", pxat=at * 1000) is True
    assert r.pexpiretime("k") == at * 1000
    with pytest.raises(redis.ResponseError, match="syntax error"):
        r.execute_command("SET", "k", "v", "NX", "XX")
    with pytest.raises(redis.ResponseError, match="invalid expire time in 'set' command"):
        r.execute_command("SET", "k", "v", "EX", "0")
    with pytest.raises(redis.ResponseError, match="not an integer or out of range"):
        r.execute_command("SET", "k", "v", "EX", "ten")


def test_getdel_getex(r):
    r.set("k", "v")
    assert r.getdel("k") == "v"
    assert r.getdel("k") is None
    r.set("k", "v")
    assert r.getex("k", ex=50) == "v"
    assert 49 <= r.ttl("k") <= 50
    assert r.getex("k", persist=True) == "v"
    assert r.ttl("k") == -1
    assert r.getex("missing", ex=5) is None


def test_setnx_setex_psetex(r):
    assert r.setnx("k", "a") is True
    assert r.setnx("k", "b") is False
    assert r.get("k") == "a"
    assert r.setex("e", 100, "v") is True
    assert 99 <= r.ttl("e") <= 100
    assert r.psetex("p", 100000, "v") is True
    assert 99000 < r.pttl("p") <= 100000
    with pytest.raises(redis.ResponseError, match="invalid expire time in 'setex' command"):
        r.setex("e", -1, "v")


def test_mget_mset_msetnx(r):
    assert r.mset({"a": "1", "b": "2"}) is True
    assert r.mget("a", "b", "nope") == ["1", "2", None]
    assert r.msetnx({"c": "3", "a": "x"}) is False
    assert r.get("c") is None
    assert r.msetnx({"c": "3", "d": "4"}) is True
    assert r.mget("c", "d") == ["3", "4"]
    with pytest.raises(redis.ResponseError, match="wrong number of arguments for 'mset'"):
        r.execute_command("MSET", "a", "1", "b")


def test_counters(r):
    assert r.incr("n") == 1
    assert r.incrby("n", 10) == 11
    assert r.decr("n") == 10
    assert r.decrby("n", 4) == 6
    assert r.incrbyfloat("f", 1.5) == 1.5
    assert r.incrbyfloat("f", "0.25") == 1.75
    r.set("s", "abc")
    with pytest.raises(redis.ResponseError, match="value is not an integer or out of range"):
        r.incr("s")
    with pytest.raises(redis.ResponseError, match="value is not a valid float"):
        r.incrbyfloat("s", 1)
    r.set("big", str(2**63 - 1))
    with pytest.raises(redis.ResponseError, match="increment or decrement would overflow"):
        r.incr("big")


def test_append_strlen_ranges(r):
    assert r.append("s", "Hello") == 5
    assert r.append("s", " World") == 11
    assert r.strlen("s") == 11
    assert r.strlen("missing") == 0
    assert r.getrange("s", 0, 4) == "Hello"
    assert r.getrange("s", -5, -1) == "World"
    assert r.getrange("s", 20, 30) == ""
    assert r.setrange("s", 6, "Redis") == 11
    assert r.get("s") == "Hello Redis"
    assert r.setrange("pad", 3, "x") == 4
    assert r.get("pad") == "\x00\x00\x00x"
    with pytest.raises(redis.ResponseError, match="offset is out of range"):
        r.setrange("s", -1, "x")


# --- keys -----------------------------------------------------------------------------------


def test_del_unlink_exists_type(r):
    r.mset({"a": "1", "b": "2", "c": "3"})
    assert r.exists("a", "b", "a", "zz") == 3
    assert r.delete("a", "zz") == 1
    assert r.unlink("b", "c") == 2
    assert r.exists("a", "b", "c") == 0
    r.set("s", "v")
    assert r.type("s") == "string"
    assert r.type("missing") == "none"


def test_keys_scan_randomkey_dbsize(r):
    assert r.randomkey() is None
    names = {f"user:{i}" for i in range(30)} | {"other"}
    r.mset({name: "x" for name in names})
    assert r.dbsize() == 31
    assert set(r.keys("user:*")) == names - {"other"}
    assert set(r.keys("user:1?")) == {f"user:1{i}" for i in range(10)}
    assert set(r.keys("*")) == names
    assert set(r.scan_iter(match="user:*", count=7)) == names - {"other"}
    assert set(r.scan_iter()) == names
    cursor, first = r.scan(0, count=5)
    assert isinstance(cursor, int) and len(first) >= 1
    assert r.randomkey() in names
    with pytest.raises(redis.ResponseError, match="invalid cursor"):
        r.execute_command("SCAN", "abc")


def test_rename_renamenx(r):
    r.set("a", "1")
    assert r.rename("a", "b") is True
    assert r.get("b") == "1" and r.get("a") is None
    with pytest.raises(redis.ResponseError, match="no such key"):
        r.rename("a", "c")
    r.set("c", "3")
    assert r.renamenx("b", "c") is False
    assert r.renamenx("b", "d") is True
    r.set("e", "5", ex=100)
    r.rename("e", "f")
    assert r.ttl("f") > 0


def test_flushall_flushdb(r):
    r.mset({"a": "1", "b": "2"})
    assert r.flushdb() is True
    assert r.dbsize() == 0
    r.set("a", "1")
    assert r.flushall() is True
    assert r.dbsize() == 0
    assert call(r, "FLUSHALL", "SYNC") == "OK"


def test_expire_family(r):
    r.set("k", "v")
    assert r.ttl("k") == -1
    assert r.pttl("k") == -1
    assert r.ttl("missing") == -2
    assert r.pttl("missing") == -2
    assert r.expiretime("k") == -1
    assert r.expiretime("missing") == -2
    assert r.expire("k", 100) is True
    assert 99 <= r.ttl("k") <= 100
    assert r.pexpire("k", 50000) is True
    assert 49000 < r.pttl("k") <= 50000
    at = int(time.time()) + 500
    assert r.expireat("k", at) is True
    assert r.expiretime("k") == at
    assert r.pexpireat("k", at * 1000 + 7) is True
    assert r.pexpiretime("k") == at * 1000 + 7
    assert r.persist("k") is True
    assert r.persist("k") is False
    assert r.expire("missing", 10) is False
    assert r.execute_command("EXPIRE", "k", "100", "NX") == 1
    assert r.execute_command("EXPIRE", "k", "200", "NX") == 0
    assert r.execute_command("EXPIRE", "k", "300", "GT") == 1
    assert r.execute_command("EXPIRE", "k", "10", "GT") == 0
    assert r.execute_command("EXPIRE", "k", "10", "LT") == 1
    assert r.expire("k", -1) is True  # a deadline in the past deletes the key
    assert r.exists("k") == 0


def test_keys_expire_lazily_and_actively(r):
    r.set("lazy", "v", px=50)
    r.set("active", "v", px=50)
    time.sleep(0.12)
    assert r.get("lazy") is None  # lazy: deleted when read
    # active: nobody reads "active"; the background cycle removes it and DBSIZE drops to 0
    deadline = time.monotonic() + 3
    while r.dbsize() != 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert r.dbsize() == 0


def test_select(r):
    assert call(r, "SELECT", "0") == "OK"
    with pytest.raises(redis.ResponseError, match="value is not an integer or out of range"):
        call(r, "SELECT", "x")


# --- server ---------------------------------------------------------------------------------


def test_save_lastsave_bgsave(r):
    r.set("k", "v")
    before = r.lastsave()
    assert r.save() is True
    assert r.lastsave() >= before
    assert r.info("persistence")["rdb_changes_since_last_save"] == 0
    assert r.bgsave() is True
    deadline = time.monotonic() + 5
    while r.info("persistence")["rdb_bgsave_in_progress"] and time.monotonic() < deadline:
        time.sleep(0.02)
    assert r.info("persistence")["rdb_last_bgsave_status"] == "ok"


def test_info(r):
    r.set("k", "v")
    info = r.info()
    assert info["redis_version"]
    assert info["connected_clients"] >= 1
    assert "rdb_last_save_time" in info
    assert info["aof_enabled"] == 0
    assert "db0" in r.info("keyspace")
    assert "redis_version" in r.info("server")


def test_config_get_set(r):
    assert r.config_get("maxclients") == {"maxclients": "10000"}
    assert r.config_get("appendonly") == {"appendonly": "no"}
    assert r.config_set("save", "100 10") is True
    assert r.config_get("save") == {"save": "100 10"}
    assert "dbfilename" in r.config_get("db*")
    with pytest.raises(redis.ResponseError, match="Unknown option or number of arguments"):
        r.config_set("no-such-option", "1")


def test_command(r):
    assert call(r, "COMMAND", "COUNT") >= 50
    info = call(r, "COMMAND", "INFO", "get")
    assert info[0][0] == "get" and info[0][1] == 2


def test_client(r):
    assert r.client_id() >= 1
    assert r.client_setname("tester") is True
    assert r.client_getname() == "tester"
    clients = r.client_list()
    assert any(client["name"] == "tester" for client in clients)
    assert len(clients) >= 1


def test_hello(server):
    client = redis.Redis(port=server)
    reply = client.execute_command("HELLO", "2")
    assert reply[0] == b"server" and reply[1] == b"redis"
    assert b"proto" in reply and reply[reply.index(b"proto") + 1] == 2
    with pytest.raises(redis.ResponseError, match="NOPROTO"):
        client.execute_command("HELLO", "4")


def test_resp3_over_a_raw_socket(server):
    # redis-py 4.3 speaks only RESP2 (protocol=3 arrived in 5.0), so RESP3 is checked by hand.
    with socket.create_connection(("127.0.0.1", server), timeout=5) as connection:
        connection.sendall(b"HELLO 3\r\n")
        reply = connection.recv(65536)
        assert reply.startswith(b"%")
        connection.sendall(b"GET missing\r\n")
        assert connection.recv(100) == b"_\r\n"


def test_quit(server):
    with socket.create_connection(("127.0.0.1", server), timeout=5) as connection:
        connection.sendall(b"QUIT\r\n")
        assert connection.recv(100) == b"+OK\r\n"
        assert connection.recv(100) == b""


def test_errors_keep_the_connection(r):
    with pytest.raises(redis.ResponseError, match="unknown command 'NOPE'"):
        r.execute_command("NOPE", "a")
    with pytest.raises(redis.ResponseError, match="wrong number of arguments for 'get' command"):
        r.execute_command("GET")
    assert r.ping() is True


def test_pipeline(r):
    pipe = r.pipeline(transaction=False)
    for i in range(100):
        pipe.set(f"k{i}", i)
    pipe.get("k42")
    pipe.incr("k42")
    pipe.dbsize()
    results = pipe.execute()
    assert results[:100] == [True] * 100
    assert results[100:] == ["42", 43, 100]


def test_fifty_clients_increment_one_counter(server):
    def work():
        client = redis.Redis(port=server)
        for _ in range(200):
            client.incr("counter")
        client.close()

    threads = [threading.Thread(target=work) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert int(redis.Redis(port=server).get("counter")) == 50 * 200


def test_shutdown_saves_and_restart_loads(request, tmp_path):
    binary = request.config.getoption("server")
    process, port = start_server(binary, tmp_path)
    client = redis.Redis(port=port)
    client.set("kept", "yes")
    client.shutdown(save=True)  # redis-py expects the connection to drop, and returns
    assert process.wait(timeout=10) == 0
    process, port = start_server(binary, tmp_path)
    try:
        assert redis.Redis(port=port).get("kept") == b"yes"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_shutdown_nosave(request, tmp_path):
    binary = request.config.getoption("server")
    process, port = start_server(binary, tmp_path, ["--appendonly", "no"])
    client = redis.Redis(port=port)
    client.config_set("save", "3600 1")
    client.set("lost", "yes")
    client.shutdown(nosave=True)
    assert process.wait(timeout=10) == 0
    process, port = start_server(binary, tmp_path)
    try:
        assert redis.Redis(port=port).get("lost") is None
    finally:
        process.terminate()
        process.wait(timeout=10)
