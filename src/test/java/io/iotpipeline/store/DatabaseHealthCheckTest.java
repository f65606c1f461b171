package io.iotpipeline.store;

import java.util.Map;

import io.iotpipeline.store.Database;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatabaseHealthCheckTest {

    @Test
    void anUnreachableDatabaseMakesTheCheckDownWithTheReason() throws Exception {
        int port; // a port nothing listens on
        try (var socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (var pool = io.iotpipeline.store.TestPool.of("jdbc:postgresql://localhost:" + port + "/x", "iot", "", 1);
                var context = new DefaultCamelContext()) {
            pool.setMaxWait(java.time.Duration.ofSeconds(2));
            DatabaseHealthCheck check = new DatabaseHealthCheck(pool, new io.iotpipeline.store.WriteFailures());
            check.setCamelContext(context);
            check.awaitFirstAnswer(10_000);
            HealthCheck.Result result = check.call(Map.of());
            assertEquals(HealthCheck.State.DOWN, result.getState());
            assertTrue(result.getMessage().orElse("").startsWith("PostgreSQL unreachable"), result.getMessage().toString());
            assertTrue(check.isReadiness());
            assertFalse(check.isLiveness());
            check.close();
        }
    }
}
