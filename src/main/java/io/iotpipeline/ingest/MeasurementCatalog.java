package io.iotpipeline.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.iotpipeline.domain.Measurement;

/**
 * The measurements devices send, declared in a YAML file (the jar's {@code measurements.yaml}, or the one
 * {@code measurements.catalog} names): per measurement its JSON field, canonical unit, the units accepted with their
 * conversion, the device field that names the unit, and the valid range. A new device type is a few lines there, no
 * Java (docs/measurements.md). Its device types say which measurements a kind of device sends (the simulator's fleet).
 * <p>
 * Temperature, the seed's measurement, may be declared too: which of C, F and K are accepted (converted as the seed
 * converts them, to °C) and its plausible range; it keeps its own columns and detectors ({@code anomaly.*}). The
 * others are stored in {@code device_measurements}.
 */
public final class MeasurementCatalog {

    /** A linear conversion to the canonical unit: {@code canonical = sent * scale + offset}; scale 1, offset 0 if unset. */
    public record Conversion(Double scale, Double offset) {
        /** A unit listed without scale or offset: the canonical unit itself. */
        public static final Conversion NONE = new Conversion(null, null);

        public double factor() {
            return scale == null ? 1 : scale;
        }

        public double shift() {
            return offset == null ? 0 : offset;
        }

        /** The sent value in the canonical unit. */
        public double toCanonical(double sent) {
            return sent * factor() + shift();
        }

        /** A canonical value as sent in this unit. */
        public double fromCanonical(double canonical) {
            return (canonical - shift()) / factor();
        }
    }

    /** The inclusive valid range, in the canonical unit. */
    public record Range(Double min, Double max) {
        public Range {
            // a bound left out would read as 0: refused, not guessed
            if (min == null || max == null) {
                throw new IllegalArgumentException("a range needs both min and max");
            }
        }
    }

    /**
     * One measurement.
     *
     * @param unitField the device field naming the unit; when absent, or the device sends none, the canonical unit
     * @param units     every unit accepted, the canonical one included, with its conversion
     * @param detectors the anomaly detectors that judge it (spike, stuck, drift), each with the settings that differ
     *                  from temperature's {@code anomaly.*} (in the canonical unit); none when absent
     * @param typical   the values a healthy device sends, in the canonical unit (the simulator's); the middle of the
     *                  range when absent
     */
    public record Definition(String name, String field, String unit, String unitField, Map<String, Conversion> units,
            Range range, Map<String, Map<String, Double>> detectors, Range typical) {
        public Definition {
            detectors = detectors == null ? Map.of() : detectors;
        }

        public Definition(String name, String field, String unit, String unitField, Map<String, Conversion> units,
                Range range, Map<String, Map<String, Double>> detectors) {
            this(name, field, unit, unitField, units, range, detectors, null);
        }

        /** How a listed unit converts (a unit listed as {@code unit:} or {@code unit: {}} converts by 1). */
        public Conversion conversion(String sentUnit) {
            Conversion conversion = units.get(sentUnit);
            return conversion == null ? Conversion.NONE : conversion;
        }
    }

    /** A kind of device and the measurements each of its readings carries (temperature always, the seed's format). */
    public record DeviceType(String name, List<String> measurements) {
    }

    /** What a device entry's measurements are: the valid ones, and a problem per other one. */
    public record Read(List<Measurement> measurements, List<Problem> problems) {
    }

    /** Why a measurement of a device cannot be stored. */
    public record Problem(String measurement, String reason) {
    }

    private record File(List<Definition> measurements, List<DeviceType> deviceTypes) {
    }

    /** The seed's measurement, declared in the catalog or not: stored in iot_device_events' own columns. */
    public static final String TEMPERATURE = "temperature";
    /** The unit a temperature reading names, in the seed's {@code measure} field. */
    public static final String TEMPERATURE_UNIT_FIELD = "measure";
    /** What temperatures are converted to. */
    public static final String CELSIUS = "°C";

