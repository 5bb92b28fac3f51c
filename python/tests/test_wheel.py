"""The wheel: built offline by Debian's python3-build without isolation (from a copy of python/,
reusing this build's extension), it holds the package, the extension and the program, imports from
itself and installs a `thermodiff` command that runs the program; from a clone without the report's
chart library it stops with the one command to run first."""
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
    assert "thermodiff/bin/thermodiff" in names, names
    entry = [n for n in names if n.endswith("entry_points.txt")]
    assert entry and "thermodiff = thermodiff._cli:main" in zipfile.ZipFile(wheels[0]).read(entry[0]).decode()
    metadata = zipfile.ZipFile(wheels[0]).read([n for n in names if n.endswith("METADATA")][0]).decode()
    assert "Requires-Python: >=3.11" in metadata
    site = tmp_path / "site"
    zipfile.ZipFile(wheels[0]).extractall(site)
    check = ("import thermodiff, numpy; assert thermodiff.__file__.startswith(%r), thermodiff.__file__; "
             "print(thermodiff.Process('vp').alpha(numpy.array([0.5])))" % str(site))
    p = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(site)),
                       cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    print("wheel", wheels[0].name, "imports:", p.stdout.strip())
    # The command: the console script's function runs the bundled program (zip extraction drops the
    # mode bits an installer would set, so they are set here as pip does).
    os.chmod(site / "thermodiff" / "bin" / "thermodiff", 0o755)
    p = subprocess.run([sys.executable, "-c", "import sys; from thermodiff._cli import main; sys.argv = ['thermodiff', 'list']; main()"],
                       capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(site)), cwd=tmp_path)
    assert p.returncode == 0 and "mode-collapse" in p.stdout, p.stdout + p.stderr


def test_a_clone_without_the_chart_library_is_told_what_to_run(tmp_path):
    src = tmp_path / "python"
    shutil.copytree(os.path.join(ROOT, "python"), src, ignore=shutil.ignore_patterns("tests", "build", "dist", "*.egg-info",
                                                                                   "__pycache__"))
    clone = tmp_path / "clone"  # a source tree with no node_modules/
    clone.mkdir()
    env = dict(os.environ, THERMODIFF_SOURCE_DIR=str(clone))
    env.pop("THERMODIFF_BUILD_DIR", None)
    p = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--wheel", "--outdir", str(tmp_path / "dist"),
                        str(src)], capture_output=True, text=True, env=env)
    assert p.returncode != 0
    assert "the report's chart library is missing" in p.stdout + p.stderr and "run `npm ci`" in p.stdout + p.stderr
