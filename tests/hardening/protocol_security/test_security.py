# Redis 7's security defaults, black-box against the real servers of labs 5-8: the loopback
# bind, requirepass and AUTH, the small requests allowed before AUTH, protected mode, CONFIG SET
# of protected options, and HTTP requests sent to the port. Replies are Redis 7.0.15's, byte for
# byte (run with `--server /usr/bin/redis-server` to check). docs/reliability.md, "Security".
from __future__ import annotations

import os
import re
import socket
import subprocess
import time

import pytest
from conftest import Server, encode

NOAUTH = b"-NOAUTH Authentication required.\r\n"
WRONGPASS = b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"
DENIED = (
    b"-DENIED Redis is running in protected mode because protected mode is enabled and no "
    b"password is set for the default user. In this mode connections are only accepted from the "
    b"loopback interface. If you want to connect from external computers to Redis you may adopt "
    b"one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG "
    b"SET protected-mode no' from the loopback interface by connecting to Redis from the same "
    b"host the server is running, however MAKE SURE Redis is not publicly accessible from "
    b"internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively "
    b"you can just disable the protected mode by editing the Redis configuration file, and "
    b"setting the protected mode option to 'no', and then restarting the server. 3) If you "
    b"started the server manually just for testing, restart it with the '--protected-mode no' "
    b"option. 4) Setup a an authentication password for the default user. NOTE: You only need "
    b"to do one of the above things in order for the server to start accepting connections from "
    b"the outside.\r\n"
)
SECURITY_WARNING = (
    "Possible SECURITY ATTACK detected. It looks like somebody is sending POST or Host: commands "
    "to Redis. This is likely due to an attacker attempting to use Cross Protocol Scripting to "
    "compromise your Redis instance. Connection aborted."
)
PASSWORD = "s3cret"


