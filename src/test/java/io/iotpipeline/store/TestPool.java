package io.iotpipeline.store;

import java.nio.file.Path;

import io.iotpipeline.config.ConnectionSettings;
import org.apache.commons.dbcp2.BasicDataSource;

/** The pipeline's own pool for tests that talk to a database without starting the pipeline (shipped timeouts). */
public final class TestPool {

    private TestPool() {
    }

    public static BasicDataSource of(String url, String user, String password, int maxConnections) {
        return Database.pool(url, user, password, new ConnectionSettings.Database(url, user, password, maxConnections,
                Path.of("unused"), 0, 10, 30, 5));
    }
}
