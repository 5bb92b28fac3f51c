#!/usr/bin/python3
"""Rewrites the key tables of docs/keys/*.md from the config readers themselves.

Every block between `<!-- keys: ARGS -->` and `<!-- /keys -->` becomes the output of
`thermodiff describe ARGS --markdown`, run in the repository root (ARGS: a built-in and `--also
CONFIG` files for the keys no built-in reads; the table lists the keys they and the kind's other
built-ins read: type, default, meaning). Cli.KeyTablesAreTheReaders fails when they differ.
Usage: scripts/update_key_tables.py [path/to/thermodiff]   (default build/thermodiff)
"""
import pathlib
import re
import subprocess
import sys

root = pathlib.Path(__file__).resolve().parent.parent
binary = sys.argv[1] if len(sys.argv) > 1 else str(root / "build" / "thermodiff")


def table(match):
    args = match.group(1)
    out = subprocess.run([binary, "describe", *args.split(), "--markdown"], check=True, capture_output=True, text=True,
                         cwd=root).stdout
    return f"<!-- keys: {args} -->\n\n{out}\n<!-- /keys -->"


for page in sorted((root / "docs" / "keys").glob("*.md")):
    text = page.read_text()
    new = re.sub(r"<!-- keys: ([^>]+?) -->\n.*?<!-- /keys -->", table, text, flags=re.S)
    name = page.relative_to(root)
    if new != text:
        page.write_text(new)
        print(f"{name}: key tables rewritten")
    else:
        print(f"{name}: key tables already current")
