# pytest options for lab 6's exercise tests: which server binary to start (docs/solutions/README.md).


def pytest_addoption(parser):
    parser.addoption(
        "--server", help="the server to test: build/bin/lab6_types, or /usr/bin/redis-server"
    )
