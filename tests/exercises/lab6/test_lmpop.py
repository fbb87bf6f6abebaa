# Exercise 6.1 (docs/lab6_types.md): LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count], Redis
# 7.0's pop from the first non-empty list of several. Passes against real Redis too:
#
#   /usr/bin/python3 -m pytest -q tests/exercises/lab6/test_lmpop.py --server build/bin/lab6_types
#   /usr/bin/python3 -m pytest -q tests/exercises/lab6/test_lmpop.py --server /usr/bin/redis-server
import sys
from pathlib import Path

import pytest
import redis

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from aof_server import r, server, aof_text  # noqa: E402,F401 (fixtures)


def test_pops_from_the_first_non_empty_list(r):
    r.rpush("b", "b1", "b2", "b3")
    r.rpush("c", "c1")
    assert r.execute_command("LMPOP", 3, "a", "b", "c", "LEFT") == ["b", ["b1"]]
    assert r.execute_command("LMPOP", 3, "a", "b", "c", "RIGHT", "COUNT", 5) == ["b", ["b3", "b2"]]
    assert r.exists("b") == 0, "the emptied list is deleted"
    assert r.execute_command("lmpop", 2, "b", "c", "left", "count", "1") == ["c", ["c1"]]


def test_nothing_to_pop_is_a_null_reply(r):
    assert r.execute_command("LMPOP", 2, "a", "b", "LEFT") is None
    assert r.execute_command("LMPOP", 1, "a", "RIGHT", "COUNT", 3) is None


def test_a_key_of_another_type_is_wrongtype_when_it_is_reached(r):
    r.set("s", "text")
    r.rpush("l", "x")
    with pytest.raises(redis.ResponseError, match="^WRONGTYPE"):
        r.execute_command("LMPOP", 2, "s", "l", "LEFT")
    assert r.lrange("l", 0, -1) == ["x"], "nothing was popped"
    # A non-empty list before it ends the command first.
    assert r.execute_command("LMPOP", 2, "l", "s", "LEFT") == ["l", ["x"]]


@pytest.mark.parametrize(
    "arguments, error",
    [
        ((0, "a", "LEFT"), "numkeys should be greater than 0"),
        ((-1, "a", "LEFT"), "numkeys should be greater than 0"),
        (("x", "a", "LEFT"), "numkeys should be greater than 0"),
        ((3, "a", "LEFT"), "syntax error"),  # the keys run into LEFT: no direction left
        ((1, "a", "UP"), "syntax error"),
        ((1, "a", "LEFT", "COUNT"), "syntax error"),
        ((1, "a", "LEFT", "COUNT", 1, "COUNT", 1), "syntax error"),
        ((1, "a", "LEFT", "LIMIT", 1), "syntax error"),
        ((1, "a", "LEFT", "COUNT", 0), "count should be greater than 0"),
        ((1, "a", "LEFT", "COUNT", "x"), "count should be greater than 0"),
    ],
)
def test_errors_are_redis_s(r, arguments, error):
    r.rpush("a", "x")
    with pytest.raises(redis.ResponseError) as raised:
        r.execute_command("LMPOP", *arguments)
    assert str(raised.value) == error
    assert r.llen("a") == 1


def test_too_few_arguments(r):
    with pytest.raises(redis.ResponseError, match="wrong number of arguments for 'lmpop'"):
        r.execute_command("LMPOP", 1, "a")


def test_propagated_as_a_pop_with_a_count(r, tmp_path):
    r.rpush("q", "1", "2", "3")
    r.execute_command("LMPOP", 2, "none", "q", "RIGHT", "COUNT", 2)
    # A replica or the append-only file replays what happened, not the search over keys.
    assert "*3\r\n$4\r\nRPOP\r\n$1\r\nq\r\n$1\r\n2\r\n" in aof_text(tmp_path)
    assert "LMPOP" not in aof_text(tmp_path).upper()
