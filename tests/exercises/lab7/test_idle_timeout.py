# Exercise 7.3: close idle clients (Redis's `timeout`). A client that sent nothing for more than
# `--timeout` seconds is closed by the cron; a client that keeps talking, and a client parked in a
# blocking command, are not. Passes against redis-server 7 as it is:
#   /usr/bin/python3 -m pytest -q tests/exercises/lab7/test_idle_timeout.py --server /usr/bin/redis-server
from __future__ import annotations

import socket
import time

HOST = "127.0.0.1"


def connect(port: int) -> socket.socket:
    connection = socket.create_connection((HOST, port), timeout=10)
    return connection


def ask(connection: socket.socket, command: bytes) -> bytes:
    connection.sendall(command)
    return connection.recv(1024)


def closed_by_server(connection: socket.socket, wait: float) -> bool:
    """Whether the server closes the connection within `wait` seconds (end of stream)."""
    connection.settimeout(wait)
    try:
        return connection.recv(1024) == b""
    except socket.timeout:
        return False
    except ConnectionResetError:
        return True


def test_an_idle_client_is_closed_and_a_talking_one_is_not(start_node):
    node = start_node("--timeout", "1")
    assert node.client().config_get("timeout") == {"timeout": "1"}
    idle = connect(node.port)
    talking = connect(node.port)
    assert ask(idle, b"PING\r\n") == b"+PONG\r\n"
    started = time.monotonic()
    for _ in range(12):  # 3 seconds, a PING every quarter of a second
        assert ask(talking, b"PING\r\n") == b"+PONG\r\n"
        time.sleep(0.25)
    assert closed_by_server(idle, 5.0)
    assert time.monotonic() - started >= 1.0  # not before its second of silence
    assert ask(talking, b"PING\r\n") == b"+PONG\r\n"


def test_a_blocked_client_is_not_closed_for_being_idle(start_node):
    node = start_node("--timeout", "1")
    waiter = connect(node.port)
    waiter.sendall(b"BLPOP jobs 0\r\n")
    time.sleep(3)
    pusher = node.client()
    assert pusher.rpush("jobs", "job1") == 1
    waiter.settimeout(5)
    assert waiter.recv(1024) == b"*2\r\n$4\r\njobs\r\n$4\r\njob1\r\n"


def test_zero_keeps_idle_clients_and_config_set_changes_it(start_node):
    node = start_node()
    client = node.client()
    assert client.config_get("timeout") == {"timeout": "0"}
    idle = connect(node.port)
    assert ask(idle, b"PING\r\n") == b"+PONG\r\n"
    assert not closed_by_server(idle, 2.5)
    assert client.config_set("timeout", "1")
    assert closed_by_server(idle, 5.0)
