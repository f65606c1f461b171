package io.iotpipeline.access;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Slows down guessing: one client address guessing one name (a user of HTTP Basic, or "the ingest key") more than
 * {@code auth.failedLoginsPerMinute} times in a minute waits before it may try that name again, one second after the
 * first overrun, doubling with each further one up to a minute; while it waits, its requests for that name are answered
 * 429 without being checked. Counting per name as well as per address keeps one guesser from locking out the other
 * users behind the same proxy, and a right answer clears nothing (a reader's valid request must not reset its guesses
 * at the operator's password). Ten quiet minutes forget an address's overruns. Made-up names neither grow the table
 * without end nor escape the count: beyond MAX_NAMES_PER_ADDRESS recent names, an address's guesses at names it has no
 * count for count together, and those names wait with them; a name with a count of its own keeps it.
 */
final class FailedLogins {

    private static final long MINUTE_MS = 60_000;
    private static final long QUIET_MS = 10 * MINUTE_MS;
    private static final long LONGEST_WAIT_MS = 60_000;
    private static final int MAX_TRACKED = 10_000;
    static final int MAX_NAMES_PER_ADDRESS = 100;
    /** Where an address's guesses at names beyond MAX_NAMES_PER_ADDRESS count, together. */
    private static final String OTHER_NAMES = "*";

    private record Record(long windowStart, int failures, int overruns, long blockedUntil, long lastFailure) {
    }

    private final int allowedPerMinute;
    private final java.util.function.LongSupplier clock;
    private final ConcurrentHashMap<String, Record> byAddressAndName = new ConcurrentHashMap<>();
    /** How many names each address has a count for (about: a sweep counts them again). */
    private final ConcurrentHashMap<String, AtomicInteger> namesByAddress = new ConcurrentHashMap<>();
    private volatile long lastSweep;

    FailedLogins(int allowedPerMinute, java.util.function.LongSupplier clock) {
        this.allowedPerMinute = allowedPerMinute;
        this.clock = clock;
    }

    /** Seconds the address must still wait before trying this name, or 0 when it may try. */
    long secondsToWait(String address, String name) {
        Record own = byAddressAndName.get(address + "|" + name);
        Record record = own != null ? own : byAddressAndName.get(address + "|" + OTHER_NAMES);
        long now = clock.getAsLong();
        return record == null || record.blockedUntil <= now ? 0 : (record.blockedUntil - now + 999) / 1000;
    }

    void failed(String address, String name) {
        long now = clock.getAsLong();
        if (byAddressAndName.size() > MAX_TRACKED && now - lastSweep > 1000) {
            sweep(now);
        }
        String key = address + "|" + name;
        if (!byAddressAndName.containsKey(key)) {
            AtomicInteger names = namesByAddress.computeIfAbsent(address, ignored -> new AtomicInteger());
            if (names.get() >= MAX_NAMES_PER_ADDRESS && now - lastSweep > 1000) {
                sweep(now);
                names = namesByAddress.computeIfAbsent(address, ignored -> new AtomicInteger());
            }
            if (names.get() >= MAX_NAMES_PER_ADDRESS) {
                key = address + "|" + OTHER_NAMES;
            } else {
                names.incrementAndGet();
            }
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

    /** Forgets the counts neither waiting nor recent, and counts each address's names again. */
    private void sweep(long now) {
        lastSweep = now;
        byAddressAndName.values().removeIf(record -> record.blockedUntil <= now && now - record.lastFailure > MINUTE_MS);
        java.util.Map<String, AtomicInteger> counted = new java.util.HashMap<>();
        for (String key : byAddressAndName.keySet()) {
            if (!key.endsWith("|" + OTHER_NAMES)) {
                counted.computeIfAbsent(key.substring(0, key.indexOf('|')), ignored -> new AtomicInteger()).incrementAndGet();
            }
        }
        namesByAddress.clear();
        namesByAddress.putAll(counted);
    }

    /** The counts held, for tests: the table stays bounded. */
    int tracked() {
        return byAddressAndName.size();
    }
}
