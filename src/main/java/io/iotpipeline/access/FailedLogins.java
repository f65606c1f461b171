package io.iotpipeline.access;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down guessing: a client address that presents more wrong passwords or keys in a minute than
 * {@code auth.failedLoginsPerMinute} waits before it may try again, one second after the first overrun, doubling with
 * each further one up to a minute; while it waits every credentialed request from it is answered 429 without being
 * checked. A right answer clears its record.
 */
final class FailedLogins {

    private static final long MINUTE_MS = 60_000;
    private static final long LONGEST_WAIT_MS = 60_000;
    private static final int MAX_ADDRESSES = 10_000;

    private record Record(long windowStart, int failures, int overruns, long blockedUntil) {
    }

    private final int allowedPerMinute;
    private final java.util.function.LongSupplier clock;
    private final ConcurrentHashMap<String, Record> byAddress = new ConcurrentHashMap<>();

    FailedLogins(int allowedPerMinute, java.util.function.LongSupplier clock) {
        this.allowedPerMinute = allowedPerMinute;
        this.clock = clock;
    }

    /** Seconds the address must still wait, or 0 when it may try. */
    long secondsToWait(String address) {
        Record record = byAddress.get(address);
        long now = clock.getAsLong();
        return record == null || record.blockedUntil <= now ? 0 : (record.blockedUntil - now + 999) / 1000;
    }

    void failed(String address) {
        long now = clock.getAsLong();
        if (byAddress.size() > MAX_ADDRESSES) {
            // a flood of addresses must not grow the map without end: forget the ones no longer waiting
            byAddress.values().removeIf(record -> record.blockedUntil <= now && now - record.windowStart > MINUTE_MS);
        }
        byAddress.compute(address, (ignored, record) -> {
            Record current = record == null || now - record.windowStart > MINUTE_MS
                    ? new Record(now, 0, record == null ? 0 : record.overruns, 0) : record;
            int failures = current.failures + 1;
            if (failures <= allowedPerMinute) {
                return new Record(current.windowStart, failures, current.overruns, current.blockedUntil);
            }
            int overruns = current.overruns + 1;
            long wait = Math.min(LONGEST_WAIT_MS, 1000L << Math.min(16, overruns - 1));
            return new Record(now, 0, overruns, now + wait);
        });
    }

    void succeeded(String address) {
        byAddress.remove(address);
    }
}