    /** The device type of a catalog that declares none: the seed's, temperature only (before NONE, which takes it). */
    public static final DeviceType THERMOMETER = new DeviceType("thermometer", List.of(TEMPERATURE));
    /** No measurement beyond temperature: every other field stays in extraFields. */
    public static final MeasurementCatalog NONE = new MeasurementCatalog(List.of(), List.of(), "none");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final Read NOTHING = new Read(List.of(), List.of());

    private final List<Definition> definitions;
    private final Definition temperature;
    private final List<DeviceType> deviceTypes;

    private MeasurementCatalog(List<Definition> declared, List<DeviceType> types, String where) {
        Set<String> names = new HashSet<>();
        // NONE is built while ReadingRules initialises (its STANDARD rules): it checks nothing, so reads none of it
        Set<String> fields = declared.isEmpty() ? Set.of() : new HashSet<>(ReadingRules.FIXED_DEVICE_FIELDS);
        List<Definition> others = new ArrayList<>();
        Definition seeds = null;
        for (Definition definition : declared) {
            boolean isTemperature = definition != null && TEMPERATURE.equals(definition.name());
            String problem = definition == null ? "is empty"
                    : isTemperature ? temperatureProblem(definition, names) : problem(definition, names, fields);
            if (problem != null) {
                throw new IllegalArgumentException(where + ": measurement "
                        + (definition == null ? "" : definition.name() + ": ") + problem);
            }
            if (isTemperature) {
                seeds = definition;
            } else {
                others.add(definition);
            }
        }
        this.definitions = List.copyOf(others);
        this.temperature = seeds;
        Set<String> typeNames = new HashSet<>();
        for (DeviceType type : types) {
            String problem = deviceTypeProblem(type, typeNames, names);
            if (problem != null) {
                throw new IllegalArgumentException(where + ": device type "
                        + (type == null ? "" : type.name() + ": ") + problem);
            }
        }
        this.deviceTypes = types.isEmpty() ? List.of(THERMOMETER) : List.copyOf(types);
    }

    /** The catalog in a YAML file ({@code where} names it in errors). */
    public static MeasurementCatalog read(InputStream yaml, String where) throws IOException {
        try {
            File file = YAML.readValue(yaml, File.class);
            return new MeasurementCatalog(file == null || file.measurements() == null ? List.of() : file.measurements(),
                    file == null || file.deviceTypes() == null ? List.of() : file.deviceTypes(), where);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(where + " is not a measurement catalog: " + e.getOriginalMessage(), e);
        }
    }

    /** The measurements beyond temperature, stored in device_measurements. */
    public List<Definition> definitions() {
        return definitions;
    }

    /** Whether the catalog declares its device types (a catalog from before them does not). */
    public boolean declaresDeviceTypes() {
        return !(deviceTypes.size() == 1 && deviceTypes.get(0) == THERMOMETER);
    }

    /** The kinds of device and what each sends: the catalog's, or thermometers only when it declares none. */
    public List<DeviceType> deviceTypes() {
        return deviceTypes;
    }

    /** Temperature's declaration (its accepted units and range in °C), if the catalog has one. */
    public java.util.Optional<Definition> temperature() {
        return java.util.Optional.ofNullable(temperature);
    }

