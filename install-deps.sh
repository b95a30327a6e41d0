#!/bin/sh
# install-deps.sh -- install, with apt-get, the Debian packages flowcheck needs
# that are missing on this machine.  Installs nothing when all are present.
#
#   build:    gcc make autoconf automake libtool autoconf-archive pkgconf
#   libraries: libgsl-dev (GSL), check (the Check unit-test framework),
#              libopenblas-dev (OpenBLAS, linked as the CBLAS; configure
#              falls back to GSL's gslcblas without it)
#   tools:    gnuplot-nox (figures, pngcairo/pdfcairo), valgrind (make check-valgrind)
#   python:   python3-numpy (the Python module flowcheck and its tests)
set -eu

packages="gcc libc6-dev make autoconf automake libtool autoconf-archive pkgconf
libgsl-dev check gnuplot-nox valgrind libopenblas-dev python3-numpy"

missing=""
for p in $packages; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
    missing="$missing $p"
  fi
done

if [ -z "$missing" ]; then
  echo "install-deps.sh: all packages present"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=""
elif command -v sudo >/dev/null 2>&1; then
  as_root="sudo"
else
  echo "install-deps.sh: missing packages:$missing; run this script as root (no sudo found)" >&2
  exit 2
fi

echo "install-deps.sh: installing$missing"
$as_root apt-get update -q
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -q --no-install-recommends $missing
