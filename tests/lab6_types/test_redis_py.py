# Lab 6's lists and sets seen through a real client library: redis-py drives the list and set
# commands, type errors and a pipeline. Introduced in lab 6; run by ctest (lab6.redis_py).
#
#   /usr/bin/python3 -m pytest -q tests/lab6_types/test_redis_py.py --server build/bin/lab6_types
#
# The same suite runs against real Redis, which is how its expectations were checked:
#   /usr/bin/python3 -m pytest -q tests/lab6_types/test_redis_py.py --server /usr/bin/redis-server
import importlib.util
import pathlib

import pytest
import redis

# Lab 5's suite knows how to start either server on a free port; reuse it rather than copy it.
_lab5 = pathlib.Path(__file__).resolve().parent.parent / "lab5_server" / "test_redis_py.py"
_spec = importlib.util.spec_from_file_location("lab5_redis_py", _lab5)
lab5 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lab5)


@pytest.fixture
def r(request, tmp_path):
    process, port = lab5.start_server(request.config.getoption("server"), tmp_path)
    client = redis.Redis(port=port, decode_responses=True)
    yield client
    client.close()
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=10)


def test_list_push_pop_range(r):
    assert r.rpush("q", "a", "b", "c") == 3
    assert r.lpush("q", "z") == 4
    assert r.lrange("q", 0, -1) == ["z", "a", "b", "c"]
    assert r.lpop("q") == "z"
    assert r.rpop("q", 2) == ["c", "b"]
    assert r.llen("q") == 1
    assert r.lpushx("missing", "x") == 0
    assert r.rpushx("q", "d") == 2
    assert r.lpop("missing") is None


def test_list_index_set_insert_rem_trim_pos(r):
    r.rpush("l", "a", "b", "a", "c", "a")
    assert r.lindex("l", -1) == "a"
    assert r.lset("l", 1, "B") is True
    assert r.linsert("l", "BEFORE", "c", "x") == 6
    assert r.lrem("l", -2, "a") == 2
    assert r.lrange("l", 0, -1) == ["a", "B", "x", "c"]
    assert r.lpos("l", "c") == 3
    assert r.ltrim("l", 1, 2) is True
    assert r.lrange("l", 0, -1) == ["B", "x"]
    with pytest.raises(redis.ResponseError, match="index out of range"):
        r.lset("l", 10, "y")


def test_lmove_and_rpoplpush(r):
    r.rpush("src", "1", "2", "3")
    assert r.lmove("src", "dst", "LEFT", "RIGHT") == "1"
    assert r.rpoplpush("src", "dst") == "3"
    assert r.lrange("dst", 0, -1) == ["3", "1"]
    assert r.lmove("src", "src", "LEFT", "RIGHT") == "2"  # rotation of a one-element list


def test_empty_list_and_set_are_deleted(r):
    r.rpush("l", "only")
    r.lpop("l")
    r.sadd("s", "only")
    r.srem("s", "only")
    assert r.exists("l", "s") == 0


def test_set_basics(r):
    assert r.sadd("s", "a", "b", "a") == 2
    assert r.smembers("s") == {"a", "b"}
    assert r.sismember("s", "a") is True
    assert r.smismember("s", ["a", "x"]) == [True, False]
    assert r.scard("s") == 2
    assert r.srem("s", "a", "x") == 1
    assert r.smove("s", "t", "b") is True
    assert r.scard("s") == 0 and r.smembers("t") == {"b"}


def test_set_algebra_and_store(r):
    r.sadd("a", "1", "2", "3")
    r.sadd("b", "2", "3", "4")
    assert r.sinter("a", "b") == {"2", "3"}
    assert r.sunion("a", "b") == {"1", "2", "3", "4"}
    assert r.sdiff("a", "b") == {"1"}
    assert r.sinterstore("dest", ["a", "b"]) == 2
    assert r.smembers("dest") == {"2", "3"}
    assert r.sintercard(2, ["a", "b"], limit=1) == 1
    assert r.sdiffstore("dest", ["a", "a"]) == 0
    assert r.exists("dest") == 0


def test_spop_srandmember_sscan(r):
    members = {str(i) for i in range(50)}
    r.sadd("s", *members)
    assert set(r.srandmember("s", 10)) <= members and len(r.srandmember("s", 10)) == 10
    assert len(r.srandmember("s", -80)) == 80
    popped = r.spop("s", 5)
    assert len(popped) == 5 and r.scard("s") == 45
    seen = set(r.sscan_iter("s", count=7))
    assert seen == members - set(popped)


def test_type_checks(r):
    r.set("str", "v")
    r.rpush("list", "x")
    r.sadd("set", "m")
    assert (r.type("str"), r.type("list"), r.type("set")) == ("string", "list", "set")
    for call in (lambda: r.lpush("str", "x"), lambda: r.sadd("list", "x"),
                 lambda: r.get("set"), lambda: r.incr("list"), lambda: r.smembers("list")):
        with pytest.raises(redis.ResponseError, match="^WRONGTYPE"):
            call()
    assert r.mget("str", "list", "set") == ["v", None, None]


def test_pipeline_of_list_and_set_commands(r):
    pipe = r.pipeline(transaction=False)
    for i in range(100):
        pipe.rpush("jobs", f"job{i}")
        pipe.sadd("seen", i % 10)
    replies = pipe.execute()
    assert replies[-2] == 100 and r.scard("seen") == 10
    assert r.lrange("jobs", -2, -1) == ["job98", "job99"]
