package io.iotpipeline.domain;

import java.util.Optional;

/** The units a device may send in {@code measure}; metrics are computed in Celsius. */
public enum TemperatureUnit {
    C {
        @Override
        public double toCelsius(double value) {
            return value;
        }
    },
    F {
        @Override
        public double toCelsius(double value) {
            return (value - 32) * 5 / 9;
        }
    },
    K {
        @Override
        public double toCelsius(double value) {
            return value - 273.15;
        }
    };

    public abstract double toCelsius(double value);

    /** A Celsius value in this unit, to 9 decimals: a range given in °C reads as it would be written in the unit. */
    public double fromCelsius(double celsius) {
        double value = switch (this) {
            case C -> celsius;
            case F -> celsius * 9 / 5 + 32;
            case K -> celsius + 273.15;
        };
        return Math.round(value * 1e9) / 1e9;
    }

    /** The unit a {@code measure} value names, if it is one of C, F, K. */
    public static Optional<TemperatureUnit> of(String measure) {
        // per reading: a switch, not a stream over values() (the profile's hottest of the reading rules)
        return measure == null ? Optional.empty() : switch (measure) {
            case "C" -> OF_C;
            case "F" -> OF_F;
            case "K" -> OF_K;
            default -> Optional.empty();
        };
    }

    private static final Optional<TemperatureUnit> OF_C = Optional.of(C);
    private static final Optional<TemperatureUnit> OF_F = Optional.of(F);
    private static final Optional<TemperatureUnit> OF_K = Optional.of(K);
}
