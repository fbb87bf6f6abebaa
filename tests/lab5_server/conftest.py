# pytest options for lab 5's redis-py suite: which server binary to start. Introduced in lab 5.
import os


def pytest_addoption(parser):
    parser.addoption(
        "--server",
        default=os.environ.get("LAB5_SERVER", "build/bin/lab5_server"),
        help="the server to test: build/bin/lab5_server, or /usr/bin/redis-server to compare",
    )
