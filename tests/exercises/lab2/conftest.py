"""Lab 2's exercise tests run the real lab2_store, given as `--server build/bin/lab2_store`."""

import subprocess

import pytest


def pytest_addoption(parser):
    parser.addoption("--server", required=True, help="path to build/bin/lab2_store")


@pytest.fixture
def lab2_store(request):
    """lab2_store(*options) -> (exit status, stdout text)."""
    program = request.config.getoption("--server")

    def run(*options):
        done = subprocess.run([program, *options], capture_output=True, text=True, timeout=120)
        return done.returncode, done.stdout + done.stderr

    return run
