package dev.mpibatch.testkit;

import java.util.Locale;

/** The kind of S3 request, told from the HTTP method and target (path-style or virtual-host addressing). */
public enum S3Operation {
    PUT, GET, LIST, DELETE, HEAD, OTHER;

    /**
     * Classifies a request: a GET of a bucket (no key in the path) or with a {@code list-type} query is a LIST,
     * a GET of an object a GET; POST (multi-object delete, multipart) and unknown methods are OTHER.
     */
    static S3Operation of(String method, String target, boolean virtualHost) {
        int query = target.indexOf('?');
        String path = query < 0 ? target : target.substring(0, query);
        String params = query < 0 ? "" : target.substring(query + 1);
        switch (method.toUpperCase(Locale.ROOT)) {
            case "PUT":
                return PUT;
            case "DELETE":
                return DELETE;
            case "HEAD":
                return HEAD;
            case "GET":
                boolean hasKey = virtualHost ? path.length() > 1 : keyStart(path) > 0;
                return !hasKey || params.contains("list-type=") ? LIST : GET;
            default:
                return OTHER;
        }
    }

    /** Index of the key in a path-style path {@code /bucket/key}, or -1 when there is none. */
    private static int keyStart(String path) {
        int slash = path.indexOf('/', 1);
        return slash < 0 || slash == path.length() - 1 ? -1 : slash + 1;
    }
}
