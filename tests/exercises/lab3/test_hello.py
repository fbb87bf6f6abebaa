"""Exercise 3.3: HELLO [2|3] switches the session's protocol, and replies (in the new protocol)
with Redis's seven fields. After HELLO 3 a missing key is RESP3's null, `_\\r\\n`."""


def command(*words):
    out = b"*%d\r\n" % len(words)
    for word in words:
        out += b"$%d\r\n%s\r\n" % (len(word), word)
    return out


HELLO_FIELDS = [b"server", b"version", b"proto", b"id", b"mode", b"role", b"modules"]


def test_hello_3_answers_a_map_and_switches_to_resp3(lab3_resp):
    status, out, _ = lab3_resp(command(b"HELLO", b"3") + command(b"GET", b"nope"))
    assert status == 0
    assert out.startswith(b"%7\r\n"), out
    for field in HELLO_FIELDS:
        assert b"$%d\r\n%s\r\n" % (len(field), field) in out
    assert b"$5\r\nproto\r\n:3\r\n" in out
    assert out.endswith(b"$7\r\nmodules\r\n*0\r\n_\r\n"), "GET of a missing key is _ in RESP3"


def test_hello_2_goes_back_and_hello_alone_keeps_the_protocol(lab3_resp):
    data = command(b"HELLO", b"3") + command(b"hello", b"2") + command(b"GET", b"nope")
    data += command(b"HELLO") + command(b"GET", b"nope")
    status, out, _ = lab3_resp(data)
    assert status == 0
    replies = out.split(b"$7\r\nmodules\r\n*0\r\n")
    assert len(replies) == 4, out
    assert replies[1].startswith(b"*14\r\n") and b"$5\r\nproto\r\n:2\r\n" in replies[1]
    assert replies[2].startswith(b"$-1\r\n*14\r\n"), "RESP2 again: a null bulk, then an array"
    assert b"$5\r\nproto\r\n:2\r\n" in replies[2]
    assert replies[3] == b"$-1\r\n"


def test_hello_refuses_other_versions_with_redis_errors(lab3_resp):
    data = command(b"HELLO", b"4") + command(b"HELLO", b"x") + command(b"HELLO", b"1")
    data += command(b"GET", b"nope")
    status, out, _ = lab3_resp(data)
    assert status == 0
    assert out == (
        b"-NOPROTO unsupported protocol version\r\n"
        b"-ERR Protocol version is not an integer or out of range\r\n"
        b"-NOPROTO unsupported protocol version\r\n"
        b"$-1\r\n"
    ), "a refused HELLO leaves the session in RESP2"
