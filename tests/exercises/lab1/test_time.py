"""Exercise 1.3: TIME replies like Redis, an array of two bulk strings, the Unix time in seconds
and the microseconds within that second, each a decimal number without leading zeros."""

import re
import time

from conftest import read_reply

TIME_REPLY = re.compile(rb"\*2\r\n\$(\d+)\r\n(\d+)\r\n\$(\d+)\r\n(\d+)\r\n")


def read_time(client):
    client.sendall(b"TIME\r\n")
    data = b""
    for _ in range(50):
        data += read_reply(client, 1, deadline=0.1)
        if TIME_REPLY.fullmatch(data) or data.startswith(b"-"):
            break
    return data


def test_time_is_an_array_of_seconds_and_microseconds(start_server):
    server = start_server()
    with server.connect() as client:
        before = time.time()
        reply = read_time(client)
        after = time.time()
    match = TIME_REPLY.fullmatch(reply)
    assert match, f"TIME replied {reply!r}"
    seconds_length, seconds, micros_length, micros = match.groups()
    assert int(seconds_length) == len(seconds) and int(micros_length) == len(micros)
    assert not (len(micros) > 1 and micros.startswith(b"0")), "no leading zeros, as Redis"
    assert 0 <= int(micros) <= 999_999
    now = int(seconds) + int(micros) / 1e6
    assert before - 1 <= now <= after + 1


def test_time_is_case_insensitive_and_moves_forward(start_server):
    server = start_server()
    with server.connect() as client:
        first = TIME_REPLY.fullmatch(read_time(client))
        time.sleep(0.01)
        client.sendall(b"time\r\n")
        second = TIME_REPLY.fullmatch(read_reply(client, 1) + read_reply(client, 64, 0.3))
    assert first and second
    as_micros = [int(m.group(2)) * 1_000_000 + int(m.group(4)) for m in (first, second)]
    assert as_micros[1] > as_micros[0]


def test_time_takes_no_arguments(start_server):
    server = start_server()
    with server.connect() as client:
        client.sendall(b"TIME now\r\nPING\r\n")
        expected = b"-ERR wrong number of arguments for 'time' command\r\n+PONG\r\n"
        assert read_reply(client, len(expected)) == expected
