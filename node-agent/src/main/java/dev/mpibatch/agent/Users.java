package dev.mpibatch.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Who this process runs as. */
public final class Users {
    private Users() {
    }

    /** Whether the process runs as root: Open MPI then needs its run-as-root permission, sshd its privilege separation. */
    public static boolean isRoot() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return Integer.valueOf(0).equals(uid);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(name());
        }
    }

    public static String name() {
        return System.getProperty("user.name");
    }

    /**
     * {@code env} with the login variables an ssh session has ({@code USER}, {@code LOGNAME}, {@code HOME},
     * {@code SHELL}) filled in where it lacks them (a container usually sets only HOME), so that programs on the main
     * node see the same names as those on other nodes, which start from an ssh session.
     */
    public static Map<String, String> withLogin(Map<String, String> env) {
        Map<String, String> login = new HashMap<>(env);
        login.putIfAbsent("USER", name());
        login.putIfAbsent("LOGNAME", name());
        login.putIfAbsent("HOME", System.getProperty("user.home"));
        login.computeIfAbsent("SHELL", n -> shell(name()));
        return login;
    }

    /** The login shell {@code /etc/passwd} gives {@code user}, as sshd would start it; {@code /bin/sh} if none. */
    static String shell(String user) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] fields = line.split(":", -1);
                if (fields.length >= 7 && fields[0].equals(user) && !fields[6].isBlank()) {
                    return fields[6];
                }
            }
        } catch (IOException | RuntimeException e) {
            // no passwd file to read: the POSIX shell
        }
        return "/bin/sh";
    }
}
