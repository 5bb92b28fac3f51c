"""Every complete Python example of the README and docs/ runs: a ```python block that imports
thermodiff is run as a script in an empty folder (the package from this build) and must exit 0.
Blocks that do not import it are fragments (a signature, one call inside a larger program) and are
not run; the README must have at least one complete example."""
import glob
import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT

PAGES = [os.path.join(ROOT, "README.md")] + sorted(glob.glob(os.path.join(ROOT, "docs", "**", "*.md"), recursive=True))
BLOCK = re.compile(r"```python\n(.*?)```", re.S)
IMPORTS = re.compile(r"^import .*\bthermodiff\b", re.M)


def complete_examples():
    out = []
    for page in PAGES:
        with open(page) as f:
            for i, block in enumerate(BLOCK.findall(f.read())):
                if IMPORTS.search(block):
                    out.append(pytest.param(block, id=f"{os.path.relpath(page, ROOT)}#{i}"))
    return out


EXAMPLES = complete_examples()


def test_the_readme_has_a_complete_example():
    assert any(p.id.startswith("README.md#") for p in EXAMPLES), [p.id for p in EXAMPLES]


@pytest.mark.parametrize("code", EXAMPLES)
def test_example_runs(code, tmp_path):
    script = tmp_path / "example.py"
    script.write_text(code)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    p = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=600)
    assert p.returncode == 0, f"the example failed:\n{code}\n--- stderr:\n{p.stderr[-3000:]}"
