"""Builds thermodiff._core and the thermodiff program with CMake for the wheel (pyproject.toml holds
the metadata); the program goes into the package (thermodiff/bin/thermodiff), and the wheel's
`thermodiff` command runs it.

THERMODIFF_BUILD_DIR: a CMake build folder whose extension and program are taken as they are, not
rebuilt (they may be in use: the test suite's own build) (default: build-wheel beside the sources,
configured here for a portable wheel: no -march=native, no tests, and configured again on every
build, so a folder left by a failed or older build is brought up to date). THERMODIFF_SOURCE_DIR:
the repository (default: this file's parent folder). The extension and the program link LibTorch
and OpenMP dynamically: the wheel runs where those libraries are (Debian's, or the LibTorch it was
built with). From a clean clone the report's chart library must be installed first (npm ci, or
scripts/setup.sh): the build says so and stops.
"""
import glob
import os
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("THERMODIFF_SOURCE_DIR", os.path.dirname(HERE))
CHART_JS = os.path.join(SOURCE, "node_modules", "chart.js", "dist", "chart.umd.js")


def configure(build):
    """CMake's configure step on the wheel's own build folder; a cache made by another generator (or
    a configure that failed half-way) is removed and the step run again."""
    gen = ["-G", "Ninja"] if shutil.which("ninja") else []
    cmd = ["cmake", "-S", SOURCE, "-B", build, *gen, "-DCMAKE_BUILD_TYPE=Release", "-DTHERMODIFF_TESTS=OFF",
           "-DTHERMODIFF_NATIVE=OFF", "-DTHERMODIFF_PYTHON=ON", f"-DPython3_EXECUTABLE={sys.executable}"]
    if subprocess.run(cmd).returncode == 0:
        return
    print(f"setup.py: configuring {build} failed; removing its CMake cache and configuring it afresh", file=sys.stderr)
    for stale in ("CMakeCache.txt", "CMakeFiles"):
        path = os.path.join(build, stale)
        if os.path.isdir(path):
            shutil.rmtree(path)
        elif os.path.exists(path):
            os.remove(path)
    subprocess.run(cmd, check=True)


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        if not os.path.isfile(CHART_JS):
            raise RuntimeError(f"the report's chart library is missing ({CHART_JS}): run `npm ci` in {SOURCE} "
                               f"(or scripts/setup.sh, which installs everything) first, then build the wheel again")
        given = os.environ.get("THERMODIFF_BUILD_DIR")
        build = given or os.path.join(SOURCE, "build-wheel")
        if not given:
            configure(build)
            subprocess.run(["cmake", "--build", build, "--target", "_core", "thermodiff", "--parallel", str(os.cpu_count() or 1)],
                           check=True)
        elif not os.path.isfile(os.path.join(build, "thermodiff")):
            raise RuntimeError(f"THERMODIFF_BUILD_DIR={build} has no thermodiff program: build it first")
        built = glob.glob(os.path.join(build, "python", "thermodiff", "_core*.so"))
        if len(built) != 1:
            raise RuntimeError(f"expected one thermodiff/_core*.so in {build}/python, found {built}")
        target = self.get_ext_fullpath(ext.name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(built[0], target)
        program = os.path.join(os.path.dirname(target), "bin", "thermodiff")  # the command line, beside the extension
        os.makedirs(os.path.dirname(program), exist_ok=True)
        shutil.copyfile(os.path.join(build, "thermodiff"), program)
        os.chmod(program, 0o755)


setup(ext_modules=[Extension("thermodiff._core", sources=[])], cmdclass={"build_ext": CMakeBuild})
