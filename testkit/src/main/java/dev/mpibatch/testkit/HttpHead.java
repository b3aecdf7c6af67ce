package dev.mpibatch.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The start line and headers of an HTTP/1.1 message, kept as received (order, case and values) so that forwarding
 * it upstream changes no signed byte. Shared by the S3 fault proxy and the Batch emulator's front server.
 */
public final class HttpHead {
    private static final int MAX_LINE = 64 * 1024;
    private static final int MAX_HEADERS = 256;

    private final String startLine;
    private final List<String> headerLines;

    private HttpHead(String startLine, List<String> headerLines) {
        this.startLine = startLine;
        this.headerLines = List.copyOf(headerLines);
    }

    /** Reads a head, or returns null when the stream ends cleanly before its first byte (the peer closed). */
    public static HttpHead read(InputStream in) throws IOException {
        String start = readLine(in, true);
        if (start == null) {
            return null;
        }
        List<String> lines = new ArrayList<>();
        for (String line = readLine(in, false); !line.isEmpty(); line = readLine(in, false)) {
            if (lines.size() == MAX_HEADERS) {
                throw new IOException("more than " + MAX_HEADERS + " header lines");
            }
            lines.add(line);
        }
        return new HttpHead(start, lines);
    }

    /**
     * Reads one line ending in LF (CR stripped). At a clean end of stream returns null when {@code eofOk}, else
     * fails: a message cut short is a broken connection.
     */
    public static String readLine(InputStream in, boolean eofOk) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                if (eofOk && line.size() == 0) {
                    return null;
                }
                throw new IOException("connection closed in the middle of a line");
            }
            if (line.size() == MAX_LINE) {
                throw new IOException("line longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    public String startLine() {
        return startLine;
    }

    /** The space-separated part {@code index} of the start line (method, target; or version, status). */
    public String startPart(int index) {
        String[] parts = startLine.split(" ", 3);
        if (parts.length <= index) {
            throw new IllegalArgumentException("malformed HTTP start line: " + startLine);
        }
        return parts[index];
    }

    /** The first value of a header (case-insensitive name), or null. */
    public String header(String name) {
        for (String line : headerLines) {
            if (isNamed(line, name)) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return null;
    }

    /** Whether a comma-separated header (Connection, Transfer-Encoding, Expect...) lists {@code token}. */
    public boolean hasToken(String name, String token) {
        for (String line : headerLines) {
            if (isNamed(line, name)) {
                for (String value : line.substring(line.indexOf(':') + 1).split(",")) {
                    if (value.trim().toLowerCase(Locale.ROOT).equals(token)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** This head without any header called {@code name}. */
    public HttpHead without(String name) {
        List<String> kept = new ArrayList<>();
        for (String line : headerLines) {
            if (!isNamed(line, name)) {
                kept.add(line);
            }
        }
        return new HttpHead(startLine, kept);
    }

    /** This head with one more header {@code name: value} at the end. */
    public HttpHead with(String name, String value) {
        List<String> lines = new ArrayList<>(headerLines);
        lines.add(name + ": " + value);
        return new HttpHead(startLine, lines);
    }

    /** Whether a header line {@code Name: value} is the header {@code name} (names are case-insensitive). */
    private static boolean isNamed(String line, String name) {
        int colon = line.indexOf(':');
        return colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name);
    }

    /** The head as it goes on the wire, ending with the empty line. */
    public byte[] bytes() {
        StringBuilder text = new StringBuilder(startLine).append("\r\n");
        for (String line : headerLines) {
            text.append(line).append("\r\n");
        }
        return text.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
