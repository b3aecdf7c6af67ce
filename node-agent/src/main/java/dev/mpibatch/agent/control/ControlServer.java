package dev.mpibatch.agent.control;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mpibatch.agent.AgentEnv;
import dev.mpibatch.agent.LogText;
import dev.mpibatch.agent.mpi.Cancellation;
import dev.mpibatch.agent.mpi.StepRequests;
import dev.mpibatch.agent.mpi.StepRunner;
import dev.mpibatch.plan.JobSpec;
import dev.mpibatch.plan.PlanException;
import dev.mpibatch.plan.PlanParser;
import dev.mpibatch.plan.Step;

/**
 * The main node's control socket: a Unix domain socket in the agent's private (0700) state directory, where the
 * programs of a running {@code sh} step ask for steps ({@code mpi-batch-node}, the {@code mpi_batch} Python module;
 * {@link ControlProtocol}). Each request is parsed and validated as a job file's step is, then run by the plan's own
 * step runner; its exit code is the answer.
 *
 * <p>One requested step at a time: a second request while one runs is refused (exit 2) rather than queued, since
 * every MPI launch takes all the cluster's slots, and a requested step that waited for itself would never end. A
 * request is refused too when it comes from another host than this one (a worker, or an MPI rank elsewhere that
 * inherited the socket's path), or when no {@code sh} step runs. The client's hanging up stops its step, and so does
 * the end of the {@code sh} step it was asked from.
 */
