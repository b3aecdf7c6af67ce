"""NumPy arrays through MPI collectives, and an allreduce written by hand checked against MPI's own.

Every check prints 'check passed: ...'; any failure aborts the job with a non-zero exit code.
"""
import sys

import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()
size = comm.Get_size()
N = 1 << 16  # elements per rank


def check(ok, what):
    """Every rank agrees on the outcome; rank 0 reports it."""
    all_ok = comm.allreduce(bool(ok), op=MPI.LAND)
    if rank == 0:
        print(f"check {'passed' if all_ok else 'FAILED'}: {what}", flush=True)
    if not all_ok:
        comm.Abort(1)


def ring_allreduce(data):
    """Sum of `data` over all ranks by a ring: reduce-scatter then allgather, 2(p-1) steps of n/p elements."""
    chunks = np.array_split(data.astype(np.float64).copy(), size)
    right, left = (rank + 1) % size, (rank - 1) % size
    for step in range(size - 1):  # reduce-scatter: chunk (rank - step) travels right, accumulating
        send_index = (rank - step) % size
        recv_index = (rank - step - 1) % size
        incoming = np.empty_like(chunks[recv_index])
        comm.Sendrecv(chunks[send_index], dest=right, recvbuf=incoming, source=left)
        chunks[recv_index] += incoming
    for step in range(size - 1):  # allgather: the finished chunks travel on around the ring
        send_index = (rank + 1 - step) % size
        recv_index = (rank - step) % size
        comm.Sendrecv(chunks[send_index], dest=right, recvbuf=chunks[recv_index], source=left)
    return np.concatenate(chunks)


# Broadcast: rank 0's array reaches everyone unchanged.
data = np.arange(N, dtype=np.float64) if rank == 0 else np.empty(N, dtype=np.float64)
comm.Bcast(data, root=0)
check(np.array_equal(data, np.arange(N, dtype=np.float64)), f"Bcast of {N} doubles")

# Scatter: each rank gets its own slice of rank 0's array.
whole = np.arange(size * N, dtype=np.int64) if rank == 0 else None
part = np.empty(N, dtype=np.int64)
comm.Scatter(whole, part, root=0)
check(np.array_equal(part, np.arange(rank * N, (rank + 1) * N)), f"Scatter of {N} integers to each of {size} ranks")

# Gather: rank 0 gets every rank's slice back in order.
gathered = np.empty(size * N, dtype=np.int64) if rank == 0 else None
comm.Gather(part * 2, gathered, root=0)
check(rank != 0 or np.array_equal(gathered, np.arange(size * N) * 2), "Gather of every rank's slice in rank order")

# Allreduce by hand against MPI's Allreduce, on data that differs per rank.
rng = np.random.default_rng(seed=1000 + rank)
mine = rng.standard_normal(N)
expected = np.empty_like(mine)
comm.Allreduce(mine, expected, op=MPI.SUM)
start = MPI.Wtime()
ours = ring_allreduce(mine)
ring_seconds = MPI.Wtime() - start
check(np.allclose(ours, expected, rtol=1e-12, atol=1e-9),
      f"ring allreduce of {N} doubles equals MPI Allreduce (max difference {np.max(np.abs(ours - expected)):.2e})")
if rank == 0:
    print(f"ring allreduce took {ring_seconds * 1000:.1f} ms on {size} ranks", flush=True)
sys.exit(0)
