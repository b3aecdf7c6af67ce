package dev.mpibatch.cli;

import dev.mpibatch.launcher.LauncherSettings;
import dev.mpibatch.launcher.MpiBatchLauncher;
import dev.mpibatch.launcher.aws.AwsClients;

/** Launchers for commands that only look at or stop existing jobs (no queue, image or bucket needed). */
final class Launchers {
    private Launchers() {
    }

    static MpiBatchLauncher forQueries(AwsClients clients) {
        return forQueries(clients, LauncherSettings.DEFAULT_LOG_GROUP);
    }

    static MpiBatchLauncher forQueries(AwsClients clients, String logGroup) {
        LauncherSettings none = LauncherSettings.builder().queue("-").image("-").bucket("unused").logGroup(logGroup).build();
        return new MpiBatchLauncher(clients.batch(), clients.s3(), clients.logs(), none);
    }
}
