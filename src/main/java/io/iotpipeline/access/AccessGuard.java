package io.iotpipeline.access;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthenticationHandler;
import io.vertx.ext.web.impl.RoutingContextInternal;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;

/**
 * The front door of both HTTP servers, ahead of every other handler: who may do what (read, operate, ingest), which
 * files exist (the dashboard's, {@link DashboardFiles}), which Jolokia requests get through ({@link JolokiaPolicy}),
 * what a response may carry (no request header or query parameter ever comes back: only the headers listed here
 * leave), and the health probes, answered off the event loop and never queued behind Jolokia or other health calls.
 */
public final class AccessGuard implements AuthenticationHandler {

    static final String OBSERVE = "/observe";
    static final String HEALTH = OBSERVE + "/health";
    static final String JOLOKIA = OBSERVE + "/jolokia";
    static final String INGEST = "/api/events";
    /**
     * What guesses at the ingest path are counted under: the key it checks, not a Basic user the request may also
     * name, which that path never reads (a new name with every guess would otherwise start a new count each time).
     */
    private static final String INGEST_KEY = "key";

    /** Response headers that may leave; the rest (whatever a route or Camel copied from the request) is removed. */
    private static final Set<String> RESPONSE_HEADERS = Set.of("content-type", "content-length", "transfer-encoding",
            "connection", "keep-alive", "date", "retry-after", "www-authenticate", "cache-control", "etag",
            "last-modified", "vary", "content-encoding", "accept-ranges", "allow", "content-security-policy",
            "x-content-type-options", "x-frame-options", "referrer-policy");
    /** The dashboard loads only its own files and talks only to its own origin. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self';"
            + " script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none';"
            + " frame-ancestors 'none'";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a server serves: everything on one port, or the API and the operations endpoints on ports of their own. */
    public enum Serves { EVERYTHING, API, OPERATIONS }

    private final CamelContext camel;
    private final Serves serves;
    private final AccessSettings settings;
    private final Credentials credentials;
    private final JolokiaPolicy jolokia;
    private final DashboardFiles dashboard;
    private final HealthProbes probes;
    private final FailedLogins failedLogins;

    public AccessGuard(CamelContext camel, AccessSettings settings, Serves serves, HealthProbes probes) {
        this.probes = probes;
        this.camel = camel;
        this.serves = serves;
        this.settings = settings;
        this.credentials = new Credentials(settings);
        this.jolokia = new JolokiaPolicy(settings.maxJolokiaRequests());
        this.dashboard = new DashboardFiles(AccessGuard.class.getClassLoader());
        this.failedLogins = new FailedLogins(settings.failedLoginsPerMinute(), System::currentTimeMillis);
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        ctx.addHeadersEndHandler(ignored -> keepOnlyOwnHeaders(ctx.response().headers()));
        String path = ctx.normalizedPath();
        String refusal = RequestPath.refusal(request.path(), path, JOLOKIA);
        if (refusal != null) {
            answer(ctx, 400, refusal);
            return;
        }
        if (!settings.answersHost(hostName(request.getHeader("Host")))) {
            // a page on another site whose name resolves here (DNS rebinding) must not reach the API or Jolokia
            answer(ctx, 421, "this server answers only the host names of http.allowedHosts");
            return;
        }
        if (presentsCredentials(request)) {
            long wait = failedLogins.secondsToWait(address(request),
                    path.equals(INGEST) ? INGEST_KEY : claimedName(request));
            if (wait > 0) {
                ctx.response().putHeader("Retry-After", Long.toString(wait));
                answer(ctx, 429, "too many wrong passwords or keys from this address: retry in " + wait + " s");
                return;
            }
        }
        boolean operations = path.equals(OBSERVE) || path.startsWith(OBSERVE + "/");
        if (operations ? serves == Serves.API : serves == Serves.OPERATIONS) {
            answer(ctx, 404, "not found");
        } else if (request.version() == io.vertx.core.http.HttpVersion.HTTP_2 && !request.isSSL()) {
            // h2c is off on the connection (an Upgrade: h2c header is ignored and the request answered in HTTP/1.1);
            // should a cleartext HTTP/2 request still arrive, it is not served
            answer(ctx, 400, "cleartext HTTP/2 is not accepted");
            request.connection().close();
        } else if (path.equals(HEALTH + "/live") || path.equals(HEALTH + "/ready")) {
            // probes stay open for the orchestrator; without the operate role they tell only UP or DOWN
            health(ctx, path, role(request) == Credentials.Role.OPERATE);
        } else if (operations) {
            if (allowed(ctx, Credentials.Role.OPERATE)) {
                if (path.equals(HEALTH)) {
                    health(ctx, path, true);
                } else if (path.equals(JOLOKIA) || path.startsWith(JOLOKIA + "/")) {
                    // Jolokia reads the raw path, which the first gate made sure says what the normalized one says
                    jolokia(ctx, request.path().substring(JOLOKIA.length()));
                } else {
                    ctx.next();
                }
            }
        } else if (path.equals(INGEST)) {
            if (credentials.admitsIngest(request.getHeader("X-API-Key"), request.getHeader("Authorization"))) {
                ctx.next();
            } else {
                if (presentsCredentials(request)) {
                    failedLogins.failed(address(request), INGEST_KEY);
                }
                answer(ctx, 401, "a valid API key is required in the X-API-Key header");
            }
        } else if (allowed(ctx, Credentials.Role.READ)) {
            var file = request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD
                    ? dashboard.find(path) : java.util.Optional.<DashboardFiles.File>empty();
            if (file.isPresent()) {
                ctx.response().putHeader("Content-Type", file.get().mediaType())
                        .putHeader("Cache-Control", "no-cache")
                        .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                        .putHeader("X-Frame-Options", "DENY")
                        .end(Buffer.buffer(file.get().bytes()));
            } else {
                ctx.next();
            }
        }
    }

