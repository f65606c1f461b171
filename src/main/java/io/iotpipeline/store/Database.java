package io.iotpipeline.store;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

import org.apache.commons.dbcp2.BasicDataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The PostgreSQL connection pool, and the schema brought up to date from {@code sql/} at start. */
public final class Database {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private Database() {
    }

    public static BasicDataSource pool(String url, String user, String password,
            io.iotpipeline.config.ConnectionSettings.Database settings) {
        BasicDataSource pool = new BasicDataSource();
        pool.setUrl(url);
        pool.setUsername(user);
        pool.setPassword(password);
        pool.setMaxTotal(settings.maxConnections());
        pool.setMaxIdle(settings.maxConnections());
        pool.setMaxWait(java.time.Duration.ofSeconds(30));
        // one round trip per JDBC batch instead of one per row
        pool.addConnectionProperty("reWriteBatchedInserts", "true");
        pool.addConnectionProperty("ApplicationName", "iot-pipeline");
        // a connection that goes silent without a reset fails after these instead of holding its thread for ever
        pool.addConnectionProperty("connectTimeout", String.valueOf(settings.connectTimeoutSeconds()));
        pool.addConnectionProperty("socketTimeout", String.valueOf(settings.socketTimeoutSeconds()));
        pool.addConnectionProperty("tcpKeepAlive", "true");
        // store_readings' uuid and timestamp arrays go in PostgreSQL's binary format (BinaryArray), not as text
        pool.addConnectionProperty("binaryTransferEnable", "UUID_ARRAY,TIMESTAMP_ARRAY,TIMESTAMPTZ_ARRAY");
        // a pooled connection is checked before it is lent out (one broken by a reset is replaced), within this bound
        pool.setValidationQueryTimeout(java.time.Duration.ofSeconds(settings.validationTimeoutSeconds()));
        return pool;
    }

    /**
     * Checks the database is reachable, with an error that says what to do when it is not, then applies the
     * versioned scripts of {@code sql/}.
     */
    public static void migrate(DataSource dataSource, String url, String user) {
        try (Connection connection = dataSource.getConnection()) {
            LOG.debug("Connected to {}", connection.getMetaData().getDatabaseProductVersion());
        } catch (SQLException e) {
            throw new IllegalStateException(explain(e, url, user), e);
        }
        MigrateResult result = Flyway.configure()
                .dataSource(withoutSocketTimeout(dataSource))
                .locations("classpath:sql")
                .load()
                .migrate();
        LOG.info("Database schema at version {} ({} migrations applied now)",
                result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion,
                result.migrationsExecuted);
    }

    /**
     * The pool's connections without their socket timeout while Flyway holds them: a migration may run for minutes on
     * a large database (V17 rebuilds the readings' primary key), and a timeout would drop it half done, to be rolled
     * back and tried again at every start while the abandoned statement still holds its locks. Each connection gets
     * its timeout back before it returns to the pool.
     */
    static DataSource withoutSocketTimeout(DataSource pool) {
        return (DataSource) java.lang.reflect.Proxy.newProxyInstance(Database.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, arguments) -> {
                    Object result = invoke(pool, method, arguments);
                    if (!(result instanceof Connection connection)) {
                        return result;
                    }
                    int timeout = connection.getNetworkTimeout();
                    connection.setNetworkTimeout(Runnable::run, 0);
                    return java.lang.reflect.Proxy.newProxyInstance(Database.class.getClassLoader(),
                            new Class<?>[] {Connection.class}, (c, call, args) -> {
                                if (call.getName().equals("close") && !connection.isClosed()) {
                                    connection.setNetworkTimeout(Runnable::run, timeout);
                                }
                                return invoke(connection, call, args);
                            });
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] arguments) throws Throwable {
        try {
            return method.invoke(target, arguments);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Stores a setting the database side needs (see {@code pipeline_settings}). */
    public static void saveSetting(DataSource dataSource, String name, String value) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                var statement = connection.prepareStatement(Statements.text("save-pipeline-setting"))) {
            statement.setString(1, name);
            statement.setString(2, value);
            statement.executeUpdate();
        }
    }

    /** The URL without a password parameter (pgjdbc accepts ?password=…), for logs and messages. */
    public static String redacted(String url) {
        return url == null ? null : url.replaceAll("(?i)([?&;]password=)[^&;]*", "$1***");
    }

    static String explain(SQLException e, String url, String user) {
        url = redacted(url);
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof org.postgresql.util.PSQLException)) {
            cause = cause.getCause();
        }
        String state = cause instanceof SQLException sql ? sql.getSQLState() : null;
        String database = url.replaceFirst("^jdbc:postgresql://[^/]*/", "").replaceFirst("\\?.*$", "");
        if ("3D000".equals(state)) {
            return "Database '" + database + "' does not exist at " + url + ". Create it, e.g.: createdb -U " + user
                    + " " + database + "   (or: psql -U postgres -c 'CREATE DATABASE " + database + " OWNER " + user
                    + "'), or unset db.url to use the embedded PostgreSQL.";
        }
        if ("28P01".equals(state) || "28000".equals(state)) {
            return "PostgreSQL at " + url + " refused user '" + user + "': check db.user and db.password ("
                    + cause.getMessage() + ")";
        }
        if ("08001".equals(state) || "08004".equals(state)) {
            return "Cannot reach PostgreSQL at " + url + " (" + cause.getMessage()
                    + "). Start it, fix db.url, or unset db.url to use the embedded PostgreSQL.";
        }
        return "Cannot connect to PostgreSQL at " + url + ": " + cause.getMessage();
    }
}
