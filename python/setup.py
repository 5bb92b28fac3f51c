"""Builds thermodiff._core with CMake for the wheel (pyproject.toml holds the metadata).

THERMODIFF_BUILD_DIR: a CMake build folder to use (default: build-wheel beside the sources,
configured for a portable wheel: no -march=native, no tests). THERMODIFF_SOURCE_DIR: the
repository (default: this file's parent folder). The extension links LibTorch and OpenMP
dynamically: the wheel runs where those libraries are (Debian's, or the LibTorch it was built with).
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


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build = os.environ.get("THERMODIFF_BUILD_DIR") or os.path.join(SOURCE, "build-wheel")
        if not os.path.isfile(os.path.join(build, "CMakeCache.txt")):
            gen = ["-G", "Ninja"] if shutil.which("ninja") else []
            subprocess.run(["cmake", "-S", SOURCE, "-B", build, *gen, "-DCMAKE_BUILD_TYPE=Release",
                            "-DTHERMODIFF_TESTS=OFF", "-DTHERMODIFF_NATIVE=OFF", "-DTHERMODIFF_PYTHON=ON",
                            f"-DPython3_EXECUTABLE={sys.executable}"], check=True)
        subprocess.run(["cmake", "--build", build, "--target", "_core", "--parallel", str(os.cpu_count() or 1)], check=True)
        built = glob.glob(os.path.join(build, "python", "thermodiff", "_core*.so"))
        if len(built) != 1:
            raise RuntimeError(f"expected one thermodiff/_core*.so in {build}/python, found {built}")
        target = self.get_ext_fullpath(ext.name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(built[0], target)


setup(ext_modules=[Extension("thermodiff._core", sources=[])], cmdclass={"build_ext": CMakeBuild})
