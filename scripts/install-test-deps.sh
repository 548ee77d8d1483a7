#!/usr/bin/env bash
# Installs the real components the tests run against, from Debian's packages, and only what is
# missing, so a repeated run costs nothing: containerd and runc (containerd watch tests),
# busybox-static (the rootfs of test tasks), prometheus (promtool for the alert rule tests).
set -euo pipefail

need=()
command -v containerd >/dev/null 2>&1 || need+=(containerd)
command -v runc >/dev/null 2>&1 || need+=(runc)
[ -x /bin/busybox ] || need+=(busybox-static)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)

if [ ${#need[@]} -eq 0 ]; then
  echo "test dependencies: all present (containerd, runc, busybox, promtool)"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "test dependencies missing: ${need[*]}; run this script as root (it uses apt-get)" >&2
  exit 1
fi

echo "test dependencies: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# Debian's prometheus package starts a server through its unit when systemd runs; the tests
# need only promtool, so nothing more is done here.
