package io.iotpipeline.access;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.iotpipeline.domain.Ids;

/**
 * Ingest keys bound to customers ({@code ingest.http.customerKeys}, usually from a file): one entry a line (or
 * separated by {@code ;}), {@code CI00100,CI00101 = <key>}: the key may post events only for the customerIds before
 * the first {@code =}. Blank lines and lines starting with {@code #} are skipped.
 */
final class CustomerKeys {

    private CustomerKeys() {
    }

    static Map<String, Set<String>> parse(String text) {
        Map<String, Set<String>> keys = new LinkedHashMap<>();
        if (text == null) {
            return keys;
        }
        int line = 0;
        for (String entry : text.split("[\\n;]")) {
            line++;
            String trimmed = entry.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            int equals = trimmed.indexOf('=');
            String key = equals < 0 ? "" : trimmed.substring(equals + 1).trim();
            Set<String> customers = equals < 0 ? Set.of() : Set.copyOf(Arrays.stream(trimmed.substring(0, equals)
                    .split(",")).map(String::trim).filter(id -> !id.isEmpty()).toList());
            if (key.length() < 16 || customers.isEmpty()
                    || !customers.stream().allMatch(Ids::isId)) {
                // never the entry itself: it holds a key
                throw new IllegalArgumentException("ingest.http.customerKeys entry " + line + " must read"
                        + " 'CI00100,CI00101 = <key of at least 16 characters>' with customerIds of " + Ids.DESCRIPTION);
            }
            if (keys.put(key, customers) != null) {
                throw new IllegalArgumentException("ingest.http.customerKeys entry " + line + " repeats a key");
            }
        }
        return keys;
    }
}
