# Lab 6's lists and sets seen through a real client library: redis-py drives the list and set
# commands, blocking pops, type errors, a pipeline and thousands of random commands checked
# against a model. Introduced in lab 6; run by ctest (lab6.redis_py).
#
#   /usr/bin/python3 -m pytest -q tests/lab6_types/test_redis_py.py --server build/bin/lab6_types
#
# The same suite runs against real Redis, which is how its expectations were checked:
#   /usr/bin/python3 -m pytest -q tests/lab6_types/test_redis_py.py --server /usr/bin/redis-server
import importlib.util
import pathlib
import threading
import time
from random import Random

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


def test_sunionstore_and_srandmember_single(r):
    r.sadd("a", "1")
    r.sadd("b", "2")
    assert r.sunionstore("u", ["a", "b"]) == 2
    assert r.smembers("u") == {"1", "2"}
    assert r.srandmember("u") in {"1", "2"}
    assert r.spop("u") in {"1", "2"} and r.scard("u") == 1


def test_blocking_pops_served_at_once_and_after_a_push(r):
    r.rpush("q", "ready")
    assert r.blpop(["empty", "q"], timeout=1) == ("q", "ready")
    assert r.brpop(["q"], timeout=0.1) is None  # times out: the list is gone
    other = redis.Redis(port=r.connection_pool.connection_kwargs["port"], decode_responses=True)
    result = {}

    def waiter():
        result["pop"] = other.blpop(["jobs"], timeout=5)

    thread = threading.Thread(target=waiter)
    thread.start()
    # Push only once the waiter is inside BLPOP, as CLIENT LIST shows.
    for _ in range(500):
        if any(client.get("cmd") == "blpop" for client in r.client_list()):
            break
        time.sleep(0.01)
    r.rpush("jobs", "j1")
    thread.join(timeout=10)
    other.close()
    assert result["pop"] == ("jobs", "j1")
    r.rpush("src", "x")
    assert r.blmove("src", "dst", 1, "LEFT", "RIGHT") == "x"
    assert r.lrange("dst", 0, -1) == ["x"]


def test_random_operations_match_a_model(r):
    """Thousands of random commands over TCP, each reply checked against a model in Python."""
    random = Random(2026)
    model = {}
    wrong = "WRONGTYPE"

    def expect_error(call):
        with pytest.raises(redis.ResponseError, match="^" + wrong):
            call()

    for _ in range(3000):
        key = f"k{random.randrange(5)}"
        element = f"e{random.randrange(4)}"
        value = model.get(key)
        operation = random.randrange(8)
        if operation == 0:
            assert r.set(key, element) is True
            model[key] = element
        elif operation == 1:
            if isinstance(value, (list, set)):
                expect_error(lambda: r.get(key))
            else:
                assert r.get(key) == value
        elif operation == 2:
            if value is not None and not isinstance(value, list):
                expect_error(lambda: r.rpush(key, element))
            else:
                model.setdefault(key, []).append(element)
                assert r.rpush(key, element) == len(model[key])
        elif operation == 3:
            if value is not None and not isinstance(value, list):
                expect_error(lambda: r.lpop(key))
            else:
                expected = value.pop(0) if value else None
                if value is not None and not value:
                    del model[key]
                assert r.lpop(key) == expected
        elif operation == 4:
            if value is not None and not isinstance(value, set):
                expect_error(lambda: r.sadd(key, element))
            else:
                members = model.setdefault(key, set())
                assert r.sadd(key, element) == (0 if element in members else 1)
                members.add(element)
        elif operation == 5:
            if value is not None and not isinstance(value, set):
                expect_error(lambda: r.srem(key, element))
            else:
                removed = 1 if value and element in value else 0
                if removed:
                    value.discard(element)
                    if not value:
                        del model[key]
                assert r.srem(key, element) == removed
        elif operation == 6:
            names = {str: "string", list: "list", set: "set"}
            assert r.type(key) == (names[type(value)] if value is not None else "none")
        else:
            assert r.delete(key) == (1 if key in model else 0)
            model.pop(key, None)
    assert r.dbsize() == len(model)
