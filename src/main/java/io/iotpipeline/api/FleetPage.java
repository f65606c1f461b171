package io.iotpipeline.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A page of the fleet ({@code GET /api/devices}): the statement for a sort order, with keyset paging. The page ends
 * with a cursor that holds the sort's value and the (customerId, deviceId) of its last device, so the next page starts
 * right after it however the fleet changes in between, and costs the same on page 1 and page 100.
 */
public final class FleetPage {

    /** The sort orders; a leading minus sorts descending. Ties are broken by customerId and deviceId. */
    public static final List<String> SORTS = List.of("device", "-device", "lastSeen", "-lastSeen", "avgTemperatureC",
            "-avgTemperatureC", "lastTemperature", "-lastTemperature", "readings", "-readings");

    /** One summary per customer ({@code GET /api/customers}), paged by customerId. */

    /** The keyset position of the first page (a map, as camel-sql's named parameters want it; nulls allowed). */
    static final Map<String, Object> NO_POSITION = java.util.Collections.unmodifiableMap(position(null, null, null));

    private static final String FILTERS = "(CAST(:#customerId AS text) IS NULL OR customerId = :#customerId)"
            + " AND (CAST(:#state AS text) IS NULL OR state = :#state)"
            + " AND (CAST(:#status AS text) IS NULL OR lastStatus = :#status)"
            + " AND (CAST(:#search AS text) IS NULL OR starts_with(deviceId, :#search)"
            + " OR starts_with(customerId || '/' || deviceId, :#search))";

    /** Reads a cursor's numbers as written: a sort value rounded on the way back would skip or repeat devices. */
    private static final com.fasterxml.jackson.databind.ObjectMapper EXACT = new com.fasterxml.jackson.databind.ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** The statement, its sort to fill in. */
    private static final String TEMPLATE = io.iotpipeline.store.Statements.text("api-devices");

    private FleetPage() {
    }

    /** The statement answering one page in the given sort (one of {@link #SORTS}). */
    public static String statement(String sort) {
        boolean descending = sort.startsWith("-");
        String key = descending ? sort.substring(1) : sort;
        String[] expressionAndType = switch (key) {
            case "device" -> new String[] {"customerId || '/' || deviceId", null};
            case "lastSeen" -> new String[] {"lastSeen", "timestamptz"};
            case "avgTemperatureC" -> new String[] {"temperatureSum / readings", "numeric"};
            case "lastTemperature" -> new String[] {"lastTemperature", "float8"};
            case "readings" -> new String[] {"readings", "bigint"};
            default -> throw new IllegalArgumentException("no sort " + sort);
        };
        String direction = descending ? " DESC" : "";
        String order = expressionAndType[1] == null ? "customerId" + direction + ", deviceId" + direction
                : expressionAndType[0] + direction + ", customerId" + direction + ", deviceId" + direction;
        String comparison = descending ? " < " : " > ";
        String after = expressionAndType[1] == null
                ? "(customerId, deviceId)" + comparison + "(:#afterCustomer, :#afterDevice)"
                : "(" + expressionAndType[0] + ", customerId, deviceId)" + comparison
                        + "(CAST(:#afterValue AS " + expressionAndType[1] + "), :#afterCustomer, :#afterDevice)";
        return TEMPLATE.replace("{{sortValue}}", expressionAndType[0]).replace("{{order}}", order)
                .replace("{{filters}}", FILTERS).replace("{{after}}", after).replace("{{sort}}", sort);
    }

    /** The position a cursor of this sort holds, or null when it is no cursor of this sort. */
    public static Map<String, Object> position(String sort, String cursor) {
        try {
            JsonNode decoded = EXACT.readTree(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
            if (decoded == null || !decoded.isArray() || decoded.size() != 4 || !sort.equals(decoded.get(0).asText())
                    || !decoded.get(2).isTextual() || !decoded.get(3).isTextual()) {
                return null;
            }
            String afterValue = decoded.get(1).isNull() ? null : decoded.get(1).asText();
            // a tampered cursor is the client's mistake (400), not a statement the database refuses (503)
            if (!isSortValue(sort, afterValue) || !io.iotpipeline.domain.Ids.isId(decoded.get(2).asText())
                    || !io.iotpipeline.domain.Ids.isId(decoded.get(3).asText())) {
                return null;
            }
            return position(afterValue, decoded.get(2).asText(), decoded.get(3).asText());
        } catch (IllegalArgumentException | java.io.IOException e) {
            return null;
        }
    }

    /** Whether a cursor's sort value reads as the sort's SQL type does. */
    static boolean isSortValue(String sort, String value) {
        String key = sort.startsWith("-") ? sort.substring(1) : sort;
        if (value == null || key.equals("device")) {
            return true;
        }
        try {
            if (key.equals("lastSeen")) {
                java.time.OffsetDateTime.parse(value);
                return true;
            }
            if (key.equals("readings")) {
                Long.parseLong(value);
                return true;
            }
            // a temperature the database can read back: float8 and a numeric of sane size
            java.math.BigDecimal number = new java.math.BigDecimal(value);
            return Double.isFinite(number.doubleValue()) && number.scale() <= 1000 && number.precision() <= 1000;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Map<String, Object> position(String afterValue, String afterCustomer, String afterDevice) {
        Map<String, Object> position = new HashMap<>();
        position.put("afterValue", afterValue);
        position.put("afterCustomer", afterCustomer);
        position.put("afterDevice", afterDevice);
        return position;
    }
}
