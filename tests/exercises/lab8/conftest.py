# Lab 8's exercise tests start their servers as lab 8's suite does (tests/exercises/lab8_nodes.py).
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from lab8_nodes import pytest_addoption, pytest_runtest_makereport, start_node  # noqa: E402,F401
