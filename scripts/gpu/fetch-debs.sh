#!/usr/bin/env bash
# On a Debian 12 development machine: download the .deb files of thermodiff's build dependencies into
# DIR (about 32 MB with Debian's Fashion-MNIST), for a GPU machine that has CUDA, CMake, ninja and PyTorch (with its LibTorch) but
# no Debian packages and no network (scripts/gpu/build.sh unpacks them there). Put DIR in a folder git
# ignores (.gpu/ is) and carry it to the machine with the working tree.
# Usage: scripts/gpu/fetch-debs.sh DIR
set -euo pipefail
dir=${1:?usage: fetch-debs.sh DIR}
mkdir -p "$dir" && dir=$(cd "$dir" && pwd) && cd "$dir"
apt-get download libeigen3-dev librandom123-dev libcli11-dev nlohmann-json3-dev libtomlplusplus-dev \
  libtomlplusplus3 libfmt-dev libfmt9 pkgconf-bin libpkgconf3 libgtest-dev libgmock-dev libbenchmark-dev \
  libbenchmark1debian zlib1g-dev dataset-fashion-mnist 2>&1 | grep -v '^W:' || true
ls -1 "$dir"
