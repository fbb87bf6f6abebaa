"""Servers for the exercise tests of labs 7 and 8, started as lab 8's suite starts them (its
`--server` option, `start_node` fixture and failure report, loaded from
tests/lab8_replication/conftest.py, which works for any of the course's servers and for
redis-server), and the polling helper those tests share. Their conftest.py files re-export it."""

import importlib.util
import time
from pathlib import Path

import pytest

_path = Path(__file__).resolve().parents[1] / "lab8_replication" / "conftest.py"
_spec = importlib.util.spec_from_file_location("lab8_suite_conftest", _path)
_suite = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_suite)

pytest_addoption = _suite.pytest_addoption
pytest_runtest_makereport = _suite.pytest_runtest_makereport
start_node = _suite.start_node


def wait_until(predicate, timeout: float = 15.0, what: str = "") -> None:
    """Polls `predicate` every 50 ms; fails the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)
