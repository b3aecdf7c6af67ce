"""Rank 0 sends a greeting to every other rank; each prints what it got and where it came from."""
import socket

from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()
size = comm.Get_size()
host = socket.gethostname()

if rank == 0:
    for dest in range(1, size):
        comm.send({"text": f"hello rank {dest}", "from_host": host}, dest=dest, tag=7)
    print(f"rank 0 of {size} on {host} sent {size - 1} messages", flush=True)
else:
    message = comm.recv(source=0, tag=7)
    ok = message["text"] == f"hello rank {rank}"
    print(f"rank {rank} of {size} on {host} received '{message['text']}' from rank 0 on {message['from_host']}"
          f" ({'ok' if ok else 'WRONG'})", flush=True)
    if not ok:
        comm.Abort(1)

# Everyone checks that every rank got its message: a sum over all ranks.
received = comm.allreduce(1 if rank > 0 else 0, op=MPI.SUM)
if rank == 0:
    assert received == size - 1, f"only {received} of {size - 1} ranks received their message"
    print(f"check passed: {received} of {size - 1} ranks received their message", flush=True)
