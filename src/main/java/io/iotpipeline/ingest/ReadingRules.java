package io.iotpipeline.ingest;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iotpipeline.domain.EventJson;
import io.iotpipeline.domain.DeadLetter;
import io.iotpipeline.domain.DeviceEvent;
import io.iotpipeline.domain.DeviceReading;
import io.iotpipeline.domain.Ids;
import io.iotpipeline.domain.SourceRecord;
import io.iotpipeline.domain.TemperatureUnit;

/**
 * The validation rules of the wire format: what makes an event acceptable, and which of its devices become readings.
 * Column limits mirror {@code sql/V1__readings_and_dead_letters.sql}, so a value that passes here always fits its row.
 * Which statuses are accepted comes from {@code readings.statuses}; which measures are accepted and the plausible
 * temperature range, from the measurement catalog's temperature (or, in a catalog without one, from
 * {@code readings.measures} and {@code readings.range.<measure>}).
 */
public final class ReadingRules {

    /** The statuses of the wire format. */
    public static final List<String> STATUSES = List.of("SUCCESS", "ERROR", "STANDBY");

    /** Accepts every status and C, F and K within wide physical limits. */
    public static final ReadingRules STANDARD = new ReadingRules(STATUSES, Map.of(
            TemperatureUnit.C, new PlausibleRange(-60, 150),
            TemperatureUnit.F, new PlausibleRange(-76, 302),
            TemperatureUnit.K, new PlausibleRange(213.15, 423.15)));

    /** Inclusive bounds of a believable temperature, in the unit it is given for. */
    public record PlausibleRange(double min, double max) {
        public PlausibleRange {
            if (!(min < max)) {
                throw new IllegalArgumentException("a plausible range needs min < max, got " + min + ".." + max);
            }
        }

        /** Parses {@code -60..150}. */
        public static PlausibleRange parse(String text) {
            String[] bounds = text.trim().split("\\.\\.");
            if (bounds.length != 2) {
                throw new IllegalArgumentException("'" + text + "' is not a range like -60..150");
            }
            return new PlausibleRange(Double.parseDouble(bounds[0].trim()), Double.parseDouble(bounds[1].trim()));
        }

        boolean contains(double value) {
            return value >= min && value <= max;
        }

        @Override
        public String toString() {
            return format(min) + ".." + format(max);
        }

        private static String format(double value) {
            return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
        }
    }

    /** Temperature's units and range when neither the catalog nor the properties declare them: the seed's. */
    static final String DEFAULT_MEASURES = "C,F";
    static final Map<TemperatureUnit, String> DEFAULT_RANGES = Map.of(TemperatureUnit.C, "-60..150",
            TemperatureUnit.F, "-76..302", TemperatureUnit.K, "213.15..423.15");

    private final List<String> statuses;
    private final Map<TemperatureUnit, PlausibleRange> ranges;
    private final MeasurementCatalog catalog;
    // the catalog declares temperature: a refusal's reason names it rather than readings.measures / readings.range.*
    private final boolean declaredInCatalog;

    /**
     * @param statuses the accepted statuses, a subset of {@link #STATUSES}
     * @param ranges   the accepted measures, each with its plausible range
     */
    public ReadingRules(List<String> statuses, Map<TemperatureUnit, PlausibleRange> ranges) {
        this(statuses, ranges, MeasurementCatalog.NONE);
    }

    /** @param catalog the measurements beyond temperature a device may carry */
    public ReadingRules(List<String> statuses, Map<TemperatureUnit, PlausibleRange> ranges, MeasurementCatalog catalog) {
        this(statuses, ranges, catalog, false);
    }

    private ReadingRules(List<String> statuses, Map<TemperatureUnit, PlausibleRange> ranges, MeasurementCatalog catalog,
                         boolean declaredInCatalog) {
        if (statuses.isEmpty() || !STATUSES.containsAll(statuses)) {
            throw new IllegalArgumentException("readings.statuses must list some of " + String.join(", ", STATUSES)
                    + ", got " + statuses);
        }
        if (ranges.isEmpty()) {
            throw new IllegalArgumentException("readings.measures must list at least one of C, F, K");
        }
        this.statuses = List.copyOf(statuses);
        this.ranges = new EnumMap<>(ranges);
        this.catalog = catalog;
        this.declaredInCatalog = declaredInCatalog;
    }

