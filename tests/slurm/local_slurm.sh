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

mkdir -p "$state"/{munge,state,spool/slurmd,log}
chmod 755 "$state/munge"
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
  exit $rc
}
trap cleanup EXIT INT TERM

mungekey --create --keyfile="$state/munge/munge.key" --force >/dev/null 2>&1
chmod 600 "$state/munge/munge.key"
munged -F --key-file="$state/munge/munge.key" --socket="$state/munge/munge.socket" \
  --pid-file="$state/munge/munged.pid" --seed-file="$state/munge/seed" \
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
AuthInfo=socket=$state/munge/munge.socket
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

for _ in $(seq 50); do [ -S "$state/munge/munge.socket" ] && break; sleep 0.1; done
slurmctld -D -i > "$state/log/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -N localhost > "$state/log/slurmd.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  sinfo -h -o %t 2>/dev/null | grep -qx idle && break
  sleep 0.2
done
sinfo -h -o %t | grep -qx idle || { echo "local_slurm: the node never became idle" >&2; cat "$state"/log/*.log >&2; exit 1; }
echo "local_slurm: munged, slurmctld, slurmd up (PIDs ${pids[*]})" >&2
"$@"
