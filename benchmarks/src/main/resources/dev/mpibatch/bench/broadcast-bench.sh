#!/bin/sh
# The broadcast benchmark's baselines, run on the main node by the job's sh steps, in the job's working directory
# (the same path on every host). Host keys are verified: the cluster's own ssh_config, as mpirun uses it.
# Sizes are in KiB. Prints "BENCH <what> <KiB> <milliseconds>" and "BENCH verified <file> <hosts>".
set -eu
CFG="$MPI_BATCH_SSH_CONFIG"
# The same cipher as the mpi-batch relay, so the comparison is between methods, not ciphers.
CIPHER=aes128-gcm@openssh.com
HOSTS=$(tail -n +2 "$MPI_BATCH_HOSTFILE" | cut -d' ' -f1)
FIRST=$(echo "$HOSTS" | head -n 1)

ms() { echo $(( $(date +%s%N) / 1000000 )); }
remote() { ssh -F "$CFG" -p 2222 "$@"; }
# scp as a user types it: its own connection (ControlPath=none: not over the agent's shared connections). -O: the
# SCP protocol (scp -t through the remote shell), as the seed's scp used it; the nodes' sshd runs every session's
# command through the agent's session script, which has no SFTP subsystem for scp's default protocol.
copy() { scp -O -q -F "$CFG" -o ControlPath=none -P 2222 -c "$CIPHER" "$1" "$2:$PWD/$3"; }

# check NAME SOURCE HOST...: every host's copy NAME has SOURCE's SHA-256 (computed there); then it is removed.
check() {
    name=$1 source=$2
    shift 2
    want=$(sha256sum <"$source" | cut -d' ' -f1)
    for host in "$@"; do
        got=$(remote "$host" sha256sum "$PWD/$name" | cut -d' ' -f1)
        if [ "$got" != "$want" ]; then
            echo "BENCH checksum-mismatch $name $host" && exit 1
        fi
        remote "$host" rm -f "$PWD/$name"
    done
    echo "BENCH verified $name $#"
}

size=$2
case $1 in
    make)
        head -c $((size * 1024)) /dev/urandom >"f$size.bin" ;;
    single)
        t0=$(ms); copy "f$size.bin" "$FIRST" "single$size.bin"; t1=$(ms)
        echo "BENCH single $size $((t1 - t0))"
        check "single$size.bin" "f$size.bin" "$FIRST" ;;
    sequential)
        t0=$(ms)
        for host in $HOSTS; do copy "f$size.bin" "$host" "seq$size.bin"; done
        t1=$(ms)
        echo "BENCH sequential $size $((t1 - t0))"
        # shellcheck disable=SC2086 # one word per host
        check "seq$size.bin" "f$size.bin" $HOSTS ;;
    broadcast-copies)
        # shellcheck disable=SC2086
        check "f$size.bin" "f$size.bin" $HOSTS ;;
esac