    /** These rules with a measurement catalog, and its temperature's units and range if it declares temperature. */
    public ReadingRules withCatalog(MeasurementCatalog measurements) {
        return measurements.temperature().map(temperature -> new ReadingRules(statuses, rangesOf(temperature),
                measurements, true)).orElseGet(() -> new ReadingRules(statuses, ranges, measurements, declaredInCatalog));
    }

    // the catalog's range is in °C: each accepted unit gets it in that unit, as readings.range.<unit> would give it
    private static Map<TemperatureUnit, PlausibleRange> rangesOf(MeasurementCatalog.Definition temperature) {
        Map<TemperatureUnit, PlausibleRange> ranges = new EnumMap<>(TemperatureUnit.class);
        for (String name : temperature.units().keySet()) {
            TemperatureUnit unit = TemperatureUnit.of(name).orElseThrow();
            ranges.put(unit, new PlausibleRange(unit.fromCelsius(temperature.range().min()),
                    unit.fromCelsius(temperature.range().max())));
        }
        return ranges;
    }

    /**
     * Temperature as the catalog would declare it, wherever its rules come from: the units accepted and the range in
     * °C (that of the first unit accepted, for ranges given per unit).
     */
    public MeasurementCatalog.Definition temperature() {
        if (declaredInCatalog && catalog.temperature().isPresent()) {
            return catalog.temperature().get();
        }
        Map<String, MeasurementCatalog.Conversion> units = new java.util.LinkedHashMap<>();
        ranges.keySet().forEach(unit -> units.put(unit.name(), null));
        Map.Entry<TemperatureUnit, PlausibleRange> first = ranges.entrySet().iterator().next();
        return new MeasurementCatalog.Definition(MeasurementCatalog.TEMPERATURE, MeasurementCatalog.TEMPERATURE,
                MeasurementCatalog.CELSIUS, MeasurementCatalog.TEMPERATURE_UNIT_FIELD, units,
                new MeasurementCatalog.Range(TemperatureUnit.C.fromCelsius(first.getKey().toCelsius(first.getValue().min())),
                        TemperatureUnit.C.fromCelsius(first.getKey().toCelsius(first.getValue().max()))), Map.of());
    }

    public MeasurementCatalog catalog() {
        return catalog;
    }

