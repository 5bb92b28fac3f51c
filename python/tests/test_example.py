"""docs/examples/python_example.py keeps working: its quick version (THERMODIFF_EXAMPLE_SMALL=1) runs
to the end and writes its figure and model."""
import os
import subprocess
import sys

from conftest import ROOT


def test_the_python_example_runs(tmp_path):
    env = dict(os.environ, THERMODIFF_EXAMPLE_SMALL="1", PYTHONPATH=os.pathsep.join(sys.path))
    p = subprocess.run([sys.executable, os.path.join(ROOT, "docs", "examples", "python_example.py"), str(tmp_path)],
                       capture_output=True, text=True, env=env, cwd=ROOT)
    assert p.returncode == 0, p.stderr[-3000:]
    for line in ("TAEP <Sigma>", "NLL =", "speciation time t_S", "cloning at t ="):
        assert line in p.stdout, p.stdout
    assert (tmp_path / "python_example.png").stat().st_size > 10000
    assert (tmp_path / "eps.pt").is_file() and (tmp_path / "likelihood" / "report.html").is_file()
