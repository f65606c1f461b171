package io.iotpipeline.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The statements of {@code statements/*.sql} that code runs itself (plain JDBC, or a statement made per request);
 * routes read theirs through {@code sql:classpath:}. Comment lines are left out, as camel-sql leaves them out.
 */
public final class Statements {

    private Statements() {
    }

    /** The statement {@code statements/<name>.sql}. */
    public static String text(String name) {
        String resource = "statements/" + name + ".sql";
        try (InputStream in = Statements.class.getClassLoader().getResourceAsStream(resource)) {
            return new String(Objects.requireNonNull(in, resource).readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.strip().startsWith("--")).collect(Collectors.joining("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