    /** Whether the request may go on; answers 401 or 403 itself when not. Everything may when access control is off. */
    private boolean allowed(RoutingContext ctx, Credentials.Role needed) {
        if (!settings.enabled()) {
            return true;
        }
        Credentials.Role role = role(ctx.request());
        if (role == null) {
            ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"" + settings.realm() + "\", charset=\"UTF-8\"");
            answer(ctx, 401, "credentials are required");
            return false;
        }
        if (needed == Credentials.Role.OPERATE && role != Credentials.Role.OPERATE) {
            answer(ctx, 403, "this needs the operate user");
            return false;
        }
        return true;
    }

    private Credentials.Role role(HttpServerRequest request) {
        if (!settings.enabled()) {
            return Credentials.Role.OPERATE;
        }
        Credentials.Role role = credentials.basicUser(request.getHeader("Authorization"));
        if (role == null && presentsCredentials(request)) {
            failedLogins.failed(address(request), claimedName(request));
        }
        return role;
    }

    /** Whom a request claims to be, for counting guesses: the Basic user's name, or the ingest key. */
    private static String claimedName(HttpServerRequest request) {
        return Credentials.claimedName(request.getHeader("Authorization"));
    }

    private static boolean presentsCredentials(HttpServerRequest request) {
        return request.getHeader("Authorization") != null || request.getHeader("X-API-Key") != null;
    }

    private static String address(HttpServerRequest request) {
        return request.remoteAddress() == null ? "unknown" : String.valueOf(request.remoteAddress().hostAddress());
    }

    /** The name a Host header gives, without its port: {@code [::1]:8080} is {@code [::1]}. */
    static String hostName(String host) {
        if (host == null) {
            return null;
        }
        String name = host.trim();
        int colon = name.lastIndexOf(':');
        if (colon > name.lastIndexOf(']')) {
            name = name.substring(0, colon);
        }
        return name;
    }

    private void jolokia(RoutingContext ctx, String rest) {
        HttpServerRequest request = ctx.request();
        if (request.method() == HttpMethod.GET) {
            String refusal = jolokia.refusalOfGet(rest, request.params().contains("p"));
            if (refusal == null) {
                ctx.next();
            } else {
                refuseJolokia(ctx, refusal);
            }
            return;
        }
        if (request.method() != HttpMethod.POST) {
            answer(ctx, 405, "Jolokia takes GET and POST");
            return;
        }
        int limit = 64 * 1024;
        Buffer body = Buffer.buffer();
        if (request.isEnded()) {
            checkedJolokiaCall(ctx, body);
            return;
        }
        request.handler(chunk -> {
            if (body.length() + chunk.length() > limit) {
                if (!ctx.response().ended()) {
                    answer(ctx, 413, "a Jolokia call has at most " + limit + " bytes");
                }
                return;
            }
            body.appendBuffer(chunk);
        });
        request.endHandler(ignored -> checkedJolokiaCall(ctx, body));
        request.resume();
    }

    private void checkedJolokiaCall(RoutingContext ctx, Buffer body) {
            if (ctx.response().ended()) {
                return;
            }
            String refusal;
            try {
                refusal = jolokia.refusalOfPost(JSON.readTree(body.getBytes()));
            } catch (java.io.IOException e) {
                refusal = "the Jolokia call is not JSON";
            }
            if (refusal != null) {
                refuseJolokia(ctx, refusal);
                return;
            }
            // the body is read: Jolokia's own body handler must not wait for it again
            ((RoutingContextInternal) ctx).setBody(body);
            ((RoutingContextInternal) ctx).visitHandler(RoutingContextInternal.BODY_HANDLER);
            ctx.next();
    }

    /**
     * A probe without details answers from {@link HealthProbes} at once; anything else runs Camel's health checks on a
     * worker thread, without ordering (camel-main's handler serializes every health and Jolokia call).
     */
    private void health(RoutingContext ctx, String path, boolean details) {
        if (!details && !path.equals(HEALTH)) {
            boolean up = path.endsWith("/live") ? probes.live() : probes.ready();
            ctx.response().setStatusCode(up ? 200 : 503).putHeader("Content-Type", "application/json")
                    .end(up ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
            return;
        }
        String level = ctx.request().getParam("exposureLevel", "default");
        ctx.vertx().executeBlocking(() -> healthAnswer(path, level, details), false).onComplete(result -> {
                    if (result.failed()) {
                        answer(ctx, 500, "the health checks failed: " + result.cause().getMessage());
                    } else {
                        ctx.response().setStatusCode(result.result().up() ? 200 : 503)
                                .putHeader("Content-Type", "application/json").end(result.result().json());
                    }
                });
    }

    private record HealthAnswer(boolean up, String json) {
    }

    private HealthAnswer healthAnswer(String path, String level, boolean details) throws JsonProcessingException {
        Collection<HealthCheck.Result> results = path.endsWith("/live") ? HealthCheckHelper.invokeLiveness(camel, level)
                : path.endsWith("/ready") ? HealthCheckHelper.invokeReadiness(camel, level)
                : HealthCheckHelper.invoke(camel, level);
        boolean up = HealthCheckHelper.isResultsUp(results, !path.endsWith("/live"));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", up ? "UP" : "DOWN");
        if (details && !"oneline".equals(level)) {
            List<Map<String, Object>> checks = new ArrayList<>();
            for (HealthCheck.Result result : results) {
                if ("full".equals(level) || result.getState() == HealthCheck.State.DOWN) {
                    Map<String, Object> check = new LinkedHashMap<>();
                    check.put("name", result.getCheck().getId());
                    check.put("status", result.getState().name());
                    result.getMessage().ifPresent(message -> check.put("message", message));
                    checks.add(check);
                }
            }
            answer.put("checks", checks);
        }
        return new HealthAnswer(up, JSON.writeValueAsString(answer));
    }

    /** A refusal in Jolokia's own answer shape, so Hawtio shows the reason. */
    private static void refuseJolokia(RoutingContext ctx, String reason) {
        try {
            ctx.response().setStatusCode(403).putHeader("Content-Type", "application/json").end(JSON.writeValueAsString(
                    Map.of("status", 403, "error_type", "java.lang.SecurityException", "error", reason)));
        } catch (JsonProcessingException e) {
            answer(ctx, 403, "refused");
        }
    }

    private static void answer(RoutingContext ctx, int status, String error) {
        if (ctx.response().ended()) {
            return;
        }
        String body;
        try {
            body = JSON.writeValueAsString(Map.of("error", error));
        } catch (JsonProcessingException e) {
            body = "{\"error\":\"refused\"}";
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
    }

    /** Only the headers the pipeline means to send leave, and every answer says what it is. */
    static void keepOnlyOwnHeaders(MultiMap headers) {
        List<String> foreign = new ArrayList<>();
        for (String name : headers.names()) {
            if (!RESPONSE_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                foreign.add(name);
            }
        }
        foreign.forEach(headers::remove);
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        if (!headers.contains("Content-Security-Policy")) {
            headers.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        }
    }

    @Override
    public String toString() {
        return "AccessGuard[" + settings + "]";
    }
}
