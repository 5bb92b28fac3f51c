#!/usr/bin/python3
"""Rewrites the README's key tables from the config readers themselves.

Every block between `<!-- keys: BUILTIN -->` and `<!-- /keys -->` becomes the output of
`thermodiff describe BUILTIN --markdown` (the keys that built-in and its kind's other built-ins
read: type, default, meaning). Cli.ReadmeKeyTablesAreTheReaders fails when they differ.
Usage: scripts/update_readme_keys.py [path/to/thermodiff]   (default build/thermodiff)
"""
import pathlib
import re
import subprocess
import sys

root = pathlib.Path(__file__).resolve().parent.parent
binary = sys.argv[1] if len(sys.argv) > 1 else str(root / "build" / "thermodiff")
readme = root / "README.md"
text = readme.read_text()


def table(match):
    name = match.group(1)
    out = subprocess.run([binary, "describe", name, "--markdown"], check=True, capture_output=True, text=True).stdout
    return f"<!-- keys: {name} -->\n\n{out}\n<!-- /keys -->"


new = re.sub(r"<!-- keys: ([\w-]+) -->\n.*?<!-- /keys -->", table, text, flags=re.S)
if new != text:
    readme.write_text(new)
    print("README.md: key tables rewritten")
else:
    print("README.md: key tables already current")
