package io.iotpipeline.platform;

import java.sql.Connection;
import java.util.Map;

import javax.sql.DataSource;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness of the database: DOWN while PostgreSQL cannot be reached, so a load balancer or Kubernetes stops sending
 * work. Not a liveness check: the pipeline waits out an outage (retries, then re-reads from Kafka) and must not be
 * restarted for it.
 */
public class DatabaseHealthCheck extends AbstractHealthCheck {

    private final DataSource dataSource;

    public DatabaseHealthCheck(DataSource dataSource) {
        super("iot-pipeline", "database");
        this.dataSource = dataSource;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try (Connection connection = dataSource.getConnection()) {
            if (connection.isValid(2)) {
                builder.up();
            } else {
                builder.message("PostgreSQL did not answer within 2 s").down();
            }
        } catch (Exception e) {
            builder.message("PostgreSQL unreachable: " + e.getMessage()).error(e).down();
        }
    }
}
