package dev.mpibatch.agent.mpi;

/** Where the output of the plan's programs goes, a whole line at a time. */
@FunctionalInterface
public interface OutputSink {
    void line(String text, boolean stderr);

    /** The program's output has ended: pass on anything held back. Called once, after the last line. */
    default void end() {
    }

    /** The agent's own stdout and stderr: what the user sees (and CloudWatch Logs on Batch). */
    static OutputSink console() {
        return (text, stderr) -> {
            if (stderr) {
                synchronized (System.err) {
                    System.err.println(text);
                }
            } else {
                synchronized (System.out) {
                    System.out.println(text);
                    System.out.flush();
                }
            }
        };
    }
}
