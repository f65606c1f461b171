package io.iotpipeline.access;

import java.lang.reflect.Field;
import java.util.concurrent.TimeUnit;

import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.impl.TCPServerBase;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connection settings camel-main's HTTP servers offer no property for: an idle timeout (a client that opens a
 * connection and sends nothing, or stops half-way through its headers, is cut after it) and no cleartext HTTP/2
 * upgrade (h2c, which lets a request change protocol past proxies that only speak HTTP/1.1). platform-http-vertx
 * creates its Vert.x server with default options, so they are set on the options the running server reads for each
 * new connection. Vert.x internals: when they change, start-up says so instead of running without the limits.
 */
final class ConnectionLimits {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimits.class);

    private ConnectionLimits() {
    }

    static void apply(CamelContext context, int idleTimeoutSeconds) {
        for (VertxPlatformHttpServer server : context.hasServices(VertxPlatformHttpServer.class)) {
            try {
                HttpServer http = field(server, VertxPlatformHttpServer.class, "server", HttpServer.class);
                field(http, http.getClass(), "options", HttpServerOptions.class)
                        .setIdleTimeout(idleTimeoutSeconds).setIdleTimeoutUnit(TimeUnit.SECONDS)
                        .setHttp2ClearTextEnabled(false);
                // the connection worker copied the h2c switch when the server started listening
                TCPServerBase listening = field(http, TCPServerBase.class, "actualServer", TCPServerBase.class);
                Object worker = field(listening == null ? http : listening, TCPServerBase.class, "childHandler",
                        Object.class);
                Field disableH2C = worker.getClass().getDeclaredField("disableH2C");
                disableH2C.setAccessible(true);
                disableH2C.setBoolean(worker, true);
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new IllegalStateException("cannot set the idle timeout and turn h2c off on the HTTP server of port "
                        + server.getPort() + " (Vert.x changed?): " + e, e);
            }
        }
        LOG.info("HTTP connections: idle timeout {} s (http.idleTimeoutSeconds), no h2c upgrade", idleTimeoutSeconds);
    }

    private static <T> T field(Object owner, Class<?> declaringClass, String name, Class<T> type)
            throws ReflectiveOperationException {
        Field field = declaringClass.getDeclaredField(name);
        field.setAccessible(true);
        return type.cast(field.get(owner));
    }
}
