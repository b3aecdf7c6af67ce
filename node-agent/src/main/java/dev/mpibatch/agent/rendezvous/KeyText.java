package dev.mpibatch.agent.rendezvous;

/** The parts of an OpenSSH public key line ({@code type base64 [comment]}). */
final class KeyText {
    private KeyText() {
    }

    /** The base64 key itself, without type or comment: two lines with different comments are the same key. */
    static String body(String line) {
        String[] parts = line.trim().split("\\s+");
        return parts.length >= 2 ? parts[1] : line.trim();
    }
}
