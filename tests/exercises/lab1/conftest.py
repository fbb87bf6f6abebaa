def pytest_addoption(parser):
    parser.addoption("--server")
