#!/usr/bin/env bash
# Installs what the QEMU log collector and its tests need: QEMU (TCG is enough), the
# guest userland (busybox-static), the initramfs packer (cpio), iperf3 for the iperf3
# workload's host-side server, and apt's download of the guest kernel needs no extra
# package. Idempotent; safe to run as root on a fresh Debian 12 machine.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends \
  qemu-system-x86 busybox-static cpio iperf3 gzip ca-certificates
