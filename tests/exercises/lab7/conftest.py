# Lab 7's exercise tests start their servers as lab 8's suite does, which works for any of the
# course's servers: this re-exports its `--server` option and `start_node` fixture
# (tests/lab8_replication/conftest.py). Introduced with lab 7's exercises.
import importlib.util
from pathlib import Path

_path = Path(__file__).resolve().parents[2] / "lab8_replication" / "conftest.py"
_spec = importlib.util.spec_from_file_location("lab8_nodes", _path)
lab8_nodes = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lab8_nodes)

pytest_addoption = lab8_nodes.pytest_addoption
pytest_runtest_makereport = lab8_nodes.pytest_runtest_makereport
start_node = lab8_nodes.start_node
