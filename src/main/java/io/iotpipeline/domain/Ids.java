package io.iotpipeline.domain;

import java.util.regex.Pattern;

/**
 * The one rule for customerIds and deviceIds, shared by ingest, the API (its contract's {@code Id} schema) and the
 * dashboard ({@code dashboard.js}): 1 to 20 ASCII letters, digits or {@code _.:-}. An id that ingest stores is always
 * one the API can be asked about and the dashboard can show; markup, control characters and bidi overrides are
 * never ids.
 */
public final class Ids {

    /** As a regular expression, the same text as in openapi.yaml and dashboard.js (IdRuleTest keeps them equal). */
    public static final String RULE = "[A-Za-z0-9_.:-]{1,20}";
    public static final Pattern PATTERN = Pattern.compile(RULE);
    /** Said in a dead letter or a 400. */
    public static final String DESCRIPTION = "1 to 20 letters, digits or _.:-";

    private Ids() {
    }

    /** {@link #RULE}, checked per character: it runs for every reading's ids, where a regex matcher cost the most. */
    public static boolean isId(String text) {
        if (text == null || text.isEmpty() || text.length() > 20) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
                    || c == ':' || c == '-')) {
                return false;
            }
        }
        return true;
    }
}
