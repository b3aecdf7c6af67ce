/**
 * Steps asked for by the programs of a running {@code sh} step: the main node's control socket
 * ({@link dev.mpibatch.agent.control.ControlServer}) and its protocol. The clients are {@code mpi-batch-node} and the
 * {@code mpi_batch} Python module ({@code docker/python/mpi_batch.py}); the agent wires the server in with
 * {@code ControlServer.runPlan(stepRunner, spec, stateDir, hostname)}. A driver then reads:
 *
 * <pre>
 * import mpi_batch
 * mpi_batch.cc(args=["-o", "hello", "hello.c"])
 * mpi_batch.broadcast("hello")
 * mpi_batch.exec(program="./hello")
 * </pre>
 */
package dev.mpibatch.agent.control;