    /** The measurements of a device entry (a JSON object), each converted to its canonical unit and checked. */
    public Read read(JsonNode device) {
        if (definitions.isEmpty()) {
            return NOTHING;
        }
        List<Measurement> measurements = new ArrayList<>(0);
        List<Problem> problems = new ArrayList<>(0);
        for (Definition definition : definitions) {
            JsonNode sent = device.get(definition.field());
            if (sent == null || sent.isNull()) {
                continue;
            }
            double value = ReadingRules.temperature(sent); // a number, or a string holding one
            if (Double.isNaN(value)) {
                problems.add(new Problem(definition.name(), definition.field() + " " + ReadingRules.quote(sent.toString())
                        + " is not a finite number"));
                continue;
            }
            String unit = definition.unit();
            JsonNode named = definition.unitField() == null ? null : device.get(definition.unitField());
            if (named != null && !named.isNull()) {
                // a unit with control characters is shown JSON-escaped: it reaches reasons and logs
                unit = named.isTextual() && ReadingRules.controlCharacter(named.asText()) < 0 ? named.asText()
                        : named.toString();
            }
            if (!definition.units().containsKey(unit)) {
                problems.add(new Problem(definition.name(), "unit " + ReadingRules.quote(unit) + " is not one of "
                        + String.join(", ", definition.units().keySet()) + " (the measurement catalog)"));
                continue;
            }
            double canonical = definition.conversion(unit).toCanonical(value);
            if (!Double.isFinite(canonical)) {
                problems.add(new Problem(definition.name(), value + " " + unit + " is not a finite number in "
                        + definition.unit()));
                continue;
            }
            Range range = definition.range();
            if (range != null && (canonical < range.min() || canonical > range.max())) {
                problems.add(new Problem(definition.name(), value + " " + unit
                        + (unit.equals(definition.unit()) ? "" : " (" + round(canonical) + " " + definition.unit() + ")")
                        + " is outside the valid range " + round(range.min()) + ".." + round(range.max()) + " "
                        + definition.unit()));
                continue;
            }
            measurements.add(new Measurement(definition.name(), canonical, definition.unit(), value, unit));
        }
        return new Read(measurements, problems);
    }

    private static String problem(Definition definition, Set<String> names, Set<String> fields) {
        if (definition.name() == null || !definition.name().matches("[a-z][a-z0-9_]{0,39}")) {
            return "name must be 1 to 40 lower-case letters, digits or _, starting with a letter";
        }
        if (!names.add(definition.name())) {
            return "declared twice";
        }
        if (definition.field() == null || !fields.add(definition.field())) {
            return "field " + definition.field() + " is missing or taken (by another measurement or the seed's fields)";
        }
        if (definition.unit() == null || definition.unit().isBlank() || definition.unit().length() > 16) {
            return "unit must be 1 to 16 characters";
        }
        if (definition.units() == null || !definition.units().containsKey(definition.unit())) {
            return "units must list the canonical unit " + definition.unit();
        }
        for (Map.Entry<String, Conversion> unit : definition.units().entrySet()) {
            if (unit.getKey().isBlank() || ReadingRules.controlCharacter(unit.getKey()) >= 0) {
                return "unit " + ReadingRules.quote(unit.getKey()) + " must be visible characters";
            }
            Conversion conversion = definition.conversion(unit.getKey());
            double scale = conversion.factor();
            double offset = conversion.shift();
            if (unit.getKey().length() > 16 || scale == 0 || !Double.isFinite(scale) || !Double.isFinite(offset)) {
                return "unit " + unit.getKey() + " needs a finite, non-zero scale (and a finite offset)";
            }
        }
        if (definition.unitField() == null && definition.units().size() > 1) {
            return "units beyond the canonical " + definition.unit() + " need a unitField, the field naming them";
        }
        if (definition.unitField() != null && !fields.add(definition.unitField())) {
            return "unitField " + definition.unitField() + " is taken";
        }
        if (definition.range() != null && !(definition.range().min() < definition.range().max())) {
            return "range needs min < max";
        }
        Range typical = definition.typical();
        if (typical != null && (!(typical.min() < typical.max()) || (definition.range() != null
                && (typical.min() < definition.range().min() || typical.max() > definition.range().max())))) {
            return "typical needs min < max, inside the range";
        }
        return null;
    }

