package dev.mpibatch.agent;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Text from the job (file names, commands, arguments) as it goes into a log line: control characters are escaped,
 * so that a name with a newline cannot start a line of its own that looks like the agent's.
 */
public final class LogText {
    private LogText() {
    }

    /**
     * {@code text} with line breaks and tabs written as {@code \n}, {@code \r}, {@code \t}, and every other control
     * character (C0, DEL, C1, and the Unicode line and paragraph separators) as {@code \}{@code uXXXX}.
     */
    public static String escape(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String replacement = switch (c) {
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                default -> Character.isISOControl(c) || c == '\u2028' || c == '\u2029'
                        ? String.format("\\u%04x", (int) c) : null;
            };
            if (replacement != null && out == null) {
                out = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            if (out != null) {
                if (replacement != null) {
                    out.append(replacement);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? text : out.toString();
    }

    /** Each of {@code texts} escaped, joined by spaces. */
    public static String escapeAll(List<String> texts) {
        return texts.stream().map(LogText::escape).collect(Collectors.joining(" "));
    }
}
