# The replication fault suite's fixtures are lab 8's: its conftest.py starts, stops and restarts
# the nodes and checks that each exits with status 0. Loaded by path under another module name,
# so that the two conftest.py files do not collide. Part of the hardening of issue #8.
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

LAB8 = Path(__file__).resolve().parents[2] / "lab8_replication"


def load_lab8_module(name: str, file_name: str):
    """Imports tests/lab8_replication/<file_name> as module `name` (once)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, LAB8 / file_name)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


lab8_conftest = load_lab8_module("lab8_conftest", "conftest.py")

# Re-exported: pytest finds hooks and fixtures by name in a conftest.py.
pytest_addoption = lab8_conftest.pytest_addoption
pytest_runtest_makereport = lab8_conftest.pytest_runtest_makereport
start_node = lab8_conftest.start_node
