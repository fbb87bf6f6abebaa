"""Exercise 1.4: `lab1_tcp --threads` serves each client on a thread of its own, so a second
client is answered while the first is still connected. Without the flag, lab 1's server still
serves one client at a time (its own suite checks that)."""

import time

from conftest import read_reply


def test_a_second_client_is_answered_while_the_first_stays_connected(start_server):
    server = start_server("--threads")
    with server.connect() as first, server.connect(timeout=2) as second:
        first.sendall(b"PING\r\n")
        assert read_reply(first, 7) == b"+PONG\r\n"
        second.sendall(b"ECHO second\r\n")
        assert read_reply(second, 12, deadline=2) == b"$6\r\nsecond\r\n"
        first.sendall(b"ECHO first\r\n")
        assert read_reply(first, 11) == b"$5\r\nfirst\r\n"


def test_one_client_quitting_leaves_the_others_served(start_server):
    server = start_server("--threads")
    clients = [server.connect(timeout=2) for _ in range(3)]
    try:
        clients[0].sendall(b"QUIT\r\n")
        assert read_reply(clients[0], 5) == b"+OK\r\n"
        assert read_reply(clients[0], 1, deadline=2) == b"", "QUIT closes that connection"
        for client in clients[1:]:
            client.sendall(b"PING\r\n")
            assert read_reply(client, 7, deadline=2) == b"+PONG\r\n"
    finally:
        for client in clients:
            client.close()


def test_ctrl_c_stops_the_server_with_clients_connected(start_server):
    server = start_server("--threads")
    clients = [server.connect(timeout=2) for _ in range(2)]
    try:
        for client in clients:
            client.sendall(b"PING\r\n")
            assert read_reply(client, 7, deadline=2) == b"+PONG\r\n"
        time.sleep(0.1)
        server.process.send_signal(2)  # SIGINT
        deadline = time.monotonic() + 5
        while server.process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.process.poll() == 0, "lab1_tcp --threads did not stop within 5 s of Ctrl-C"
        assert "lab1_tcp: stopped" in server.process.stdout.read()
    finally:
        for client in clients:
            client.close()
