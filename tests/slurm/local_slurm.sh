#!/usr/bin/env bash
# A two-node SLURM on this one machine for tests: install slurm-wlm and munge if
# missing, start munged, slurmctld and two slurmd (nodes n1 and n2, each with its own
# name, port, spool and log, and half of the CPUs, so a 2-task job spans both nodes),
# run the given command, then stop exactly the daemons started here (by PID, in order
# slurmd n2, slurmd n1, slurmctld, munged) and restore /etc/slurm/slurm.conf. Debian's
# slurm-wlm is built with multiple-slurmd support, which is what makes this possible.
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

mkdir -p "$state"/{state,log} "$state"/spool/slurmd.{n1,n2} "$state"/tmp/{n1,n2}
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
if [ "$cpus" -lt 2 ]; then echo "local_slurm: two nodes need 2 CPUs, this machine has $cpus" >&2; exit 1; fi
cpus1=$((cpus / 2)); cpus2=$((cpus - cpus1))
mem_mb=$(awk '/MemAvailable/ {printf "%d", $2 / 1024 * 0.9 / 2}' /proc/meminfo)  # per node
host=$(hostname)
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
SlurmdSpoolDir=$state/spool/slurmd.%n
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.%n.pid
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd.%n.log
# each node its own TmpFS: Slurm's PMIx plugin makes its client folder there, and the
# two slurmstepd of a 2-node step would otherwise both create /tmp/spmix_appdir_<job>
TmpFS=$state/tmp/%n
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
NodeName=n1 NodeHostname=$host NodeAddr=127.0.0.1 Port=17001 CPUs=$cpus1 RealMemory=$mem_mb State=UNKNOWN
NodeName=n2 NodeHostname=$host NodeAddr=127.0.0.1 Port=17002 CPUs=$cpus2 RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Nodes=n1,n2 Default=YES MaxTime=INFINITE State=UP
CONF

for _ in $(seq 50); do [ -S "$munge/munge.socket" ] && break; sleep 0.1; done
if [ ! -S "$munge/munge.socket" ]; then
  echo "local_slurm: munged did not start:" >&2
  tail -5 "$state/log/munged.out" >&2
  exit 1
fi
slurmctld -D -i > "$state/log/slurmctld.out" 2>&1 &
pids+=($!)
for node in n1 n2; do
  slurmd -D -N "$node" > "$state/log/slurmd.$node.out" 2>&1 &
  pids+=($!)
done
idle() { [ "$(sinfo -h -N -t idle -o %N 2>/dev/null | sort -u | wc -l)" -eq 2 ]; }
for _ in $(seq 100); do idle && break; sleep 0.2; done
idle || { echo "local_slurm: the two nodes never became idle" >&2; tail -n 20 "$state"/log/*.log >&2; exit 1; }
echo "${pids[*]}" > "$state/daemon.pids"
echo "local_slurm: munged, slurmctld, slurmd n1 and n2 up (PIDs ${pids[*]})" >&2
"$@"
