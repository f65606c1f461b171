package io.iotpipeline.access;

/**
 * The one form of a request path that both HTTP servers serve. Vert.x's router matches a route with or without a
 * trailing slash, after decoding escaped letters and dots, and reads {@code //} as one segment; a guard deciding on any
 * other spelling than the router's would let {@code /api/events/} past a rule written for {@code /api/events}. So the
 * first gate refuses every path that is not already in the router's normal form: what the guard decides on is, byte
 * for byte, what the router serves.
 */
public final class RequestPath {

    private RequestPath() {
    }

    /**
     * Why the path is refused, or null when it is canonical.
     *
     * @param raw        the path as the client sent it
     * @param normalized the path as the router matches it (Vert.x's {@code normalizedPath()})
     * @param trailingSlashUnder a prefix under which a trailing slash is part of the path (Jolokia's root), or null
     */
    public static String refusal(String raw, String normalized, String trailingSlashUnder) {
        if (raw == null || raw.isEmpty() || raw.charAt(0) != '/') {
            return "the path must start with /";
        }
        if (raw.contains("//")) {
            return "the path has an empty segment (//): write it with single slashes";
        }
        if (raw.indexOf('\\') >= 0 || raw.indexOf(';') >= 0) {
            return "the path holds a backslash or a semicolon";
        }
        if (raw.length() > 1 && raw.endsWith("/") && !(trailingSlashUnder != null && raw.equals(trailingSlashUnder + "/"))) {
            return "the path ends with a slash: write it without";
        }
        if (!upperCaseEscapes(raw).equals(normalized)) {
            return "the path has dot segments or escaped characters that need none: write it plainly";
        }
        return null;
    }

    /** {@code %2f} and {@code %2F} are one character: only the escapes' hex digits may differ in case. */
    private static String upperCaseEscapes(String path) {
        if (path.indexOf('%') < 0) {
            return path;
        }
        StringBuilder upper = new StringBuilder(path);
        for (int i = path.indexOf('%'); i >= 0 && i + 2 < path.length(); i = path.indexOf('%', i + 1)) {
            upper.setCharAt(i + 1, Character.toUpperCase(path.charAt(i + 1)));
            upper.setCharAt(i + 2, Character.toUpperCase(path.charAt(i + 2)));
        }
        return upper.toString();
    }
}
