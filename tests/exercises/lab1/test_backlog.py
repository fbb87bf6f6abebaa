"""Exercise 1.2, fill the backlog: `lab1_tcp --backlog N` listens with a queue of N.

While the server talks to one client, later clients wait in the kernel's listen backlog. Linux
lets backlog + 1 connections wait there; the handshake of the next one does not complete (its
SYN is dropped and retried), so its connect() hangs.
"""

import select
import socket
import time

from conftest import read_reply


def connect_without_waiting(port):
    client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    client.setblocking(False)
    client.connect_ex(("127.0.0.1", port))
    return client


def established(clients, within):
    """The clients whose handshake completed within `within` seconds."""
    done = set()
    end = time.monotonic() + within
    while time.monotonic() < end and len(done) < len(clients):
        waiting = [c for c in clients if c not in done]
        _, writable, _ = select.select([], waiting, [], max(0.0, end - time.monotonic()))
        for client in writable:
            if client.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                done.add(client)
    return [c for c in clients if c in done]


def test_a_backlog_of_one_lets_two_clients_wait_and_no_more(start_server):
    server = start_server("--backlog", "1")
    served = server.connect()
    served.sendall(b"PING\r\n")
    assert read_reply(served, 7) == b"+PONG\r\n"  # the server is busy with this one now

    waiting = [connect_without_waiting(server.port) for _ in range(4)]
    try:
        connected = established(waiting, within=1.5)
        assert len(connected) == 2, (
            f"{len(connected)} of 4 clients completed the handshake with --backlog 1 while the "
            "server was busy; Linux queues backlog + 1"
        )
        # The queue drains in order once the first client leaves.
        served.sendall(b"QUIT\r\n")
        assert read_reply(served, 5) == b"+OK\r\n"
        first = connected[0]
        first.setblocking(True)
        first.sendall(b"PING\r\n")
        assert read_reply(first, 7) == b"+PONG\r\n"
    finally:
        for client in waiting:
            client.close()
        served.close()


def test_the_default_backlog_is_still_redis_tcp_backlog(start_server):
    server = start_server()  # no --backlog: 511, so ten waiting clients all connect
    served = server.connect()
    served.sendall(b"PING\r\n")
    assert read_reply(served, 7) == b"+PONG\r\n"
    waiting = [connect_without_waiting(server.port) for _ in range(10)]
    try:
        assert len(established(waiting, within=3.0)) == 10
    finally:
        for client in waiting:
            client.close()
        served.close()