public final class ControlServer implements StepRequests, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);
    /** A connection that has not sent its request by then is closed. */
    private static final Duration REQUEST_WAIT = Duration.ofSeconds(10);
    /** How long the end of an sh step waits for a step it asked for to stop. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private final ControlSocket socket;
    private final ServerSocketChannel server;
    private final String hostname;
    private final String workingDir;
    private final ScheduledExecutorService timer;
    private final Thread acceptor;
    private final AtomicInteger connections = new AtomicInteger();
    private Session session;
    private Running running;

    /** The plan step whose programs may ask, and how many steps they asked for so far. */
    private record Session(int number, Runner runner, AtomicInteger asked) {
    }

    /** The requested step that runs now. */
    private record Running(String label, String type, Cancellation cancellation, CountDownLatch done) {
    }

    /** A request refused before its step ran: exit code 2 and the message. */
    private static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    private ControlServer(ControlSocket socket, String hostname, String workingDir) {
        this.socket = socket;
        this.server = socket.channel();
        this.hostname = hostname;
        this.workingDir = workingDir;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "control-timer"));
        this.acceptor = daemon(this::acceptLoop, "control-accept");
        acceptor.start();
    }

    /**
     * Listens on the control socket in {@code stateDir} (see {@link ControlSocket}).
     *
     * @param hostname   this node's hostname: requests from another are refused
     * @param workingDir the job's working directory, against which requested steps are validated
     */
    public static ControlServer start(Path stateDir, String hostname, String workingDir) {
        return new ControlServer(ControlSocket.bind(stateDir), hostname, workingDir);
    }

    /**
     * Runs {@code spec}'s steps with {@code steps}, taking steps from the programs of its {@code sh} steps through a
     * control socket in {@code stateDir} while they run. A socket that cannot be opened is logged, and the plan runs
     * without it (its programs are then told that no step can be asked for).
     */
    public static int runPlan(StepRunner steps, JobSpec spec, Path stateDir, String hostname) {
        if (spec.steps().stream().noneMatch(step -> step instanceof Step.Sh)) {
            return steps.run(spec.steps());
        }
        ControlServer control;
        try {
            control = start(stateDir, hostname, spec.workingDir());
        } catch (UncheckedIOException e) {
            LOG.warn("{}: the programs of sh steps cannot ask for steps (mpi-batch-node)", e.getMessage());
            return steps.run(spec.steps());
        }
        try (control) {
            steps.acceptRequests(control);
            return steps.run(spec.steps());
        }
    }

    /** Where the socket is. */
    public Path socket() {
        return socket.path();
    }

    @Override
    public synchronized Map<String, String> open(int number, Runner runner) {
        session = new Session(number, runner, new AtomicInteger());
        return Map.of(AgentEnv.CONTROL, socket.path().toString());
    }

    @Override
    public void end() {
        Running stillRunning;
        int number;
        synchronized (this) {
            if (session == null) {
                return;
            }
            number = session.number();
            stillRunning = running;
            session = null;
        }
        if (stillRunning != null) {
            stillRunning.cancellation().cancel("step " + number + " (sh), which asked for it, has ended");
            await(stillRunning.done(), STOP_WAIT);
        }
    }

    @Override
    public void close() {
        end();
        timer.shutdownNow();
        try {
            socket.close();
        } catch (UncheckedIOException e) {
            LOG.warn("{}", e.getMessage());
        }
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel channel = server.accept();
                daemon(() -> serve(channel), "control-" + connections.incrementAndGet()).start();
            } catch (IOException e) {
                if (server.isOpen()) {
                    LOG.warn("control socket {}: {}", socket.path(), e.getMessage());
                }
                return;
            }
        }
    }

    private void serve(SocketChannel channel) {
        try (channel) {
            ScheduledFuture<?> bound = timer.schedule(() -> closeQuietly(channel), REQUEST_WAIT.toMillis(),
                    TimeUnit.MILLISECONDS);
            Step step;
            Running run;
            Session asking;
            try {
                byte[] line = RequestReader.readLine(channel, ControlProtocol.MAX_REQUEST);
                bound.cancel(false);
                if (line == null) {
                    return; // hung up without asking
                }
                ControlProtocol.Request request = ControlProtocol.request(line);
                synchronized (this) {
                    asking = session;
                }
                step = check(request, asking);
                run = admit(step, asking);
            } catch (Refused | IllegalArgumentException | PlanException e) {
                LOG.error("refused a step asked for with mpi-batch-node (exit 2): {}", e.getMessage());
                write(channel, ControlProtocol.result(2, null, e.getMessage()));
                return;
            }
            runAndAnswer(channel, step, run, asking);
        } catch (IOException e) {
            LOG.debug("control connection: {}", e.getMessage());
        }
    }

    /** The request's step, parsed and validated, or {@link Refused} saying why it cannot run. */
    private Step check(ControlProtocol.Request request, Session asking) {
        if (!request.host().equals(hostname)) {
            throw new Refused("the request comes from host " + LogText.escape(request.host()) + ", but the main node is "
                    + hostname + ": mpi-batch-node runs steps from the main node only (from an sh step's programs), not "
                    + "from a worker or an MPI rank on another node");
        }
        if (asking == null) {
            throw new Refused("no sh step of the plan runs now: steps are taken only from the programs of a running "
                    + "sh step (was this program left running by a step that has ended?)");
        }
        return PlanParser.parseStep(request.step(), workingDir);
    }

    private synchronized Running admit(Step step, Session asking) {
        if (session != asking) {
            throw new Refused("step " + asking.number() + " (sh), which this program belongs to, has ended");
        }
        if (running != null) {
            throw new Refused("step " + running.label() + " (" + running.type() + ") is still running: the job runs one "
                    + "requested step at a time, so wait for it to return (a requested step cannot ask for another)");
        }
        String label = asking.number() + "." + asking.asked().incrementAndGet();
        running = new Running(label, step.type(), new Cancellation(), new CountDownLatch(1));
        return running;
    }

    private void runAndAnswer(SocketChannel channel, Step step, Running run, Session asking) throws IOException {
        int code;
        try {
            write(channel, ControlProtocol.started(run.label()));
            daemon(() -> watchHangUp(channel, run), "control-hangup-" + run.label()).start();
            code = asking.runner().run(step, run.label(), run.cancellation());
        } finally {
            synchronized (this) {
                running = null;
            }
            run.done().countDown();
        }
        write(channel, ControlProtocol.result(code, run.label(), run.cancellation().reason().orElse(null)));
    }

    /** The client keeps its end open while its step runs: its end (exit, kill) stops the step. */
    private static void watchHangUp(SocketChannel channel, Running run) {
        ByteBuffer buffer = ByteBuffer.allocate(256);
        try {
            while (channel.read(buffer.clear()) >= 0) {
                // Nothing more is expected from the client; whatever comes is ignored.
            }
        } catch (IOException e) {
            // closed by us after the answer, or reset by the client
        }
        if (run.done().getCount() > 0) {
            run.cancellation().cancel("the program that asked for it (mpi-batch-node) went away");
        }
    }

    private static void write(SocketChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // already closed
        }
    }

    private static void await(CountDownLatch latch, Duration max) {
        try {
            if (!latch.await(max.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("a requested step did not stop within {}s", max.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemon(Runnable body, String name) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }
}
