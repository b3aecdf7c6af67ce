"""The job's driver: compiles the program, sends it to every node, then runs it twice, the second size decided
from the first run's result. Each mpi_batch call is one step of the job, run by the main node's agent."""
import mpi_batch

mpi_batch.cc(args=["-O2", "-o", "sweep", "sweep.c"])
mpi_batch.broadcast("sweep")

n = 1000
for run in (1, 2):
    print("driver: run %d: sum of 1..%d over the cluster" % (run, n))
    mpi_batch.exec(program="./sweep", program_args=[str(n)])   # raises StepFailed if the run fails
    with open("sum-%d.txt" % n) as result:
        total = int(result.read())
    print("driver: run %d: sum of 1..%d = %d" % (run, n, total))
    n = total // 1000   # the next run's size comes from this one's result

print("driver: check passed: 2 runs")
