#!/bin/sh
# The launch benchmark, run on the main node by the job's sh steps: the same mpirun, once through mpi-batch's
# configuration (its hostfile, ssh_config and MCA variables, all in this step's environment) and once "by hand"
# (a clean environment, a hand-written hostfile, plain ssh options). Open MPI's tree spawn is on in both (its
# default): daemons start further daemons, which works because every node trusts every node.
# Usage: launch-bench.sh ROUNDS PROGRAM...; prints "BENCH ours|hand PROGRAM milliseconds".
set -eu
rounds=$1
shift
STATE=$MPI_BATCH_STATE_DIR
NP=$(wc -l <"$MPI_BATCH_HOSTFILE")
cut -d" " -f1 "$MPI_BATCH_HOSTFILE" | sed 's/$/ slots=1/' >hand-hostfile

ms() { echo $(( $(date +%s%N) / 1000000 )); }
ours() { mpirun -np "$NP" "$@" >/dev/null; }
hand() {
    env -i PATH="$PATH" HOME="${HOME:-/root}" mpirun --allow-run-as-root --hostfile hand-hostfile -np "$NP" \
        --mca plm_rsh_no_tree_spawn 0 \
        --mca plm_rsh_args "-p 2222 -i $STATE/id_ed25519 -o UserKnownHostsFile=$STATE/known_hosts -o StrictHostKeyChecking=yes -o BatchMode=yes" \
        "$@" >/dev/null
}

# One untimed round of each warms the page cache and sshd on every host.
ours "$@"
hand "$@"
i=0
while [ "$i" -lt "$rounds" ]; do
    t0=$(ms); ours "$@"; t1=$(ms); hand "$@"; t2=$(ms)
    echo "BENCH ours $1 $((t1 - t0))"
    echo "BENCH hand $1 $((t2 - t1))"
    i=$((i + 1))
done
