package io.iotpipeline.api;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The parameters of one API request, checked: ids of the wire format's shape, times as ISO dates or date-times (UTC,
 * like eventTime), and a row limit capped by {@code api.maxRows}. A query parameter the operation does not take is
 * refused too, so a misspelt filter never silently widens the answer. Anything else is a {@link BadRequestException}
 * that says what is wrong, answered with 400.
 */
public final class ApiQuery {

    /** Said to the client as the body of a 400. */
    public static final class BadRequestException extends Exception {
        public BadRequestException(String message) {
            super(message);
        }
    }

    private static final Pattern ID = io.iotpipeline.domain.Ids.PATTERN;

    private static final Pattern SEARCH = Pattern.compile("[A-Za-z0-9_.:/-]{1,41}");

    private final Function<String, String> parameter;
    private final java.util.Set<String> given;
    private final java.util.Set<String> read = new java.util.LinkedHashSet<>();
    private final Map<String, Object> values = new LinkedHashMap<>();

    /**
     * @param parameter the request's query or path parameter by name, null when absent
     * @param given     the names of the request's query parameters
     */
    public ApiQuery(Function<String, String> parameter, java.util.Set<String> given) {
        this.parameter = parameter;
        this.given = given;
    }

    /** The checked values by name, for camel-sql's {@code :#name} parameters; refuses a parameter nothing read. */
    public Map<String, Object> values() throws BadRequestException {
        for (String name : given) {
            if (!read.contains(name)) {
                throw new BadRequestException("unknown parameter '" + shorten(name) + "'"
                        + (read.isEmpty() ? ": this operation takes none" : ": this operation takes " + String.join(", ", read)));
            }
        }
        return values;
    }

    /** A value the operation supplies itself, not the request (the measurement catalog); no request parameter. */
    public ApiQuery fixed(String name, Object value) {
        values.put(name, value);
        return this;
    }

    /** A value already read and checked. */
    public Object value(String name) {
        return values.get(name);
    }

    /** Text to match the start of a deviceId or of customerId/deviceId, or absent. */
    public ApiQuery search(String name) throws BadRequestException {
        String value = text(name);
        if (value != null && !SEARCH.matcher(value).matches()) {
            throw new BadRequestException(name + " '" + shorten(value) + "' is not the start of a device: 1 to 41 letters,"
                    + " digits or _.:/-");
        }
        values.put(name, value);
        return this;
    }

    /** The opaque nextCursor of a previous page, decoded to what it holds (by {@link FleetPage}), or absent. */
    public ApiQuery cursor(java.util.function.Function<String, Map<String, Object>> decode) throws BadRequestException {
        String value = text("cursor");
        Map<String, Object> position = null;
        if (value != null) {
            position = decode.apply(value);
            if (position == null) {
                throw new BadRequestException("cursor '" + shorten(value) + "' is not a nextCursor of this listing:"
                        + " pass the one the previous page answered, with the same sort");
            }
        }
        values.putAll(position == null ? FleetPage.NO_POSITION : position);
        return this;
    }

    public ApiQuery id(String name, boolean required) throws BadRequestException {
        String value = text(name);
        if (value == null) {
            if (required) {
                throw new BadRequestException(name + " is required");
            }
            values.put(name, null);
            return this;
        }
        if (!ID.matcher(value).matches()) {
            throw new BadRequestException(name + " '" + shorten(value) + "' is not an id: 1 to 20 letters, digits or _.:-");
        }
        values.put(name, value);
        return this;
    }

    /** One of the allowed words, or absent. */
    public ApiQuery oneOf(String name, java.util.List<String> allowed) throws BadRequestException {
        return oneOf(name, allowed, null);
    }

    /** One of the allowed words, or {@code fallback} when absent. */
    public ApiQuery oneOf(String name, java.util.List<String> allowed, String fallback) throws BadRequestException {
        String value = text(name);
        if (value == null) {
            value = fallback;
        }
        if (value != null && !allowed.contains(value)) {
            throw new BadRequestException(name + " '" + shorten(value) + "' is not one of " + String.join(", ", allowed));
        }
        values.put(name, value);
        return this;
    }

    /** An ISO date-time ({@code 2023-01-05T11:13:53}, seconds and fraction optional; a space works as the T) or date. */
    public ApiQuery time(String name, LocalDateTime fallback) throws BadRequestException {
        String value = text(name);
        if (value == null) {
            values.put(name, java.sql.Timestamp.valueOf(fallback));
            return this;
        }
        LocalDateTime time;
        try {
            time = value.length() == 10 ? LocalDate.parse(value).atStartOfDay()
                    : LocalDateTime.parse(value.replace(' ', 'T'));
        } catch (DateTimeParseException e) {
            throw new BadRequestException(name + " '" + shorten(value)
                    + "' is not a date-time like 2023-01-05T11:13:53 or a date like 2023-01-05 (UTC)");
        }
        // ISO allows years of nine digits and a sign; the database and every reading live within these
        if (time.getYear() < 1 || time.getYear() > 9999) {
            throw new BadRequestException(name + " '" + shorten(value) + "' is outside the years 0001 to 9999");
        }
        values.put(name, java.sql.Timestamp.valueOf(time));
        return this;
    }

    /** Requires {@code from} before {@code to} once both are read. */
    public ApiQuery ordered(String from, String to) throws BadRequestException {
        if (!((java.sql.Timestamp) values.get(from)).before((java.sql.Timestamp) values.get(to))) {
            throw new BadRequestException(from + " must be before " + to);
        }
        return this;
    }

    public ApiQuery limit(int fallback, int max) throws BadRequestException {
        String value = text("limit");
        int limit = fallback;
        if (value != null) {
            try {
                limit = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new BadRequestException("limit '" + shorten(value) + "' is not a whole number");
            }
            if (limit < 1 || limit > max) {
                throw new BadRequestException("limit must be between 1 and " + max + ", got " + limit);
            }
        }
        values.put("limit", Math.min(limit, max));
        return this;
    }

    private String text(String name) {
        read.add(name);
        String value = parameter.apply(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static String shorten(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "…";
    }
}
