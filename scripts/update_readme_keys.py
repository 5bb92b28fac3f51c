#!/usr/bin/python3
"""Rewrites the README's key tables from the config readers themselves.

Every block between `<!-- keys: ARGS -->` and `<!-- /keys -->` becomes the output of
`thermodiff describe ARGS --markdown`, run in the repository root (ARGS: a built-in and `--also
CONFIG` files for the keys no built-in reads; the table lists the keys they and the kind's other
built-ins read: type, default, meaning). Cli.ReadmeKeyTablesAreTheReaders fails when they differ.
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
    args = match.group(1)
    out = subprocess.run([binary, "describe", *args.split(), "--markdown"], check=True, capture_output=True, text=True,
                         cwd=root).stdout
    return f"<!-- keys: {args} -->\n\n{out}\n<!-- /keys -->"


new = re.sub(r"<!-- keys: ([^>]+?) -->\n.*?<!-- /keys -->", table, text, flags=re.S)
if new != text:
    readme.write_text(new)
    print("README.md: key tables rewritten")
else:
    print("README.md: key tables already current")
