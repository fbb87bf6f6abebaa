# pytest options for lab 6's redis-py suite: which server binary to start. Introduced in lab 6.
import os


def pytest_addoption(parser):
    parser.addoption(
        "--server",
        default=os.environ.get("LAB6_SERVER", "build/bin/lab6_types"),
        help="the server to test: build/bin/lab6_types, or /usr/bin/redis-server to compare",
    )