    /** Statuses as the settings list them: {@code SUCCESS, ERROR}. */
    static List<String> statuses(String text) {
        return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** These rules with other accepted statuses (a pipeline instance's {@code statuses}, route template kafka-to-store). */
    public ReadingRules withStatuses(List<String> accepted) {
        return new ReadingRules(accepted, ranges, catalog, declaredInCatalog);
    }

    /**
     * The rules from {@code readings.statuses} and the catalog; temperature's from the catalog when it declares
     * temperature, else from {@code readings.measures} and {@code readings.range.<measure>} (the seed's C and F,
     * -60..150 °C, when unset). Both at once is refused: one declaration per setting.
     */
    public static ReadingRules from(io.iotpipeline.settings.Settings property, MeasurementCatalog catalog) {
        if (catalog.temperature().isPresent()) {
            for (String key : List.of("readings.measures", "readings.range.C", "readings.range.F", "readings.range.K")) {
                if (!property.textOr(key, "").isEmpty()) {
                    throw new IllegalArgumentException(key + ": temperature's units and range are declared in the"
                            + " measurement catalog (measurements.catalog): change them there, and remove " + key);
                }
            }
        }
        return from(property).withCatalog(catalog);
    }

    /**
     * The rules from {@code readings.statuses}, {@code readings.measures} and {@code readings.range.<measure>} (the
     * seed's C and F, -60..150 °C, when unset).
     */
    public static ReadingRules from(io.iotpipeline.settings.Settings property) {
        List<String> statuses = statuses(property.text("readings.statuses"));
        Map<TemperatureUnit, PlausibleRange> ranges = new EnumMap<>(TemperatureUnit.class);
        String measures = property.textOr("readings.measures", "");
        for (String measure : (measures.isEmpty() ? DEFAULT_MEASURES : measures).split(",")) {
            String name = measure.trim();
            if (name.isEmpty()) {
                continue;
            }
            TemperatureUnit unit = TemperatureUnit.of(name).orElseThrow(() -> new IllegalArgumentException(
                    "readings.measures: '" + name + "' is not a unit the pipeline can convert; use C, F or K"));
            String key = "readings.range." + name;
            try {
                String range = property.textOr(key, "");
                ranges.put(unit, PlausibleRange.parse(range.isEmpty() ? DEFAULT_RANGES.get(unit) : range));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
            }
        }
        return new ReadingRules(statuses, ranges);
    }
    static final int MAX_CUSTOMER_ID = 20;
    static final int MAX_PUBLISHER = 50;
    static final int MAX_DEVICE_ID = 20;
    static final int MAX_MEASURE = 10;
    /** Sensor fields beyond the fixed ones, as JSON: room for a few dozen values, not for a document. */
    static final int MAX_EXTRA_FIELDS = 4096;
    static final int MIN_YEAR = 1900;
    static final int MAX_YEAR = 9999;

    /** {@code yyyy-MM-dd HH:mm:ss} with an optional fraction of up to 9 digits, as devices send it (UTC). */
    public static final DateTimeFormatter EVENT_TIME = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd()
            .toFormatter()
            .withResolverStyle(ResolverStyle.STRICT); // 2023-02-30 is an error, not March 2nd

    /** eventTime as devices write it, with the microseconds PostgreSQL keeps. */
    public static final DateTimeFormatter EVENT_TIME_WRITTEN = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");

    static final Set<String> FIXED_DEVICE_FIELDS = Set.of("deviceId", "temperature", "measure", "status");
    private static final ObjectMapper JSON = EventJson.MAPPER;

    /**
     * Checks the event-level fields.
     *
     * @throws InvalidEventException when the event as a whole cannot be stored
     */
    public static CheckedEvent checkEvent(DeviceEvent event) throws InvalidEventException {
        if (event == null) {
            throw new InvalidEventException("payload is JSON null, not an event object");
        }
        if (!isUuid(event.eventId())) {
            throw new InvalidEventException("eventId " + quote(event.eventId()) + " is not a UUID");
        }
        if (event.eventOffset() == null) {
            throw new InvalidEventException("eventOffset is missing");
        }
        if (!isEventOffset(event.eventOffset())) {
            throw new InvalidEventException("eventOffset " + event.eventOffset() + " is outside 0 to " + MAX_EVENT_OFFSET);
        }
        requireText("eventPublisher", event.eventPublisher(), MAX_PUBLISHER);
        requireText("customerId", event.customerId(), MAX_CUSTOMER_ID);
        if (!Ids.isId(event.customerId())) {
            throw new InvalidEventException("customerId " + quote(event.customerId()) + " is not an id: "
                    + Ids.DESCRIPTION);
        }
        LocalDateTime eventTime = parseEventTime(event.eventTime());
        if (event.data() == null || event.data().devices() == null) {
            throw new InvalidEventException("data.devices is missing");
        }
        if (event.data().devices().isEmpty()) {
            throw new InvalidEventException("data.devices is empty: the event carries no reading");
        }
        return new CheckedEvent(event, UUID.fromString(event.eventId()), eventTime);
    }

    /** An event whose event-level fields passed {@link #checkEvent}, with those fields parsed. */
    public record CheckedEvent(DeviceEvent event, UUID eventId, LocalDateTime eventTime) {
    }

    /** What one event yields: a reading per valid device and a dead letter per device that is not, in event order. */
    public record EventReadings(List<DeviceReading> readings, List<DeadLetter> deadLetters) {
    }

    /**
     * Splits {@code data.devices} of a checked event into a {@link DeviceReading} per valid device and a
     * {@link DeadLetter} saying why for each other one.
     */
    public EventReadings readings(DeviceEvent event, SourceRecord source) throws InvalidEventException {
        return readings(checkEvent(event), source);
    }

    /** As {@link #readings(DeviceEvent, SourceRecord)}, for an event already checked. */
    public EventReadings readings(CheckedEvent checked, SourceRecord source) {
        DeviceEvent event = checked.event();
        UUID eventId = checked.eventId();
        LocalDateTime eventTime = checked.eventTime();
        List<JsonNode> devices = event.data().devices();
        List<DeviceReading> readings = new ArrayList<>(devices.size());
        List<DeadLetter> deadLetters = new ArrayList<>(0);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < devices.size(); i++) {
            JsonNode device = devices.get(i);
            String deviceId = device != null && device.path("deviceId").isValueNode()
                    ? device.path("deviceId").asText() : null;
            String problem = deviceProblem(device);
            if (problem == null && !seen.add(deviceId)) {
                problem = "deviceId " + quote(deviceId) + " appears twice in the event";
            }
            String extra = problem == null ? extraFields(device) : null;
            if (problem == null) {
                problem = extraFieldsProblem(extra, device);
            }
            if (problem != null) {
                deadLetters.add(DeadLetter.ofDevice(source, i, "data.devices[" + i + "]: " + problem, event.eventId(),
                        deviceId, String.valueOf(device)));
                continue;
            }
            String measure = device.get("measure").asText();
            double temperature = temperature(device.get("temperature"));
            // a measurement the catalog refuses is a dead letter of its own; the reading keeps the valid ones
            MeasurementCatalog.Read measured = catalog.read(device);
            for (MeasurementCatalog.Problem refused : measured.problems()) {
                deadLetters.add(DeadLetter.ofMeasurement(source, i, refused.measurement(),
                        "data.devices[" + i + "]: " + refused.measurement() + ": " + refused.reason(), event.eventId(),
                        deviceId, String.valueOf(device)));
            }
            readings.add(new DeviceReading(eventId, event.customerId(), event.eventOffset(), event.eventPublisher(),
                    eventTime, deviceId, measure, device.get("status").asText(), temperature,
                    TemperatureUnit.of(measure).orElseThrow().toCelsius(temperature), extra, measured.measurements(),
                    source, false));
        }
        return new EventReadings(readings, deadLetters);
    }

    /** Whether a device's fixed fields, already of the right JSON types, make a reading as they are. */
    boolean isValidDevice(String deviceId, String measure, String status, double temperature) {
        if (!Ids.isId(deviceId) || lengthProblem("measure", measure, MAX_MEASURE) != null
                || !statuses.contains(status)) {
            return false;
        }
        TemperatureUnit unit = TemperatureUnit.of(measure).orElse(null);
        PlausibleRange range = unit == null ? null : ranges.get(unit);
        return range != null && Double.isFinite(temperature) && range.contains(temperature);
    }

    /**
     * The largest eventOffset, 2^53 - 1: every offset stays exact as a JSON number in any client (the dashboard), and
     * a stream's offset arithmetic (gaps, jumps) can never overflow a bigint.
     */
    static final long MAX_EVENT_OFFSET = 9_007_199_254_740_991L;

    static boolean isEventOffset(long offset) {
        return offset >= 0 && offset <= MAX_EVENT_OFFSET;
    }

    /** Whether the event-level fields, already of the right JSON types, pass {@link #checkEvent} as they are. */
    static boolean isValidEvent(String eventId, String eventPublisher, String customerId, long eventOffset) {
        return isUuid(eventId) && eventPublisher != null && Ids.isId(customerId) && isEventOffset(eventOffset)
                && lengthProblem("eventPublisher", eventPublisher, MAX_PUBLISHER) == null;
    }

    /** 8-4-4-4-12 hex digits, as {@link UUID#toString()} writes them (either case). */
    static boolean isUuid(String text) {
        if (text == null || text.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = text.charAt(i);
            boolean ok = i == 8 || i == 13 || i == 18 || i == 23 ? c == '-'
                    : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static LocalDateTime parseEventTime(String text) throws InvalidEventException {
        if (text == null) {
            throw new InvalidEventException("eventTime is missing");
        }
        LocalDateTime plain = plainEventTime(text);
        if (plain != null) {
            return plain;
        }
        try {
            // PostgreSQL keeps microseconds: the pipeline works with the time as it will be stored
            LocalDateTime time = LocalDateTime.parse(text, EVENT_TIME).truncatedTo(ChronoUnit.MICROS);
            if (time.getYear() < MIN_YEAR || time.getYear() > MAX_YEAR) {
                throw new InvalidEventException("eventTime " + quote(text) + " is outside the years " + MIN_YEAR + " to "
                        + MAX_YEAR);
            }
            return time;
        } catch (DateTimeParseException e) {
            throw new InvalidEventException(
                    "eventTime " + quote(text) + " is not a time in the format yyyy-MM-dd HH:mm:ss.SSSSSS");
        }
    }

    /**
     * The common shape, {@code yyyy-MM-dd HH:mm:ss} and 0 to 9 fraction digits, a valid date with a year in range,
     * read without the formatter (which costs more than the rest of a reading's checks); null for anything else,
     * which the formatter then reads or refuses with its reason. Same result as {@link #EVENT_TIME}.
     */
    private static LocalDateTime plainEventTime(String text) {
        int length = text.length();
        if (length < 19 || length == 20 || length > 29 || text.charAt(4) != '-' || text.charAt(7) != '-'
                || text.charAt(10) != ' ' || text.charAt(13) != ':' || text.charAt(16) != ':'
                || (length > 19 && text.charAt(19) != '.')) {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        int fraction = length > 19 ? digits(text, 20, length) : 0;
        if (year < MIN_YEAR || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0
                || minute > 59 || second < 0 || second > 59 || fraction < 0
                || day > java.time.Month.of(month).length(java.time.Year.isLeap(year))) {
            return null;
        }
        int nanos = fraction;
        for (int i = length > 19 ? length - 20 : 9; i < 9; i++) {
            nanos *= 10;
        }
        return LocalDateTime.of(year, month, day, hour, minute, second, nanos / 1_000 * 1_000);
    }

    /** The decimal number in text[from, to), or -1 when a character is not an ASCII digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** Why a device entry cannot be stored, or null when it can. */
    String deviceProblem(JsonNode device) {
        if (device == null || !device.isObject()) {
            return "is not a JSON object";
        }
        String problem = textProblem("deviceId", device.get("deviceId"), MAX_DEVICE_ID);
        if (problem == null && !Ids.isId(device.get("deviceId").asText())) {
            problem = "deviceId " + quote(device.get("deviceId").asText()) + " is not an id: " + Ids.DESCRIPTION;
        }
        if (problem == null) {
            problem = textProblem("measure", device.get("measure"), MAX_MEASURE);
        }
        if (problem == null) {
            JsonNode status = device.get("status");
            if (status == null || status.isNull()) {
                problem = "status is missing";
            } else if (!status.isTextual() || !statuses.contains(status.asText())) {
                problem = "status " + quote(status.toString()) + " is not one of " + String.join(", ", statuses)
                        + (status.isTextual() && STATUSES.contains(status.asText()) ? " (readings.statuses)" : "");
            }
        }
        TemperatureUnit unit = null;
        if (problem == null) {
            unit = TemperatureUnit.of(device.get("measure").asText()).filter(ranges::containsKey).orElse(null);
            if (unit == null) {
                problem = "measure " + quote(device.get("measure").asText()) + " is not one of "
                        + ranges.keySet().stream().map(Enum::name).collect(Collectors.joining(", "))
                        + (declaredInCatalog ? " (the measurement catalog's temperature units)" : " (readings.measures)");
            }
        }
        if (problem == null) {
            JsonNode temperature = device.get("temperature");
            if (temperature == null || temperature.isNull()) {
                problem = "temperature is missing";
            } else if (Double.isNaN(temperature(temperature))) {
                problem = "temperature " + quote(temperature.toString()) + " is not a finite number";
            } else if (!ranges.get(unit).contains(temperature(temperature))) {
                problem = "temperature " + temperature(temperature) + " " + unit + " is outside the plausible range "
                        + ranges.get(unit) + " " + unit + (declaredInCatalog
                        ? " (the measurement catalog's temperature range)" : " (readings.range." + unit + ")");
            }
        }
        return problem;
    }

    /** A JSON number, or a string holding one (some firmwares quote numbers); NaN when neither. */
    static double temperature(JsonNode node) {
        double value = Double.NaN;
        if (node.isNumber()) {
            value = node.asDouble();
        } else if (node.isTextual()) {
            try {
                value = Double.parseDouble(node.asText().trim());
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.isFinite(value) ? value : Double.NaN;
    }

    static String extraFields(JsonNode device) {
        ObjectNode extra = null;
        Iterator<Map.Entry<String, JsonNode>> fields = device.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!FIXED_DEVICE_FIELDS.contains(field.getKey())) {
                if (extra == null) {
                    extra = JSON.createObjectNode();
                }
                extra.set(field.getKey(), field.getValue());
            }
        }
        return extra == null ? null : extra.toString().replace("\\u0000", "\\uFFFD");
    }

    /**
     * Extra fields are stored as jsonb: bounded in size, only Unicode text (jsonb refuses lone surrogates), and
     * numbers PostgreSQL's numeric holds. Checked here so that one such reading never reaches, and fails, the insert
     * of its whole row batch.
     */
    static String extraFieldsProblem(String extra, JsonNode device) {
        if (extra == null) {
            return null;
        }
        String number = outOfRangeNumber(device, 0);
        if (number != null) {
            return "the field " + number + " beyond deviceId, temperature, measure and status is a number of more than "
                    + MAX_NUMBER_DIGITS + " digits before or after the point, which cannot be stored";
        }
        if (extra.length() > MAX_EXTRA_FIELDS) {
            return "the fields beyond deviceId, temperature, measure and status are " + extra.length()
                    + " characters of JSON, more than " + MAX_EXTRA_FIELDS;
        }
        if (unpairedSurrogate(extra) >= 0) {
            return "the fields beyond deviceId, temperature, measure and status hold an unpaired UTF-16 surrogate,"
                    + " which is not Unicode text";
        }
        return null;
    }

    /** The most digits a number in the extra fields may have before, or after, its point. */
    static final int MAX_NUMBER_DIGITS = 1000;

    /** The name of the first extra field (quoted, maybe nested) holding a number numeric cannot hold, or null. */
    private static String outOfRangeNumber(JsonNode node, int depth) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        if (node.isArray()) {
            for (JsonNode item : node) {
                if (tooLarge(item) || (item.isContainerNode() && outOfRangeNumber(item, depth + 1) != null)) {
                    return "[]";
                }
            }
        }
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (depth == 0 && FIXED_DEVICE_FIELDS.contains(field.getKey())) {
                continue;
            }
            JsonNode value = field.getValue();
            if (tooLarge(value) || (value.isContainerNode() && outOfRangeNumber(value, depth + 1) != null)) {
                return quote(field.getKey());
            }
        }
        return null;
    }

    private static boolean tooLarge(JsonNode value) {
        if (!value.isNumber()) {
            return false;
        }
        java.math.BigDecimal number = value.decimalValue();
        if (number.signum() == 0) {
            return false;
        }
        int integerDigits = number.precision() - number.scale();
        return integerDigits > MAX_NUMBER_DIGITS || number.scale() > MAX_NUMBER_DIGITS;
    }

    private static String textProblem(String name, JsonNode value, int maxLength) {
        if (value == null || value.isNull()) {
            return name + " is missing";
        }
        if (!value.isTextual()) {
            return name + " " + quote(value.toString()) + " is not a string";
        }
        return lengthProblem(name, value.asText(), maxLength);
    }

    private static void requireText(String name, String value, int maxLength) throws InvalidEventException {
        String problem = value == null ? name + " is missing" : lengthProblem(name, value, maxLength);
        if (problem != null) {
            throw new InvalidEventException(problem);
        }
    }

    private static String lengthProblem(String name, String value, int maxLength) {
        if (value.isBlank()) {
            return name + " is blank";
        }
        if (value.length() > maxLength) {
            return name + " is " + value.length() + " characters long, more than " + maxLength;
        }
        if (value.indexOf('\u0000') >= 0) {
            return name + " contains a NUL character";
        }
        int control = controlCharacter(value);
        if (control >= 0) {
            return name + " holds the control or direction character U+" + String.format("%04X", (int) value.charAt(control))
                    + " at index " + control;
        }
        int surrogate = unpairedSurrogate(value);
        if (surrogate >= 0) {
            return name + " holds an unpaired UTF-16 surrogate at index " + surrogate + ", which is not Unicode text";
        }
        return null;
    }

    /**
     * The index of the first control character (C0, DEL, C1), line or paragraph separator (U+2028/9) or
     * bidirectional formatting character (U+061C, U+200E/F, U+202A..E, U+2066..9), or -1: such characters forge log lines or reverse the text a dashboard shows.
     */
    static int controlCharacter(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\u200E' || c == '\u200F' || c == '\u061C'
                    || c == '\u2028' || c == '\u2029' || (c >= '\u202A' && c <= '\u202E')
                    || (c >= '\u2066' && c <= '\u2069')) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The index of the first UTF-16 surrogate without its partner, or -1. JSON may escape one ("\\ud800"), but it is
     * not a character: PostgreSQL would store it as '?' (text) or refuse it (jsonb).
     */
    static int unpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /** Quotes a value for a reason text, cut short so a 1 MB field does not make a 1 MB reason. */
    static String quote(String value) {
        if (value == null) {
            return "null";
        }
        return "'" + (value.length() > 60 ? value.substring(0, 60) + "…" : value) + "'";
    }
}
