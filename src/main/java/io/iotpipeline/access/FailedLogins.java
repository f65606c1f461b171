package io.iotpipeline.access;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down guessing: one client address guessing one name (a user of HTTP Basic, or "the ingest key") more than
 * {@code auth.failedLoginsPerMinute} times in a minute waits before it may try that name again, one second after the
 * first overrun, doubling with each further one up to a minute; while it waits, its requests for that name are answered
 * 429 without being checked. Counting per name as well as per address keeps one guesser from locking out the other
 * users behind the same proxy, and a right answer clears nothing (a reader's valid request must not reset its guesses
 * at the operator's password). Ten quiet minutes forget an address's overruns. Made-up names cannot grow the count
 * without end nor escape it: beyond MAX_TRACKED names an address's guesses at new names count as one name.
 */
final class FailedLogins {

    private static final long MINUTE_MS = 60_000;
    private static final long QUIET_MS = 10 * MINUTE_MS;
    private static final long LONGEST_WAIT_MS = 60_000;
    private static final int MAX_TRACKED = 10_000;
    /** Where an address's guesses at names beyond MAX_TRACKED count, together. */
    private static final String ANY_NAME = "*";

    private record Record(long windowStart, int failures, int overruns, long blockedUntil, long lastFailure) {
    }

    private final int allowedPerMinute;
    private final java.util.function.LongSupplier clock;
    private final ConcurrentHashMap<String, Record> byAddressAndName = new ConcurrentHashMap<>();
    private volatile long lastSweep;

    FailedLogins(int allowedPerMinute, java.util.function.LongSupplier clock) {
        this.allowedPerMinute = allowedPerMinute;
        this.clock = clock;
    }

    /** Seconds the address must still wait before trying this name, or 0 when it may try. */
    long secondsToWait(String address, String name) {
        long now = clock.getAsLong();
        return Math.max(secondsToWait(byAddressAndName.get(address + "|" + name), now),
                secondsToWait(byAddressAndName.get(address + "|" + ANY_NAME), now));
    }

    private static long secondsToWait(Record record, long now) {
        return record == null || record.blockedUntil <= now ? 0 : (record.blockedUntil - now + 999) / 1000;
    }

    void failed(String address, String name) {
        long now = clock.getAsLong();
        if (byAddressAndName.size() > MAX_TRACKED && now - lastSweep > 1000) {
            // many addresses must not grow the map without end: forget the ones neither waiting nor recent
            lastSweep = now;
            byAddressAndName.values().removeIf(record -> record.blockedUntil <= now && now - record.lastFailure > MINUTE_MS);
        }
        String key = address + "|" + name;
        if (byAddressAndName.size() > MAX_TRACKED && !byAddressAndName.containsKey(key)) {
            // still full after the sweep: a flood of made-up names, whose guesses then count together per address
            key = address + "|" + ANY_NAME;
        }
        byAddressAndName.compute(key, (ignored, record) -> {
            int overruns = record == null || now - record.lastFailure > QUIET_MS ? 0 : record.overruns;
            Record current = record == null || now - record.windowStart > MINUTE_MS
                    ? new Record(now, 0, overruns, 0, now) : record;
            int failures = current.failures + 1;
            if (failures <= allowedPerMinute) {
                return new Record(current.windowStart, failures, overruns, current.blockedUntil, now);
            }
            long wait = Math.min(LONGEST_WAIT_MS, 1000L << Math.min(16, overruns));
            return new Record(now, 0, overruns + 1, now + wait, now);
        });
    }
}