    private static String deviceTypeProblem(DeviceType type, Set<String> typeNames, Set<String> measurements) {
        if (type == null || type.name() == null || !type.name().matches("[a-z][a-z0-9-]{0,39}")) {
            return "name must be 1 to 40 lower-case letters, digits or -, starting with a letter";
        }
        if (!typeNames.add(type.name())) {
            return "declared twice";
        }
        if (type.measurements() == null || !type.measurements().contains(TEMPERATURE)) {
            return "measurements must list temperature: every reading carries it (the seed's format)";
        }
        for (String measurement : type.measurements()) {
            if (!TEMPERATURE.equals(measurement) && !measurements.contains(measurement)) {
                return "measurement " + measurement + " is not declared in the catalog";
            }
        }
        if (new HashSet<>(type.measurements()).size() != type.measurements().size()) {
            return "a measurement is listed twice";
        }
        return null;
    }

    // temperature keeps the seed's wire format and columns: only which units are accepted and the range are its own
    private static String temperatureProblem(Definition definition, Set<String> names) {
        if (!names.add(definition.name())) {
            return "declared twice";
        }
        if (!TEMPERATURE.equals(definition.field()) || !TEMPERATURE_UNIT_FIELD.equals(definition.unitField())
                || !CELSIUS.equals(definition.unit())) {
            return "the seed's measurement keeps its field temperature, its unitField measure and its unit " + CELSIUS;
        }
        if (definition.units() == null || definition.units().isEmpty()) {
            return "units must list at least one of C, F, K";
        }
        for (Map.Entry<String, Conversion> unit : definition.units().entrySet()) {
            if (io.iotpipeline.domain.TemperatureUnit.of(unit.getKey()).isEmpty()) {
                return "unit " + ReadingRules.quote(unit.getKey()) + " is not one the pipeline converts: C, F or K";
            }
            if (unit.getValue() != null && (unit.getValue().scale() != null || unit.getValue().offset() != null)) {
                return "unit " + unit.getKey() + " is converted as the seed converts it: give no scale or offset";
            }
        }
        if (definition.range() == null || !(definition.range().min() < definition.range().max())) {
            return "range (in " + CELSIUS + ") needs min < max";
        }
        if (!definition.detectors().isEmpty()) {
            return "temperature's detectors are the anomaly.* settings: give no detectors here";
        }
        if (definition.typical() != null) {
            return "temperature's simulated values are the simulator.temperature.* settings: give no typical here";
        }
        return null;
    }

    private static String round(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? String.valueOf((long) value)
                : String.valueOf(Math.round(value * 1000) / 1000.0);
    }

    /**
     * Temperature and the catalog's measurements as JSON rows (name, unit, units, min, max, detectors), for the API.
     *
     * @param temperature          temperature's rules, from wherever they come (ReadingRules)
     * @param temperatureDetectors the detectors judging temperature (the anomaly.* ones on)
     * @param detection            whether detection is on at all (anomaly.enabled): off, no measurement lists any
     */
    public String asJson(Definition temperature, List<String> temperatureDetectors, boolean detection) {
        var rows = io.iotpipeline.domain.EventJson.MAPPER.createArrayNode();
        List<Definition> all = new ArrayList<>(definitions.size() + 1);
        all.add(temperature);
        all.addAll(definitions);
        for (Definition definition : all) {
            var row = rows.addObject().put("name", definition.name()).put("unit", definition.unit());
            definition.units().keySet().forEach(row.putArray("units")::add);
            if (definition.range() != null) {
                row.put("min", definition.range().min()).put("max", definition.range().max());
            }
            var detectors = row.putArray("detectors");
            if (detection) {
                (definition == temperature ? temperatureDetectors : definition.detectors().keySet()).forEach(detectors::add);
            }
        }
        return rows.toString();
    }

    /** The names, for logs. */
    @Override
    public String toString() {
        Map<String, String> units = new LinkedHashMap<>();
        temperature().ifPresent(t -> units.put(t.name(), t.units().keySet() + " -> " + t.unit()));
        definitions.forEach(d -> units.put(d.name(), d.unit()));
        return units + ", device types " + deviceTypes.stream().map(DeviceType::name).toList();
    }
}
