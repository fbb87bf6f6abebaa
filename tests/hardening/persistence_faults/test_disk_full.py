# A full disk under SAVE, BGSAVE and the append-only file: the files written before stay as they
# were, write commands are refused with Redis's MISCONF errors while persistence fails, reads
# go on, and service resumes once space returns. The disk is a small tmpfs mounted in a private
# mount namespace (run through in_private_mount.py); every expectation is Redis 7's, and the same
# tests pass against redis-server. Part of the hardening suite (docs/reliability.md).
from __future__ import annotations

import errno
import os
import subprocess
import time
from pathlib import Path

import pytest

from conftest import MEASUREMENTS, Client, Server, is_redis

# Redis's shared.bgsaveerr and the AOF variant of writeCommandsGetDiskErrorMessage(), byte for
# byte (src/server.c).
SNAPSHOT_MISCONF = (
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist "
    "to disk. Commands that may modify the data set are disabled, because this instance is "
    "configured to report errors during writes if RDB snapshotting fails "
    "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about the "
    "RDB error."
)
AOF_MISCONF = "MISCONF Errors writing to the AOF file: No space left on device"
DISK_SIZE = "1m"
# Bigger than a page: an append must allocate a new one, which a full tmpfs refuses.
BIG_VALUE = "x" * 20_000


