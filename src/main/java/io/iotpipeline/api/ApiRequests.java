package io.iotpipeline.api;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import io.iotpipeline.domain.EventJson;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.apache.camel.component.sql.SqlConstants;

/**
 * The steps of the API routes (bean {@code apiRequests}): a request's parameters checked into the statement's named
 * parameters, and the answers that are not the statement's JSON (400, 404, 503).
 */
public final class ApiRequests {

    /** How an operation checks its parameters. */
    public interface Parameters {
        ApiQuery check(ApiQuery query) throws ApiQuery.BadRequestException;
    }

    /** How an operation whose statement depends on its parameters (the fleet's sort) picks it. */
    public interface Statement {
        String of(ApiQuery query);
    }

    private record Operation(String path, Parameters parameters, Statement statement) { }

    private final Map<String, Operation> operations = new HashMap<>();

    /**
     * The operation (its route id, served at {@code path}, which may hold {@code {name}} segments) checks its
     * parameters so; {@code statement} is null when it is fixed.
     */
    public void operation(String route, String path, Parameters parameters, Statement statement) {
        operations.put(route, new Operation(path, parameters, statement));
    }

    /**
     * The request's checked parameters become the body, for camel-sql's {@code :#name} parameters; the request's
     * headers are dropped so none echoes back. An operation with a statement of its own (the fleet's, by sort) sets
     * it for camel-sql.
     */
    public void check(Exchange exchange, String route) throws ApiQuery.BadRequestException {
        var request = exchange.getMessage();
        Operation operation = operations.get(route);
        // parameters come from the query string and the path only: Camel's headers also hold the request's HTTP
        // headers, and a header named like a filter must not filter
        io.vertx.core.MultiMap query = request instanceof HttpMessage http && http.getRequest() != null
                ? http.getRequest().params() : io.vertx.core.MultiMap.caseInsensitiveMultiMap();
        Map<String, String> path = pathParameters(operation.path(), request instanceof HttpMessage http
                && http.getRequest() != null ? http.getRequest().path() : "");
        Set<String> given = query.names();
        ApiQuery checked = operation.parameters().check(new ApiQuery(
                parameter -> path.containsKey(parameter) ? path.get(parameter) : query.get(parameter), given));
        Map<String, Object> values = checked.values();
        request.removeHeaders("*");
        if (operation.statement() != null) {
            request.setHeader(SqlConstants.SQL_QUERY, operation.statement().of(checked));
        }
        request.setBody(values);
    }

    /** The {@code {name}} segments of {@code template} as the request's path gives them, decoded. */
    static Map<String, String> pathParameters(String template, String requestPath) {
        Map<String, String> values = new HashMap<>();
        String[] names = template.split("/");
        String[] given = requestPath.split("/");
        for (int i = 0; i < names.length; i++) {
            if (names[i].startsWith("{") && names[i].endsWith("}")) {
                // the segment counted from the end: the server's /api prefix is not part of the template
                int at = given.length - (names.length - i);
                values.put(names[i].substring(1, names[i].length() - 1), at >= 0
                        ? java.net.URLDecoder.decode(given[at].replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8)
                        : null);
            }
        }
        return values;
    }

    /** The sort of a fleet request, by device when none is asked. */
    public static String sortOf(ApiQuery query) {
        Object sort = query.value("sort");
        return sort == null ? "device" : (String) sort;
    }

    public void notFound(Exchange exchange) throws Exception {
        error(exchange, 404, "no such device");
    }

    /** 400 with what is wrong with the request. */
    public void badRequest(Exchange exchange) throws Exception {
        error(exchange, 400, exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class).getMessage());
    }

    /** PostgreSQL away (readiness says so too): the client is told to retry, not handed a 500. */
    public void unavailable(Exchange exchange) throws Exception {
        if (io.iotpipeline.store.StoreFailure.rejectedAsBadData(exchange.getProperty(Exchange.EXCEPTION_CAUGHT,
                Throwable.class))) {
            // a value the database cannot read is the request's fault, not the database's absence
            error(exchange, 400, "a parameter is out of the range the database reads");
            return;
        }
        error(exchange, 503, "the database is unavailable, retry later");
        exchange.getMessage().setHeader("Retry-After", "5");
    }

    static void error(Exchange exchange, int status, String message) throws Exception {
        var response = exchange.getMessage();
        response.removeHeaders("*");
        response.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        response.setHeader(Exchange.CONTENT_TYPE, "application/json");
        response.setBody(EventJson.MAPPER.writeValueAsString(Map.of("error", message)));
    }
}
