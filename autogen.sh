#!/bin/sh
# autogen.sh -- regenerate the build system (configure, Makefile.in).
set -e
cd "$(dirname "$0")"
mkdir -p m4 build-aux
autoreconf -fi "$@"
echo "Now run: ./configure && make && make check"
