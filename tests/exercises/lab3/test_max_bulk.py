"""Exercise 3.5: `lab3_resp --proto-max-bulk-len N` refuses a bulk string longer than N bytes, as
Redis's proto-max-bulk-len does: the length is checked when its header arrives, before any of its
bytes. Like Redis's setting it cannot go below 1 MiB (1048576)."""

MIB = 1024 * 1024


def echo(length):
    return b"*2\r\n$4\r\nECHO\r\n$%d\r\n" % length + b"x" * length + b"\r\n"


def test_a_bulk_at_the_limit_is_accepted(lab3_resp):
    status, out, _ = lab3_resp(echo(MIB), "--proto-max-bulk-len", str(MIB))
    assert status == 0
    assert out == b"$%d\r\n" % MIB + b"x" * MIB + b"\r\n"


def test_one_byte_over_is_refused_from_its_header(lab3_resp):
    header_only = b"*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$%d\r\n" % (MIB + 1)
    status, out, _ = lab3_resp(header_only, "--proto-max-bulk-len", str(MIB))
    assert status == 1, "a protocol error ends the run"
    assert out == b"+PONG\r\n-ERR Protocol error: invalid bulk length\r\n"


def test_the_default_is_still_512_mib(lab3_resp):
    status, out, _ = lab3_resp(echo(MIB + 1))
    assert status == 0
    assert out.startswith(b"$%d\r\n" % (MIB + 1))
    status, out, _ = lab3_resp(b"*2\r\n$4\r\nECHO\r\n$%d\r\n" % (512 * MIB + 1))
    assert (status, out) == (1, b"-ERR Protocol error: invalid bulk length\r\n")


def test_the_limit_cannot_go_below_one_mib(lab3_resp):
    status, out, _ = lab3_resp(echo(3), "--proto-max-bulk-len", str(MIB - 1))
    assert status != 0 and out == b"", "refused at start, as Redis refuses the setting"
