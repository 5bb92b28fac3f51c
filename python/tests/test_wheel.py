"""The wheel: built offline by Debian's python3-build without isolation (from a copy of python/,
reusing this build's extension), it holds the package and the extension and imports from itself."""
import os
import shutil
import subprocess
import sys
import zipfile

import pytest

from conftest import ROOT


def test_wheel_builds_offline_and_imports(tmp_path):
    build_dir = os.environ.get("THERMODIFF_BUILD_DIR", os.path.join(ROOT, "build"))
    src = tmp_path / "python"
    shutil.copytree(os.path.join(ROOT, "python"), src, ignore=shutil.ignore_patterns("tests", "build", "dist", "*.egg-info",
                                                                                   "__pycache__"))
    env = dict(os.environ, THERMODIFF_BUILD_DIR=build_dir, THERMODIFF_SOURCE_DIR=ROOT)
    p = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--wheel", "--outdir", str(tmp_path / "dist"),
                        str(src)], capture_output=True, text=True, env=env)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    wheels = list((tmp_path / "dist").glob("thermodiff-0.1.0-*.whl"))
    assert len(wheels) == 1, wheels
    names = zipfile.ZipFile(wheels[0]).namelist()
    for f in ("thermodiff/__init__.py", "thermodiff/runs.py", "thermodiff/blocks.py", "thermodiff/export_models.py"):
        assert f in names
    assert any(n.startswith("thermodiff/_core") and n.endswith(".so") for n in names), names
    site = tmp_path / "site"
    zipfile.ZipFile(wheels[0]).extractall(site)
    check = ("import thermodiff, numpy; assert thermodiff.__file__.startswith(%r), thermodiff.__file__; "
             "print(thermodiff.Process('vp').alpha(numpy.array([0.5])))" % str(site))
    p = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(site)),
                       cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    print("wheel", wheels[0].name, "imports:", p.stdout.strip())
