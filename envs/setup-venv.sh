#!/usr/bin/env bash
# condrate's Python environment: the system packages of `run` (envs/install-system.sh),
# a virtualenv, NEST with MPI, the pinned dependencies and condrate itself.
#   bash envs/setup-venv.sh            (make setup; VENV, PYTHON and NEST_VERSION from it)
# A site NEST: when `$PYTHON -c "import nest"` already gives NEST with MPI (a cluster
# module that sets PYTHONPATH, a conda environment), the virtualenv is made with
# --system-site-packages and NEST is not built; condrate's module is then built against
# that NEST's nest-config (on PATH). Otherwise NEST is built from PyPI's source
# distribution with MPI (about 13 minutes on 2 cores; pip caches the wheel).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}
NEST_VERSION=${NEST_VERSION:-3.10.0}
export PYNEST_QUIET=1
has_mpi_nest='import nest, sys; sys.exit(not nest.build_info["have_mpi"])'

site_nest=0
if [ -x "$VENV/bin/python" ]; then
  [ -f "$VENV/.site-nest" ] && site_nest=1
elif "$PYTHON" -c "$has_mpi_nest" >/dev/null 2>&1; then
  site_nest=1
fi
CONDRATE_SITE_NEST=$site_nest PYTHON="$PYTHON" bash "$here/install-system.sh" run

if [ ! -x "$VENV/bin/python" ]; then
  if [ "$site_nest" = 1 ]; then
    "$PYTHON" -m venv --system-site-packages "$VENV"
    "$PYTHON" -c 'import nest; print(nest.__path__[0])' 2>/dev/null | tail -n 1 > "$VENV/.site-nest"
  else
    "$PYTHON" -m venv "$VENV"
  fi
fi
PIP=("$VENV/bin/python" -m pip)
if [ "$site_nest" = 1 ]; then
  echo "NEST: the site's, $(cat "$VENV/.site-nest") (not built)"
elif "$VENV/bin/python" -c "$has_mpi_nest" >/dev/null 2>&1; then
  echo "NEST: with MPI, already in $VENV"
else
  "${PIP[@]}" install -q --upgrade pip
  "${PIP[@]}" install -q -r "$here/build-requirements.txt"
  echo "NEST: building $NEST_VERSION with MPI from the source distribution"
  "${PIP[@]}" install --no-build-isolation --no-binary nest-simulator \
    -C cmake.define.with-mpi=ON "nest-simulator==$NEST_VERSION"
fi
"${PIP[@]}" install -q -r "$here/requirements.txt"
"${PIP[@]}" install -q --no-deps -e "$here/.."
