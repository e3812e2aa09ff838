#!/usr/bin/env bash
# Stand-in for mpirun where NEST has no MPI: accepts only "-n 1" and runs the command.
set -euo pipefail
if [ "${1:-}" != "-n" ] || [ "${2:-}" != "1" ]; then
  echo "serial_launch: NEST has no MPI here; only '-n 1' is possible (got: $*)" >&2
  exit 2
fi
shift 2
exec "$@"
