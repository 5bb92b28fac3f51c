"""pytest set-up: the package from the build (build/python, or $THERMODIFF_PYTHONPATH) and the
command-line program ($THERMODIFF_BINARY, else build/thermodiff) the tests compare it with."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.environ.get("THERMODIFF_PYTHONPATH", os.path.join(ROOT, "build", "python")))


@pytest.fixture(scope="session")
def binary():
    path = os.environ.get("THERMODIFF_BINARY", os.path.join(ROOT, "build", "thermodiff"))
    assert os.access(path, os.X_OK), f"no thermodiff program at {path} (build first, or set THERMODIFF_BINARY)"
    return path


@pytest.fixture(scope="session")
def cli(binary):
    """Runs the program; returns (exit code, stdout, stderr)."""
    def call(*args):
        p = subprocess.run([binary, *map(str, args)], capture_output=True, text=True)
        return p.returncode, p.stdout, p.stderr
    return call


@pytest.fixture(scope="session")
def fixtures():
    return os.path.join(ROOT, "tests", "fixtures")
