#!/usr/bin/env bash
# The system packages of one set (run: envs/system-run.txt, test: envs/system-test.txt).
#   bash envs/install-system.sh run|test
# Installs the missing ones with apt-get where this is Debian/Ubuntu and we are root (or
# have sudo without a password). Without root, or without apt, it names what is missing
# and how to get it, and fails only then. SKIP_SYSTEM=1 skips this step entirely (a
# cluster with its own modules; a machine set up by hand).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
set_name=${1:-run}
list="$here/system-$set_name.txt"
[ -f "$list" ] || { echo "install-system.sh: no package list $list (use run or test)" >&2; exit 2; }
if [ "${SKIP_SYSTEM:-0}" = 1 ]; then
  echo "system packages ($set_name): skipped (SKIP_SYSTEM=1)"
  exit 0
fi
# a site NEST (module, conda) brings its own MPI, GSL and Boost
site_nest=${CONDRATE_SITE_NEST:-0}
python=${PYTHON:-python3}
# python3-venv/python3-dev are needed only where python3 is the system's own
own_python=1
"$python" -c 'import venv, sysconfig, os, sys; sys.exit(not os.path.exists(sysconfig.get_paths()["include"] + "/Python.h"))' 2>/dev/null && own_python=0
missing=()
while read -r pkg cmd; do
  case "$pkg" in ''|'#'*) continue ;; esac
  case "$pkg" in python3-venv|python3-dev) [ "$own_python" = 1 ] || continue ;; esac
  if [ "$site_nest" = 1 ]; then
    case "$pkg" in libopenmpi-dev|libgsl-dev|libboost-dev|pkg-config) continue ;; esac
  fi
  if command -v dpkg-query >/dev/null 2>&1; then
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" && continue
    # a site's own build of the tool (a module) counts too
    [ -n "$cmd" ] && command -v "$cmd" >/dev/null 2>&1 && continue
  else
    # not Debian: only the commands can be checked; a library without one is assumed
    { [ -z "$cmd" ] || command -v "$cmd" >/dev/null 2>&1; } && continue
  fi
  missing+=("$pkg")
done < "$list"
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages ($set_name): all present"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO=none; fi
fi
if [ "$SUDO" = none ] || ! command -v apt-get >/dev/null 2>&1; then
  {
    echo "condrate: missing system packages ($set_name): ${missing[*]}"
    echo "  as root on Debian/Ubuntu: apt-get install ${missing[*]}"
    echo "  on a cluster: load the site's modules that provide them (a compiler, cmake, MPI;"
    echo "  a site NEST with MPI makes GSL and Boost unnecessary), then run again with"
    echo "  SKIP_SYSTEM=1 to skip this check (docs/install.md)"
  } >&2
  exit 1
fi
echo "system packages ($set_name): installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
