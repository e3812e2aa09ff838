#!/usr/bin/env bash
# A single-node SLURM for tests: install slurm-wlm and munge if missing, start munged,
# slurmctld and slurmd, run the given command, then stop exactly the daemons started
# here (by PID, in order slurmd, slurmctld, munged) and restore /etc/slurm/slurm.conf.
#
#   tests/slurm/local_slurm.sh STATE_DIR -- COMMAND [ARGS...]
#
# The daemons run as root with a munge key, socket and state of their own under
# STATE_DIR. The conf must live at /etc/slurm/slurm.conf: the Snakemake SLURM plugin
# strips SLURM_* variables inside jobs, so a nested srun only finds the default path.
set -euo pipefail
state=$(realpath -m "$1"); shift
[ "${1:-}" = "--" ] && shift

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq slurm-wlm munge
fi

mkdir -p "$state"/{state,spool/slurmd,log}
# munged refuses a socket whose every parent folder is not enterable by all, which a
# pytest tmp folder (0700) is not: the munge key, socket and pid live in /tmp instead
munge=$(mktemp -d /tmp/condrate-munge.XXXXXX)
chmod 755 "$munge"
conf=/etc/slurm/slurm.conf
backup=""
pids=()
cleanup() {
  local rc=$?
  for ((i=${#pids[@]}-1; i>=0; i--)); do
    kill "${pids[$i]}" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "${pids[$i]}" 2>/dev/null || break; sleep 0.1; done
    kill -9 "${pids[$i]}" 2>/dev/null || true
  done
  if [ -n "$backup" ]; then mv -f "$backup" "$conf"; else rm -f "$conf"; fi
  rm -rf "$munge"
  exit $rc
}
trap cleanup EXIT INT TERM

mungekey --create --keyfile="$munge/munge.key" --force >/dev/null 2>&1
chmod 600 "$munge/munge.key"
munged -F --key-file="$munge/munge.key" --socket="$munge/munge.socket" \
  --pid-file="$munge/munged.pid" --seed-file="$munge/seed" \
  --log-file="$state/log/munged.log" > "$state/log/munged.out" 2>&1 &
pids+=($!)   # started first, stopped last

cpus=$(nproc)
mem_mb=$(awk '/MemAvailable/ {printf "%d", $2 / 1024 * 0.9}' /proc/meminfo)
mkdir -p /etc/slurm
if [ -e "$conf" ]; then backup="$state/slurm.conf.orig"; cp -p "$conf" "$backup"; fi
cat > "$conf" <<CONF
ClusterName=local
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$munge/munge.socket
StateSaveLocation=$state/state
SlurmdSpoolDir=$state/spool/slurmd
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd.log
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=pmix
ReturnToService=2
MinJobAge=300
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
NodeName=localhost CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF

for _ in $(seq 50); do [ -S "$munge/munge.socket" ] && break; sleep 0.1; done
if [ ! -S "$munge/munge.socket" ]; then
  echo "local_slurm: munged did not start:" >&2
  tail -5 "$state/log/munged.out" >&2
  exit 1
fi
slurmctld -D -i > "$state/log/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -N localhost > "$state/log/slurmd.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  sinfo -h -o %t 2>/dev/null | grep -qx idle && break
  sleep 0.2
done
sinfo -h -o %t | grep -qx idle || { echo "local_slurm: the node never became idle" >&2; cat "$state"/log/*.log >&2; exit 1; }
echo "${pids[*]}" > "$state/daemon.pids"
echo "local_slurm: munged, slurmctld, slurmd up (PIDs ${pids[*]})" >&2
"$@"