class SmallDisk:
    """A tmpfs of DISK_SIZE, mounted at `path` in this process's private mount namespace, and a
    filler file that takes every free byte of it until free() removes it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.filler = path / "filler"
        path.mkdir()
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={DISK_SIZE}", "tmpfs", str(path)], check=True
        )

    def fill(self) -> None:
        descriptor = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            while True:
                os.write(descriptor, b"\0" * 4096)
        except OSError as error:
            assert error.errno == errno.ENOSPC, error
        finally:
            os.close(descriptor)

    def free(self) -> None:
        self.filler.unlink()

    def unmount(self) -> None:
        subprocess.run(["umount", "-l", str(self.path)], check=False)


@pytest.fixture
def disk(tmp_path):
    if os.environ.get("PERSISTENCE_FAULTS_NAMESPACE") != "1":
        pytest.skip("needs a private mount namespace: run through in_private_mount.py")
    small = SmallDisk(tmp_path / "disk")
    yield small
    small.unmount()


def snapshot_name(binary: str, form: str) -> str:
    return "dump.json" if form == "json" else "dump.rdb"


def snapshot_forms(binary: str) -> list[str]:
    return ["rdb"] if is_redis(binary) else ["rdb", "json"]


def info(client: Client) -> dict[str, str]:
    text = client.value("INFO", "persistence").decode()
    return dict(line.split(":", 1) for line in text.splitlines() if ":" in line)


def wait_for(condition, timeout: float, what: str) -> float:
    """Polls `condition` until it holds; returns the seconds it took."""
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < timeout, f"{what}: not within {timeout} s"
        time.sleep(0.05)
    return time.monotonic() - start


def files_besides_the_filler(directory: Path) -> dict[str, bytes]:
    """Every file under `directory` with its content: what a failed save must leave as it was
    (a temp file left behind would show here too)."""
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file() and path.name != "filler"
    }


def aof_files(binary: str, directory: Path) -> dict[str, bytes]:
    files = files_besides_the_filler(directory)
    assert any("aof" in name for name in files), files.keys()
    return files


def write_keys(client: Client, count: int, prefix: str = "key") -> None:
    for number in range(count):
        assert client.value("SET", f"{prefix}:{number}", f"value {number}") == "OK"


def assert_keys(client: Client, count: int, prefix: str = "key") -> None:
    for number in range(count):
        assert client.value("GET", f"{prefix}:{number}") == f"value {number}".encode()


@pytest.mark.parametrize("form", ["rdb", "json"])
def test_save_on_a_full_disk(binary, disk, servers, form):
    """SAVE fails with Redis's bare -ERR, the old snapshot stays byte for byte and no temp file
    is left. As in Redis, a failed SAVE (unlike a failed BGSAVE) does not stop writes: its caller
    heard the error. With space back, SAVE works and a restart loads everything."""
    if form not in snapshot_forms(binary):
        pytest.skip("redis-server writes RDB only")
    server = Server(
        binary, disk.path, "--save", "3600 1", "--dbfilename", snapshot_name(binary, form)
    )
    servers.append(server)
    server.start()
    with server.client() as client:
        write_keys(client, 50)
        assert client.value("SAVE") == "OK"
        before = files_besides_the_filler(disk.path)
        disk.fill()
        assert client.value("SET", "big", BIG_VALUE) == "OK"
        reply = client.call("SAVE")
        assert (reply.kind, reply.value) == ("-", "ERR")
        assert files_besides_the_filler(disk.path) == before
        assert "No space left on device" in server.log()
        assert client.value("SET", "after", "a failed SAVE") == "OK"
        assert info(client)["rdb_last_bgsave_status"] == "ok"
        disk.free()
        assert client.value("SAVE") == "OK"
    assert server.stop() == 0
    server.start()
    with server.client() as client:
        assert_keys(client, 50)
        assert client.value("GET", "big") == BIG_VALUE.encode()


@pytest.mark.parametrize("form", ["rdb", "json"])
def test_bgsave_on_a_full_disk(binary, disk, servers, form):
    """BGSAVE starts, its save fails: the old snapshot stays byte for byte, no temp file is left,
    and with save points configured every write (and PING) is refused with Redis's MISCONF
    text while reads go on. A BGSAVE once space is back lifts the refusal."""
    if form not in snapshot_forms(binary):
        pytest.skip("redis-server writes RDB only")
    server = Server(
        binary, disk.path, "--save", "3600 1", "--dbfilename", snapshot_name(binary, form)
    )
    servers.append(server)
    server.start()
    with server.client() as client:
        write_keys(client, 50)
        assert client.value("SAVE") == "OK"
        before = files_besides_the_filler(disk.path)
        disk.fill()
        assert client.value("SET", "big", BIG_VALUE) == "OK"
        assert client.value("BGSAVE") == "Background saving started"
        wait_for(lambda: info(client)["rdb_bgsave_in_progress"] == "0", 10, "BGSAVE to end")
        assert info(client)["rdb_last_bgsave_status"] == "err"
        for write in (("SET", "refused", "1"), ("INCR", "counter"), ("DEL", "key:1"), ("PING",)):
            reply = client.call(*write)
            assert (reply.kind, reply.value) == ("-", SNAPSHOT_MISCONF), write
        assert client.value("GET", "key:1") == b"value 1"
        assert client.value("GET", "big") == BIG_VALUE.encode()
        assert files_besides_the_filler(disk.path) == before
        assert "No space left on device" in server.log()
        disk.free()
        assert client.value("BGSAVE") == "Background saving started"
        wait_for(lambda: info(client)["rdb_bgsave_in_progress"] == "0", 10, "BGSAVE to end")
        assert info(client)["rdb_last_bgsave_status"] == "ok"
        assert client.value("SET", "accepted", "again") == "OK"
        assert client.value("PING") == "PONG"
    assert server.stop() == 0
    server.start()
    with server.client() as client:
        assert_keys(client, 50)
        assert client.value("GET", "big") == BIG_VALUE.encode()


def test_save_points_retry_after_a_failed_bgsave(binary, disk, servers):
    """No command needed: the save point's BGSAVE fails on the full disk, writes are refused,
    and once space returns the cron tries again (Redis waits CONFIG_BGSAVE_RETRY_DELAY, 5 s,
    between tries) and writes resume by themselves."""
    server = Server(binary, disk.path, "--save", "1 1")
    servers.append(server)
    server.start()
    with server.client() as client:
        disk.fill()
        assert client.value("SET", "big", BIG_VALUE) == "OK"
        wait_for(lambda: client.call("PING").kind == "-", 10, "the failed save point's MISCONF")
        reply = client.call("SET", "refused", "1")
        assert (reply.kind, reply.value) == ("-", SNAPSHOT_MISCONF)
        disk.free()
        took = wait_for(lambda: client.call("PING").kind == "+", 15, "writes to resume")
        MEASUREMENTS.append(
            f"{os.path.basename(binary)}: writes resumed {took:.1f} s after space returned "
            "(save point 1 1, retried by the cron)"
        )
        assert client.value("SET", "accepted", "again") == "OK"
        assert client.value("GET", "big") == BIG_VALUE.encode()


def test_append_only_file_everysec_on_a_full_disk(binary, disk, servers):
    """The write that meets the full disk is acknowledged (it is in memory and still owed to the
    file), later writes and PING get MISCONF, reads go on, the file keeps no torn half command.
    Once space returns the owed write reaches the file within about a second and writes resume;
    a restart finds every acknowledged write."""
    server = Server(
        binary, disk.path, "--appendonly", "yes", "--appendfsync", "everysec", "--save", ""
    )
    servers.append(server)
    server.start()
    with server.client() as client:
        write_keys(client, 20)
        time.sleep(0.1)
        before = aof_files(binary, disk.path)
        disk.fill()
        assert client.value("SET", "big", BIG_VALUE) == "OK"
        for write in (("SET", "refused", "1"), ("INCR", "counter"), ("PING",)):
            reply = client.call(*write)
            assert (reply.kind, reply.value) == ("-", AOF_MISCONF), write
        assert client.value("GET", "big") == BIG_VALUE.encode()
        assert client.value("EXISTS", "refused") == 0
        assert info(client)["aof_last_write_status"] == "err"
        assert aof_files(binary, disk.path) == before, "the file changed on a full disk"
        disk.free()
        took = wait_for(lambda: client.call("PING").kind == "+", 5, "writes to resume")
        MEASUREMENTS.append(
            f"{os.path.basename(binary)}: AOF writes resumed {took:.1f} s after space returned"
        )
        assert info(client)["aof_last_write_status"] == "ok"
        assert client.value("SET", "accepted", "again") == "OK"
    assert server.stop() == 0
    server.start()
    with server.client() as client:
        assert_keys(client, 20)
        assert client.value("GET", "big") == BIG_VALUE.encode(), "an acknowledged write was lost"
        assert client.value("GET", "accepted") == b"again"
        assert client.value("EXISTS", "refused") == 0


def test_append_only_file_always_on_a_full_disk(binary, disk, servers):
    """Under appendfsync always an acknowledged write must be on the disk; this one cannot be,
    so the server exits with status 1 before replying (as Redis does), leaving the file as it
    was. Restarted once space is back, it has every acknowledged write."""
    server = Server(
        binary, disk.path, "--appendonly", "yes", "--appendfsync", "always", "--save", ""
    )
    servers.append(server)
    server.start()
    with server.client() as client:
        write_keys(client, 20)
        before = aof_files(binary, disk.path)
        disk.fill()
        with pytest.raises(ConnectionError):
            client.call("SET", "big", BIG_VALUE)
    assert server.process.wait(10) == 1
    assert "always" in server.log()
    assert aof_files(binary, disk.path) == before
    disk.free()
    server.start()
    with server.client() as client:
        assert_keys(client, 20)
        assert client.value("SET", "accepted", "again") == "OK"
