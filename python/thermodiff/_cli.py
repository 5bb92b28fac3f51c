"""The wheel's `thermodiff` command: the engine's own program, shipped in the package as
thermodiff/bin/thermodiff (setup.py), run with the command line's arguments, so that the command
behaves exactly as the program built from the sources (docs/python.md#wheel)."""
import os
import sys


def program():
    """The path of the bundled program; an error naming what to do when the package has none (a
    source checkout's build/python, where the program is build/thermodiff)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bin", "thermodiff")
    if not os.access(path, os.X_OK):
        sys.exit(f"thermodiff: this installation has no program at {path} (the wheel ships one; from a source "
                 f"checkout run build/thermodiff)")
    return path


def main():
    path = program()
    os.execv(path, [path] + sys.argv[1:])


if __name__ == "__main__":
    main()
