package dev.mpibatch.agent;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mpibatch.agent.rendezvous.RendezvousException;
import dev.mpibatch.agent.rendezvous.RendezvousStores;
import dev.mpibatch.agent.rendezvous.Sleeper;
import dev.mpibatch.plan.JobSpec;
import dev.mpibatch.plan.PlanException;

/**
 * The entrypoint of every node's container: {@code java -jar mpi-batch-agent.jar}.
 * All its settings come from the environment (see {@link AgentEnv}); it exits with the node's result.
 */
public final class AgentMain {
    private AgentMain() {
    }

    public static void main(String[] args) {
        Utf8Console.install();
        if (args.length == 1 && args[0].equals("--version")) {
            System.out.println("mpi-batch-agent " + version());
            return;
        }
        if (args.length > 0) {
            System.err.println("mpi-batch-agent takes no arguments (only --version): its settings come from the "
                    + "environment that AWS Batch and mpi-batch set");
            System.exit(AgentExit.BAD_INPUT);
        }
        configureLogging();
        Optional<String> locale = Utf8Console.argumentProblem();
        if (locale.isPresent()) {
            LoggerFactory.getLogger(AgentMain.class).error("{}", locale.get());
            System.exit(AgentExit.BAD_INPUT);
        }
        System.exit(run(System.getenv()));
    }

    /** Runs the agent with {@code env} as its environment and returns its exit code. */
    static int run(Map<String, String> env) {
        Logger log = LoggerFactory.getLogger(AgentMain.class);
        try {
            AgentSettings settings = AgentSettings.from(env);
            JobSpec spec = PlanLoader.load(settings.plan(), () -> RendezvousStores.s3Client(settings.s3Endpoint()));
            if (settings.workDir().isPresent()) {
                spec = spec.withWorkingDir(settings.workDir().get());
            }
            return new NodeAgent(settings, spec, env, Clock.systemUTC(), Sleeper.system(), version()).run();
        } catch (IllegalArgumentException | PlanException e) {
            log.error("{}", e.getMessage());
            return AgentExit.BAD_INPUT;
        } catch (RendezvousException e) {
            log.error("{}", e.getMessage());
            return AgentExit.FORMATION_FAILED;
        } catch (RuntimeException e) {
            log.error("{}", e.getMessage() == null ? e.toString() : e.getMessage());
            log.debug("failure", e);
            return AgentExit.FORMATION_FAILED;
        } catch (Error e) {
            log.error("internal error: {}", e.toString(), e);
            return AgentExit.INTERNAL;
        }
    }

    static String version() {
        String version = AgentMain.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    private static void configureLogging() {
        // slf4j-simple reads these once, at its first use: terse lines, to stderr, with the time.
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
        System.setProperty("org.slf4j.simpleLogger.levelInBrackets", "true");
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
        }
        System.setProperty("org.slf4j.simpleLogger.log.software.amazon", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.net.schmizz", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.com.hierynomus", "warn");
    }
}
