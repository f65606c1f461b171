package io.iotpipeline.store;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DatabaseTest {

    /** A pooled connection as far as timeouts go: it keeps the network timeout last set, and notes each call. */
    static Connection pooled(int[] timeout, List<String> calls) {
        return (Connection) Proxy.newProxyInstance(DatabaseTest.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, arguments) -> {
                    calls.add(method.getName() + (method.getName().equals("setNetworkTimeout") ? " " + arguments[1] : ""));
                    return switch (method.getName()) {
                        case "getNetworkTimeout" -> timeout[0];
                        case "setNetworkTimeout" -> {
                            timeout[0] = (Integer) arguments[1];
                            yield null;
                        }
                        case "isClosed" -> false;
                        default -> null;
                    };
                });
    }

    @Test
    void flywaysConnectionsHaveNoSocketTimeoutAndGiveItBackToThePool() throws Exception {
        int[] timeout = {30_000};
        List<String> calls = new ArrayList<>();
        Connection connection = pooled(timeout, calls);
        DataSource pool = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, arguments) -> method.getName().equals("getConnection") ? connection : null);

        Connection migrating = Database.withoutSocketTimeout(pool).getConnection();
        assertEquals(0, migrating.getNetworkTimeout(), "no timeout while Flyway holds it");
        migrating.close();
        assertEquals(30_000, timeout[0], "the pool's timeout again once it is returned");
        assertEquals(List.of("getNetworkTimeout", "setNetworkTimeout 0", "getNetworkTimeout", "isClosed",
                "setNetworkTimeout 30000", "close"), calls, "restored before it goes back to the pool");
    }
}
