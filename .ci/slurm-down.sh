#!/usr/bin/env bash
# Stops the cluster that `bash .ci/slurm-up.sh DIR` started: cancels its jobs, stops its
# slurmctld and slurmd, and munged if that script started it; by the pids in DIR/state,
# nothing else. Safe to run when they are already gone.
set -uo pipefail
if [ $# -ne 1 ]; then echo "usage: $0 DIR" >&2; exit 2; fi
DIR="$(cd "$1" 2>/dev/null && pwd)" || exit 0

running() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
# Waits up to 10 s for the process of a pid file to exit, then terminates it (KILL after 5 s more).
stop() {
  local pid
  running "$1" || return 0
  pid="$(cat "$1")"
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.25; done
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.25; done
  kill -KILL "$pid" 2>/dev/null
}

if running "$DIR/state/slurmctld.pid"; then
  export SLURM_CONF="$DIR/slurm.conf"
  # Jobs still queued or running (e.g. left by a failed test) are cancelled first: the
  # daemons' shutdown alone would leave their processes running.
  jobs="$(squeue -h -o %A 2>/dev/null)"
  if [ -n "$jobs" ]; then
    scancel $jobs 2>/dev/null
    for _ in $(seq 1 40); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.25; done
  fi
  scontrol shutdown >/dev/null 2>&1   # both slurmctld and slurmd
fi
stop "$DIR/state/slurmctld.pid"
stop "$DIR/state/slurmd.pid"
running "$DIR/state/munged.pid" && kill "$(cat "$DIR/state/munged.pid")" 2>/dev/null
stop "$DIR/state/munged.pid"
rm -f "$DIR/state/slurmctld.pid" "$DIR/state/slurmd.pid" "$DIR/state/munged.pid"
echo "slurm-down: stopped the cluster of $DIR"
