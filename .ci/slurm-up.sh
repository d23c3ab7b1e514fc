#!/usr/bin/env bash
# Starts a one-node Slurm cluster (Debian 12's Slurm 22.05 and munge) whose configuration,
# state and logs live in DIR, waits until its node is idle, and writes DIR/env, a file to
# `source` that points the Slurm commands at it. Installs the Debian packages if missing.
# As root (munged is run as the munge user; jobs run as their submitter).
#   bash .ci/slurm-up.sh DIR        ...        bash .ci/slurm-down.sh DIR
set -euo pipefail
if [ $# -ne 1 ]; then echo "usage: $0 DIR" >&2; exit 2; fi
if [ "$(id -u)" -ne 0 ]; then echo "slurm-up: must run as root (slurmd starts jobs as their user)" >&2; exit 2; fi
mkdir -p "$1"
DIR="$(cd "$1" && pwd)"

missing=()
for tool in slurmctld slurmd sbatch munged; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  # Others may hold the dpkg lock (e.g. another install step): wait for it rather than fail.
  apt-get -o DPkg::Lock::Timeout=600 update -q
  apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends slurmctld slurmd slurm-client munge
fi

if [ -s "$DIR/state/slurmctld.pid" ] && kill -0 "$(cat "$DIR/state/slurmctld.pid")" 2>/dev/null; then
  echo "slurm-up: a cluster already runs in $DIR (bash .ci/slurm-down.sh $DIR stops it)" >&2
  exit 2
fi

# Two free TCP ports (controller, node daemon), so a second cluster on the machine does not clash.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
CTLD_PORT=6817
while ! port_free "$CTLD_PORT" || ! port_free $((CTLD_PORT + 1)); do CTLD_PORT=$((CTLD_PORT + 10)); done

mkdir -p "$DIR/state/ctld" "$DIR/state/d" "$DIR/log"
# The node's CPUs and memory as slurmd sees them, under the node name used below.
NODE_LINE="$(slurmd -C | head -1 | sed 's/^NodeName=[^ ]*/NodeName=localhost/')"
cat >"$DIR/slurm.conf" <<EOF
ClusterName=ci
SlurmctldHost=localhost
SlurmctldPort=$CTLD_PORT
SlurmdPort=$((CTLD_PORT + 1))
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=$DIR/state/ctld
SlurmdSpoolDir=$DIR/state/d
SlurmctldPidFile=$DIR/state/slurmctld.pid
SlurmdPidFile=$DIR/state/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
# Start batch jobs as soon as they can run: the default may hold them up to 3 s (measured:
# a 4-task array of "true" on 2 CPUs took 6 s with it, 2 s without).
SchedulerParameters=batch_sched_delay=0
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
$NODE_LINE
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$DIR/slurm.conf"

# munged: one per machine (its socket is fixed); reuse a running one, else start it and
# remember its pid so slurm-down.sh stops only what this script started.
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  install -d -o munge -g munge -m 0755 /run/munge   # systemd would make it
  [ -s /etc/munge/munge.key ] || runuser -u munge -- mungekey --create
  runuser -u munge -- munged                         # refuses to run as root
  cp /run/munge/munged.pid "$DIR/state/munged.pid"
  munge -n | unmunge >/dev/null
fi

slurmctld
slurmd -N localhost   # the machine's hostname is not the node's name
for _ in $(seq 1 120); do
  [ "$(sinfo -h -n localhost -o %t 2>/dev/null)" = idle ] && break
  sleep 0.25
done
if [ "$(sinfo -h -n localhost -o %t 2>/dev/null)" != idle ]; then
  echo "slurm-up: node not idle after 30 s; see $DIR/log/slurmctld.log and $DIR/log/slurmd.log" >&2
  exit 1
fi
echo "export SLURM_CONF='$DIR/slurm.conf'" >"$DIR/env"
echo "slurm-up: one-node cluster ready in $DIR (ports $CTLD_PORT-$((CTLD_PORT + 1))); source $DIR/env"