def non_loopback_address() -> str | None:
    """An IPv4 address of this machine that is not on loopback, if it has one."""
    try:
        lines = subprocess.run(
            ["ip", "-o", "-4", "addr", "show", "scope", "global"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    found = re.search(r"inet (\d+\.\d+\.\d+\.\d+)/", lines)
    return found.group(1) if found else None


def listening_addresses(port: int) -> set[str]:
    """The local IPv4 addresses with a socket listening on `port` (/proc/net/tcp, state 0A)."""
    addresses = set()
    with open("/proc/net/tcp") as table:
        for line in table.readlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.split(":")
            if state == "0A" and int(port_hex, 16) == port:
                addresses.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    return addresses


# --- bind ------------------------------------------------------------------------------------


def test_binds_loopback_by_default(server_binary, tmp_path):
    if os.path.basename(server_binary) == "redis-server":
        pytest.skip("redis-server binds every interface by default (`* -::*`); we do not")
    bare = Server(server_binary, tmp_path, [], None)
    # The fixture's servers get --bind 127.0.0.1; this one is started without it.
    bare.arguments.remove("--bind")
    bare.arguments.remove("127.0.0.1")
    try:
        bare.start()
        assert bare.command("CONFIG", "GET", "bind") == (b"*2\r\n$4\r\nbind\r\n$9\r\n127.0.0.1\r\n")
        assert listening_addresses(bare.port) == {"127.0.0.1"}
        address = non_loopback_address()
        if address is not None:
            with pytest.raises(ConnectionRefusedError):
                socket.create_connection((address, bare.port), timeout=2)
    finally:
        bare.shutdown()
    assert bare.exit_code == 0, bare.log()


# --- requirepass and AUTH --------------------------------------------------------------------


def test_requirepass_and_auth(start_server):
    server = start_server(password=PASSWORD)
    with server.connect() as client:
        # Redis's order: an unknown command and a wrong arity are answered before NOAUTH.
        assert client.call("NOSUCH") == (
            b"-ERR unknown command 'NOSUCH', with args beginning with: \r\n"
        )
        assert client.call("GET") == b"-ERR wrong number of arguments for 'get' command\r\n"
        assert client.call("GET", "k") == NOAUTH
        assert client.call("SET", "k", "v") == NOAUTH
        assert client.call("AUTH", "wrong") == WRONGPASS
        assert client.call("AUTH", "default", "wrong") == WRONGPASS
        assert client.call("AUTH", "someone", PASSWORD) == WRONGPASS
        assert client.call("AUTH", "a", "b", "c") == b"-ERR syntax error\r\n"
        assert client.call("HELLO", "3", "AUTH", "default", "wrong") == WRONGPASS
        assert client.call("PING") == NOAUTH
        assert client.call("AUTH", PASSWORD) == b"+OK\r\n"
        assert client.call("SET", "k", "v") == b"+OK\r\n"
        # A failed AUTH afterwards does not undo the first.
        assert client.call("AUTH", "wrong") == WRONGPASS
        assert client.call("GET", "k") == b"$1\r\nv\r\n"
    with server.connect() as client:
        assert client.call("AUTH", "default", PASSWORD) == b"+OK\r\n"
        assert client.call("GET", "k") == b"$1\r\nv\r\n"
    with server.connect() as client:
        assert client.call("QUIT") == b"+OK\r\n"  # QUIT needs no password
        assert client.read_to_eof() == b""


def test_auth_without_a_password_configured(server):
    assert server.command("AUTH", "x") == (
        b"-ERR AUTH <password> called without any password configured for the default user. "
        b"Are you sure your configuration is correct?\r\n"
    )
    assert server.command("AUTH", "default", "anything") == b"+OK\r\n"


# --- Small requests only before AUTH -----------------------------------------------------------

UNAUTH_MULTIBULK = b"-ERR Protocol error: unauthenticated multibulk length\r\n"
UNAUTH_BULK = b"-ERR Protocol error: unauthenticated bulk length\r\n"

BEFORE_AUTH = {
    "eleven_elements": (b"*11\r\n", UNAUTH_MULTIBULK),
    "a_16385_byte_bulk": (b"*2\r\n$4\r\nECHO\r\n$16385\r\n", UNAUTH_BULK),
    # What is invalid for anyone is reported as such first, as Redis does.
    "an_invalid_count": (b"*3000000000\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
    "a_600_mib_bulk": (b"*1\r\n$629145600\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
}


@pytest.mark.parametrize("case", BEFORE_AUTH.keys())
def test_big_requests_before_auth_are_refused(start_server, case):
    request, reply = BEFORE_AUTH[case]
    server = start_server(password=PASSWORD)
    with server.connect() as client:
        client.send(request)
        assert client.read_to_eof() == reply
    assert server.command("PING") == b"+PONG\r\n"


def test_small_requests_before_auth_are_answered(start_server):
    server = start_server(password=PASSWORD)
    with server.connect() as client:
        # Ten elements and 16 KiB are still allowed: they get NOAUTH, on an open connection.
        assert client.call("DEL", *[f"k{i}" for i in range(9)]) == NOAUTH
        assert client.call("ECHO", "x" * 16384) == NOAUTH
        # An inline request has no such limit below its 64 KiB.
        client.send(b"DEL " + b" ".join(b"k%d" % i for i in range(20)) + b"\r\n")
        assert client.read_reply() == NOAUTH
        # AUTH then a big command in the same packet: the limits end with AUTH.
        client.send(encode("AUTH", PASSWORD) + encode("SET", "big", "x" * 20000))
        assert client.read_reply() == b"+OK\r\n"
        assert client.read_reply() == b"+OK\r\n"
        assert client.call("MSET", *[f"k{i}" for i in range(20)]) == b"+OK\r\n"
        assert client.call("STRLEN", "big") == b":20000\r\n"


def test_no_limit_before_auth_without_a_password(server):
    with server.connect() as client:
        assert client.call("MSET", *[f"k{i}" for i in range(20)]) == b"+OK\r\n"
        assert client.call("ECHO", "x" * 20000) == b"$20000\r\n" + b"x" * 20000 + b"\r\n"


# --- Protected mode --------------------------------------------------------------------------
# Redis 7.0 counts only 127.0.0.1 and ::1 as loopback, so a client bound to 127.0.0.2 is a
# "remote" one that needs no network at all. A real non-loopback address is tried below too.

REMOTE = "127.0.0.2"


def test_protected_mode_denies_a_remote_client(server):
    with server.connect(source=REMOTE) as client:
        assert client.read_to_eof() == DENIED
    info = server.command("INFO", "stats")
    assert b"rejected_connections:1\r\n" in info
    with server.connect() as client:  # loopback: served
        assert client.call("PING") == b"+PONG\r\n"


def test_protected_mode_denies_a_real_non_loopback_address(start_server):
    address = non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback IPv4 address (127.0.0.2 is tested above)")
    # Every interface, as an operator who wants remote clients would bind: protected mode is
    # what still keeps them out while no password is set.
    server = start_server("--bind", "0.0.0.0")
    with server.connect(source=address) as client:
        assert client.read_to_eof() == DENIED
    assert server.command("PING") == b"+PONG\r\n"


def test_protected_mode_lets_remote_clients_in_with_a_password(start_server):
    server = start_server(password=PASSWORD)
    with server.connect(source=REMOTE) as client:
        assert client.call("PING") == NOAUTH
        assert client.call("AUTH", PASSWORD) == b"+OK\r\n"
        assert client.call("PING") == b"+PONG\r\n"


def test_protected_mode_can_be_turned_off(start_server):
    server = start_server("--protected-mode", "no")
    assert server.command("CONFIG", "GET", "protected-mode") == (
        b"*2\r\n$14\r\nprotected-mode\r\n$2\r\nno\r\n"
    )
    with server.connect(source=REMOTE) as client:
        assert client.call("PING") == b"+PONG\r\n"


def test_protected_mode_is_set_at_run_time_from_loopback(server):
    assert server.command("CONFIG", "SET", "protected-mode", "maybe") == (
        b"-ERR CONFIG SET failed (possibly related to argument 'protected-mode') - argument "
        b"must be 'yes' or 'no'\r\n"
    )
    assert server.command("CONFIG", "SET", "protected-mode", "no") == b"+OK\r\n"
    with server.connect(source=REMOTE) as client:
        assert client.call("PING") == b"+PONG\r\n"
    assert server.command("CONFIG", "SET", "protected-mode", "yes") == b"+OK\r\n"
    with server.connect(source=REMOTE) as client:
        assert client.read_to_eof() == DENIED


# --- CONFIG SET of protected options ---------------------------------------------------------


def protected(name: str) -> bytes:
    return (
        b"-ERR CONFIG SET failed (possibly related to argument '%s') - can't set protected "
        b"config\r\n" % name.encode()
    )


def test_config_set_dir_and_dbfilename_are_refused(server):
    dir_before = server.command("CONFIG", "GET", "dir")
    assert server.command("CONFIG", "SET", "dir", "/tmp") == protected("dir")
    assert server.command("CONFIG", "SET", "DIR", "/tmp") == protected("DIR")
    assert server.command("CONFIG", "SET", "dbfilename", "x.rdb") == protected("dbfilename")
    # All or nothing: maxclients, which could change, does not change either.
    assert server.command("CONFIG", "SET", "maxclients", "50", "dir", "/tmp") == protected("dir")
    assert server.command("CONFIG", "GET", "dir") == dir_before
    assert server.command("CONFIG", "GET", "maxclients") == (
        b"*2\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n"
    )
    assert (
        server.command("CONFIG", "GET", "dbfilename") != b"*2\r\n$10\r\ndbfilename\r\n$5\r\nx.rdb"
    )


# --- HTTP sent to the port -------------------------------------------------------------------

HTTP_REQUESTS = {
    "post": b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 14\r\n\r\n*1\r\n$8\r\nFLUSHALL\r\n",
    "get_with_a_host_line": b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\nFLUSHALL\r\n",
    "host_alone": b"Host: localhost\r\nFLUSHALL\r\n",
    "post_as_an_array": b"*1\r\n$4\r\npost\r\n*1\r\n$8\r\nFLUSHALL\r\n",
    # The reply to the PING before it is dropped with the connection, as Redis drops it.
    "after_a_command": b"PING\r\nhost: x\r\nFLUSHALL\r\n",
}


@pytest.mark.parametrize("case", HTTP_REQUESTS.keys())
def test_http_requests_are_closed_without_a_reply(server, case):
    assert server.command("SET", "kept", "1") == b"+OK\r\n"
    with server.connect() as client:
        client.send(HTTP_REQUESTS[case])
        received = client.read_to_eof()
    # Nothing, not even the error for `GET / HTTP/1.1` (a GET with too many arguments) or the
    # PONG before `host: x`, which were not sent yet when the attack was seen.
    assert received == b""
    assert server.command("GET", "kept") == b"$1\r\n1\r\n"  # FLUSHALL never ran
    assert SECURITY_WARNING in server.log()


def test_the_security_warning_is_logged_once_a_minute(server):
    for _ in range(5):
        with server.connect() as client:
            client.send(b"POST / HTTP/1.1\r\n")
            assert client.read_to_eof() == b""
    time.sleep(0.2)  # the log line is flushed at once, but let the writer finish
    assert server.log().count(SECURITY_WARNING) == 1
    assert server.command("PING") == b"+PONG\r\n"
