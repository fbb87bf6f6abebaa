# Exercise 5.5 (docs/lab5_server.md): a failed append to the append-only file is kept and retried
# from the cron; once it is written, MISCONF is lifted without any write command being sent.
#
#   /usr/bin/python3 -m pytest -q tests/exercises/lab5/test_aof_retry.py --server build/bin/lab5_server
import re
import resource
import signal
import subprocess
import threading
import time

import redis

FILE_LIMIT = 1024  # bytes a file of the server may grow to (RLIMIT_FSIZE, as `ulimit -f 1`)


def limit_files():
    """In the child, before exec: files stop at FILE_LIMIT bytes and a write beyond fails with
    EFBIG (SIGXFSZ, which would kill the process, is ignored), as a full disk fails with ENOSPC."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT, FILE_LIMIT))


def start(binary, directory):
    arguments = [
        binary,
        "--port",
        "0",
        "--dir",
        str(directory),
        "--save",
        "",
        "--appendonly",
        "yes",
    ]
    process = subprocess.Popen(arguments, stdout=subprocess.PIPE, text=True, preexec_fn=limit_files)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        found = re.search(r"listening on [^ ]+:(\d+)", line)
        if found:
            threading.Thread(target=process.stdout.read, daemon=True).start()
            return process, int(found.group(1))
    process.kill()
    raise RuntimeError(f"{binary} did not report 'listening on'")


def wait_for(condition, seconds=5.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_failed_append_is_retried_once_there_is_room(request, tmp_path):
    process, port = start(request.config.getoption("server"), tmp_path)
    try:
        r = redis.Redis(port=port, decode_responses=True)
        value = "v" * 300
        failed = None
        for i in range(10):
            try:
                r.set(f"key:{i}", value)
            except redis.ResponseError as error:
                assert str(error).startswith("MISCONF Errors writing to the AOF file"), error
                failed = i
                break
        assert failed is not None and failed > 0, "the file limit never made an append fail"
        # The write whose append failed was acknowledged (everysec: the data changed, as in
        # Redis); the next one was refused. Only the first must reach the file.
        lost = f"key:{failed - 1}"
        assert r.get(lost) == value and r.get(f"key:{failed}") is None

        # Room comes back, as when a full disk is cleaned up: the file is emptied from outside.
        aof = tmp_path / "appendonly.aof"
        with open(aof, "r+b") as file:
            file.truncate(0)

        def accepted():
            try:
                return r.ping()
            except redis.ResponseError:
                return False

        # No client writes meanwhile: only the cron can have written the kept command.
        assert wait_for(accepted), "MISCONF was never lifted: the failed append was not retried"
        assert aof.read_bytes().startswith(f"*3\r\n$3\r\nSET\r\n$5\r\n{lost}\r\n".encode())
        assert r.set("after", "ok")
        assert aof.read_bytes().endswith(b"$5\r\nafter\r\n$2\r\nok\r\n")
    finally:
        process.terminate()
        process.wait(timeout=10)
