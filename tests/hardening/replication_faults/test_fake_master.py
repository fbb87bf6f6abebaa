# Faults the test plays from the master's side, byte by byte, with a fake master on a raw socket:
# what the proxy of test_replication_faults.py produces by chance, made certain. Part of the
# hardening of issue #8; docs/reliability.md, "Faults: replication".
from __future__ import annotations

import secrets
import socket
import time

from conftest import load_lab8_module

lab8 = load_lab8_module("lab8_replication_tests", "test_replication.py")
HOST, TIMEOUT = lab8.HOST, lab8.TIMEOUT
RespStream, info, wait_until = lab8.RespStream, lab8.info, lab8.wait_until

SET_A = b"*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n"
SET_B = b"*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n"
# Not the shape of SET_B: a parser that kept its place inside SET_B misreads it.
SET_C = b"*3\r\n$3\r\nSET\r\n$5\r\nkey-c\r\n$7\r\nvalue-c\r\n"


def empty_snapshot(port: int) -> bytes:
    """The snapshot of an empty dataset, as the server under test sends it: the fake master
    sends it back, so the suite needs no RDB encoder of its own."""
    with socket.create_connection((HOST, port), timeout=TIMEOUT) as connection:
        stream = RespStream(connection)
        lab8.start_full_resync(connection, stream, listening_port=12345)
        return stream.snapshot()


def answer_handshake(connection: socket.socket) -> tuple[RespStream, list[bytes]]:
    """Plays a master's side of the handshake up to PSYNC, which it returns unanswered."""
    stream = RespStream(connection)
    assert [part.upper() for part in stream.command()] == [b"PING"]
    connection.sendall(b"+PONG\r\n")
    while (command := stream.command())[0].upper() == b"REPLCONF":
        connection.sendall(b"+OK\r\n")
    assert command[0].upper() == b"PSYNC" and len(command) == 3, command
    return stream, command


def test_link_cut_in_the_middle_of_a_command_then_a_new_master(start_node):
    """The master dies after sending half a command of the stream; the replica drops the half,
    reconnects, and the master, restarted with a new history, sends a new snapshot and then
    its own stream, whose first command is not the one that was cut.

    Before the fix the replica's RESP parser kept its place inside the half command across the
    reconnection and read the new stream as its remainder: a protocol error after every full
    resync, so the link never stayed up (or, had the new command the shape of the old, a
    command made of pieces of two). A master that continues the same history (+CONTINUE)
    sends the cut command again from its first byte, which hid the bug."""
    node = start_node()
    snapshot = empty_snapshot(node.port)
    client = node.client()
    old_replid, new_replid = secrets.token_hex(20).encode(), secrets.token_hex(20).encode()
    with socket.create_server((HOST, 0)) as listener:
        listener.settimeout(TIMEOUT)
        assert client.execute_command("REPLICAOF", HOST, listener.getsockname()[1]) == "OK"
        connection, _ = listener.accept()
        with connection:
            connection.settimeout(TIMEOUT)
            answer_handshake(connection)
            connection.sendall(
                b"+FULLRESYNC %s 0\r\n$%d\r\n%s" % (old_replid, len(snapshot), snapshot)
            )
            wait_until(lambda: info(client, "replication")["master_link_status"] == "up")
            connection.sendall(SET_A + SET_B[:20])  # `*3 $3 SET $1 b $1` and no more
            wait_until(lambda: client.get("a") == "1", what="SET a 1 to be applied")
            time.sleep(0.2)  # the half command arrives too (nothing shows it from outside)

        connection, _ = listener.accept()
        with connection:
            connection.settimeout(TIMEOUT)
            _, psync = answer_handshake(connection)
            # It asks to continue after the 27 bytes of SET a 1 and nothing of SET b.
            assert psync[1:] == [old_replid, str(len(SET_A) + 1).encode()]
            connection.sendall(
                b"+FULLRESYNC %s 100\r\n$%d\r\n%s" % (new_replid, len(snapshot), snapshot) + SET_C
            )
            wait_until(lambda: client.get("key-c") == "value-c", what="SET key-c, after it")
            assert client.get("a") is None and client.get("b") is None  # the new snapshot's
            fields = info(client, "replication")
            assert fields["master_link_status"] == "up"
            assert fields["master_replid"] == new_replid.decode()
            assert int(fields["slave_repl_offset"]) == 100 + len(SET_C)
        client.execute_command("REPLICAOF", "NO", "ONE")
