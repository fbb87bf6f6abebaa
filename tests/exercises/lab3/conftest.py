"""Lab 3's exercise tests run the real lab3_resp, given as `--server build/bin/lab3_resp`."""

import subprocess

import pytest


def pytest_addoption(parser):
    parser.addoption("--server", required=True, help="path to build/bin/lab3_resp")


@pytest.fixture
def lab3_resp(request):
    """lab3_resp(input_bytes, *options) -> (exit status, stdout bytes, stderr text)."""
    program = request.config.getoption("--server")

    def run(data, *options):
        done = subprocess.run([program, *options], input=data, capture_output=True, timeout=60)
        return done.returncode, done.stdout, done.stderr.decode(errors="replace")

    return run
