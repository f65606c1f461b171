package io.iotpipeline.anomaly;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the detectors' per-device state after a restart from each device's latest stored readings, so detection
 * goes on without a new warm-up. Findings during the rebuild are not reported: they were reported before.
 */
public final class AnomalyState {

    private static final Logger LOG = LoggerFactory.getLogger(AnomalyState.class);

    static final String LATEST_READINGS = io.iotpipeline.store.Statements.text("latest-readings-per-device");
    static final String LATEST_MEASUREMENTS = io.iotpipeline.store.Statements.text("latest-measurements-per-device");

    private AnomalyState() {
    }


    public static AnomalyDetectors rebuilt(AnomalyDetectors detectors, DataSource dataSource, int readingsPerDevice,
            int hours) throws SQLException {
        if (readingsPerDevice <= 0 || hours <= 0) {
            return detectors;
        }
        boolean temperature = Anomaly.TEMPERATURE.equals(detectors.measurement());
        long readings = 0;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(temperature ? LATEST_READINGS
                        : LATEST_MEASUREMENTS)) {
            int parameter = 1;
            if (!temperature) {
                query.setString(parameter++, detectors.measurement());
            }
            query.setInt(parameter++, hours);
            query.setInt(parameter, readingsPerDevice);
            query.setFetchSize(10_000);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    detectors.observe(new Observation(rows.getString(1), rows.getString(2), rows.getObject(3, UUID.class),
                            rows.getTimestamp(4).toLocalDateTime(), rows.getDouble(5), rows.getString(6)));
                    readings++;
                }
            }
        }
        if (readings > 0) {
            LOG.info("Anomaly detectors of {} rebuilt from {} stored values of {} devices", detectors.measurement(),
                    readings, detectors.trackedDevices());
        }
        return detectors;
    }
}
