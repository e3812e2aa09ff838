#!/usr/bin/env bash
# Exit 0 when Snakemake's lock of DIR is stale: the folder is locked but no Snakemake
# or condrate process works in it (a run killed by SIGKILL or a power loss leaves its
# lock behind, and the next run would refuse to start). Exit 1 when there is no lock,
# or a live run holds it (that run's lock must stay). Usage: stale_lock.sh DIR
[ -d "${1:-.}" ] || exit 1  # a folder that does not exist yet holds no lock
dir=$(realpath "${1:-.}")
locks="$dir/.snakemake/locks"
[ -d "$locks" ] && [ -n "$(ls -A "$locks")" ] || exit 1
ours=" $$ "  # this script and the processes that started it (make, its shell)
pid=$$
while [ "$pid" -gt 1 ]; do
  pid=$(awk '{print $4}' "/proc/$pid/stat" 2>/dev/null || echo 1)
  ours+="$pid "
done
for pid in $(pgrep -f "snakemake|condrate"); do
  case $ours in *" $pid "*) continue ;; esac
  if [ "$(readlink "/proc/$pid/cwd")" = "$dir" ]; then
    echo "condrate: a run (pid $pid) works in $dir; its lock stays" >&2
    exit 1
  fi
done
echo "condrate: $dir is locked by a run that no longer exists; releasing the lock" >&2
