package io.iotpipeline.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads what the pipeline stored, with plain JDBC. */
public final class Rows {

    private final String url;
    private final String user;
    private final String password;

    /** The password these rows connect with (tests that open their own connection to the same server). */
    String password() {
        return password;
    }

    public Rows(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    public long count(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public List<Map<String, Object>> query(String sql) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    public Set<String> readingKeys() throws SQLException {
        Set<String> keys = new HashSet<>();
        try (Connection c = connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select eventId, deviceId from iot_device_events")) {
            while (rs.next()) {
                keys.add(rs.getString(1) + "/" + rs.getString(2));
            }
        }
        return keys;
    }

    /** The (eventId, deviceId, measurement) keys of device_measurements. */
    public Set<String> measurementKeys() throws SQLException {
        Set<String> keys = new HashSet<>();
        try (Connection c = connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select eventId, deviceId, measurement from device_measurements")) {
            while (rs.next()) {
                keys.add(rs.getString(1) + "/" + rs.getString(2) + "/" + rs.getString(3));
            }
        }
        return keys;
    }

    public void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** The text PostgreSQL makes of one parameter, sent over a connection with these driver properties. */
    public String echo(String sql, Object parameter, java.util.Properties driver) throws SQLException {
        java.util.Properties all = new java.util.Properties();
        all.putAll(driver);
        all.put("user", user);
        all.put("password", password);
        try (Connection c = DriverManager.getConnection(url, all);
                java.sql.PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, parameter);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }
}
