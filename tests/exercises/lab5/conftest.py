# pytest options for lab 5's exercise tests: which server binary to start (docs/solutions/README.md).


def pytest_addoption(parser):
    parser.addoption("--server", help="the server to test, e.g. build/bin/lab5_server")
