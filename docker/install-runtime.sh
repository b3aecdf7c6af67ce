#!/usr/bin/env bash
# Installs the system packages an mpi-batch node needs: Open MPI, MPICH, OpenSSH's server and client,
# iproute2 and util-linux (network and mount namespaces for local clusters), a C compiler for `cc` steps.
# Shared by the Dockerfile (the node image), .ci/run and bin/mpi-batch, so that what is tested is what ships.
# Usage: install-runtime.sh [--with-jre] [--with-build-tools]
set -euo pipefail

packages=(openmpi-bin libopenmpi-dev mpich libmpich-dev openssh-server openssh-client iproute2 util-linux procps
  gcc g++ libc6-dev make ca-certificates python3 python3-mpi4py python3-numpy)
for arg in "$@"; do
  case "$arg" in
    --with-jre) packages+=(openjdk-17-jre-headless) ;;
    --with-build-tools) packages+=(openjdk-17-jdk-headless maven awscli) ;;
    *) echo "install-runtime.sh: unknown option '$arg' (use --with-jre or --with-build-tools)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "mpi-batch needs these Debian packages: ${missing[*]}" >&2
  echo "install them as root: sudo apt-get install -y ${missing[*]}" >&2
  exit 2
fi
echo "installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# Slim images (debian:12-slim, bin/build-image's base) leave out /usr/share/man, and the JDK's postinst fails
# registering its man pages (update-alternatives) when the directory does not exist.
mkdir -p /usr/share/man/man1
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# sshd's privilege separation directory; Debian creates it at boot, containers have no boot.
mkdir -p /run/sshd
