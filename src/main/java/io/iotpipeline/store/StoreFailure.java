package io.iotpipeline.store;

import java.sql.SQLException;

/** What a failure to store means: bad data (no retry can help), a server away for now (retry), and its first line. */
public final class StoreFailure {

    private StoreFailure() {
    }

    /**
     * Whether PostgreSQL refused the data itself (SQLSTATE class 22, data exception, or 23, integrity constraint
     * violation), as opposed to being unreachable or overloaded, which a retry can cure.
     */
    public static boolean rejectedAsBadData(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                for (SQLException next = sql; next != null; next = next.getNextException()) {
                    String state = next.getSQLState();
                    if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * Whether a retry may cure the failure: a server unreachable, refusing connections, shutting down or out of
     * resources (SQLSTATE classes 08, 53, 57), a pool without a connection, or a Kafka send or call timing out.
     */
    public static boolean isTransient(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("53")
                            || sql.getSQLState().startsWith("57"))) {
                return true;
            }
            if (cause instanceof org.springframework.dao.TransientDataAccessException
                    || cause instanceof org.springframework.jdbc.CannotGetJdbcConnectionException
                    || cause instanceof java.net.ConnectException || cause instanceof java.util.concurrent.TimeoutException
                    || cause instanceof org.apache.kafka.common.errors.RetriableException
                    || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    /** The first line of the root cause's message: what a log line or a dead letter says. */
    public static String firstLine(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
