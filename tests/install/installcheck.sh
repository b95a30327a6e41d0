#!/bin/sh
# tests/install/installcheck.sh PROG.C OUTDIR -- make installcheck: build
# PROG.C against the installed flowcheck with the plain pkg-config command,
# shared and static, run it, and compare its output with the installed
# `flowcheck eval` on the same point; then import the installed Python
# module and compare its velocity too.  The install may be staged under
# DESTDIR: pkg-config then reads the .pc file there and prefixes its -I and
# -L paths with DESTDIR (PKG_CONFIG_SYSROOT_DIR).
# Environment (from make): DESTDIR prefix libdir bindir pythondir PYTHON CC
# PKG_CONFIG.
set -eu
prog_c=$1
out=$2
mkdir -p "$out"

PKG_CONFIG_PATH="$DESTDIR$libdir/pkgconfig"
export PKG_CONFIG_PATH
if test -n "$DESTDIR"; then
  PKG_CONFIG_SYSROOT_DIR=$DESTDIR
  export PKG_CONFIG_SYSROOT_DIR
fi
LD_LIBRARY_PATH="$DESTDIR$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export LD_LIBRARY_PATH

fail () { echo "installcheck: $*" >&2; exit 1; }

expected=$(echo '0.3 -1.2' | "$DESTDIR$bindir/flowcheck" eval --data 8gaussians \
  --schedule linear --t 0.5 --quantity velocity) \
  || fail "the installed flowcheck eval failed"

# Static: the archive and the private libraries of --static.
libs=$($PKG_CONFIG --static --libs flowcheck | sed 's/-lflowcheck\( \|$\)//')
# shellcheck disable=SC2046,SC2086
$CC -o "$out/prog-static" "$prog_c" $($PKG_CONFIG --cflags flowcheck) \
  "$DESTDIR$libdir/libflowcheck.a" $libs || fail "the static link failed"
got=$("$out/prog-static") || fail "$out/prog-static failed"
test "$got" = "$expected" || fail "static: '$got', flowcheck eval: '$expected'"
echo "  static: $got"

# Shared: the plain command a user types (none with --disable-shared).
if ! ls "$DESTDIR$libdir"/libflowcheck.so.[0-9]* >/dev/null 2>&1; then
  echo "  shared and python: skipped (no libflowcheck.so: configured --disable-shared)"
  exit 0
fi
echo "  $CC $prog_c \$($PKG_CONFIG --cflags --libs flowcheck)"
# shellcheck disable=SC2046
$CC -o "$out/prog" "$prog_c" $($PKG_CONFIG --cflags --libs flowcheck) \
  || fail "the shared link failed"
got=$("$out/prog") || fail "$out/prog failed"
test "$got" = "$expected" || fail "shared: '$got', flowcheck eval: '$expected'"
echo "  shared: $got"

# Python, from pythondir; FLOWCHECK_LIB only when the install is staged
# (the module's _config.py names the final libdir).  configure's Python,
# else Debian's, the first with NumPy (as tests/python.test).
py=
for p in "$PYTHON" /usr/bin/python3; do
  if test "$p" != : && "$p" -c 'import numpy' 2>/dev/null; then
    py=$p
    break
  fi
done
if test -z "$py"; then
  echo "  python: skipped (no Python 3 with NumPy: apt-get install python3-numpy)"
  exit 0
fi
if test -n "$DESTDIR"; then
  FLOWCHECK_LIB=$(ls "$DESTDIR$libdir"/libflowcheck.so.[0-9]* | head -n 1)
  export FLOWCHECK_LIB
else
  unset FLOWCHECK_LIB || :
fi
got=$(PYTHONPATH="$DESTDIR$pythondir" "$py" -c '
import flowcheck
u = flowcheck.velocity(flowcheck.load("8gaussians"), [[0.3, -1.2]], 0.5)
print(" ".join(repr(float(v)) for v in u[0]))') || fail "the Python module failed"
want=$("$py" -c "import sys; print(' '.join(repr(float(v)) for v in sys.argv[1:]))" $expected)
test "$got" = "$want" || fail "python: '$got', flowcheck eval: '$want'"
echo "  python: $got"
