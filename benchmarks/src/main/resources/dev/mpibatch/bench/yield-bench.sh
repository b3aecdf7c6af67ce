#!/bin/sh
# The shared-cores benchmark, run on the main node by the job's sh steps, in the job's working directory.
# Usage: yield-bench.sh MODE PROGRAM   MODE: before | after | plain | plain-tcp   PROGRAM: graph | lammps
#   after:  the launcher with the environment the agent gives the steps (it told MPI to yield: ranks outnumber cores)
#   before: the same without the agent's yield settings, as before issue 12
#   plain:  plain mpirun --oversubscribe -np 6 on this host alone, with a clean environment: it sees 6 ranks on the
#           machine's cores and yields by itself
#   plain-tcp: the same with Open MPI's ranks talking over TCP only, as ranks on different hosts do (no shared memory)
# Prints "BENCH <mode> <program> <wall ms> <program's own main-loop seconds or ->".
set -eu
ms() { echo $(( $(date +%s%N) / 1000000 )); }
mode=$1 program=$2
case $program in
    graph) set -- ./graph --scale 16 --edge-factor 8 --seed 42 --iterations 20 ;;
    lammps) set -- lmp -in in.lj -log none ;;
esac
# The agent's environment names the cluster's MPI: Hydra's variables for MPICH.
if [ -z "${HYDRA_HOST_FILE:-}" ]; then
    yield="OMPI_MCA_mpi_yield_when_idle"
    plain="mpirun.openmpi --oversubscribe -np 6"
    launcher="mpirun.openmpi"
else
    yield="MPIR_CVAR_POLLS_BEFORE_YIELD MPIR_CVAR_CH4_PROGRESS_THROTTLE MPIR_CVAR_CH4_PROGRESS_THROTTLE_NO_PROGRESS_COUNT"
    plain="mpiexec.mpich -n 6"
    launcher="mpiexec.mpich -n 6 -iface eth0"
fi
unset_yield=
for name in $yield; do unset_yield="$unset_yield -u $name"; done
t0=$(ms)
case $mode in
    after)
        # shellcheck disable=SC2086
        $launcher "$@" >out.txt 2>&1 ;;
    before)
        # shellcheck disable=SC2086
        env $unset_yield $launcher "$@" >out.txt 2>&1 ;;
    plain)
        # shellcheck disable=SC2086
        env -i PATH="$PATH" HOME="${HOME:-/root}" OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
            $plain "$@" >out.txt 2>&1 ;;
    plain-tcp)
        # shellcheck disable=SC2086
        env -i PATH="$PATH" HOME="${HOME:-/root}" OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
            OMPI_MCA_btl=self,tcp $plain "$@" >out.txt 2>&1 ;;
esac
t1=$(ms)
case $program in
    lammps) loop=$(sed -n 's/^Loop time of \([0-9.e+-]*\) on .*/\1/p' out.txt | head -n 1) ;;
    graph) loop=$(awk '/^timing: / { s += $3 } END { printf "%.3f", s }' out.txt) ;;
esac
echo "BENCH $mode $program $((t1 - t0)) ${loop:--}"
