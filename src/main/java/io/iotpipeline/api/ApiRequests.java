package io.iotpipeline.api;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import io.iotpipeline.ingest.EventJson;
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

    private record Operation(Parameters parameters, Statement statement) { }

    private final Map<String, Operation> operations = new HashMap<>();

    /** The operation (its route id) checks its parameters so; {@code statement} is null when it is fixed. */
    public void operation(String route, Parameters parameters, Statement statement) {
        operations.put(route, new Operation(parameters, statement));
    }

    /**
     * The request's checked parameters become the body, for camel-sql's {@code :#name} parameters; the request's
     * headers are dropped so none echoes back. An operation with a statement of its own (the fleet's, by sort) sets
     * it for camel-sql.
     */
    public void check(Exchange exchange, String route) throws ApiQuery.BadRequestException {
        var request = exchange.getMessage();
        Set<String> given = request instanceof HttpMessage http && http.getRequest() != null
                ? http.getRequest().params().names() : Set.of();
        Operation operation = operations.get(route);
        ApiQuery query = operation.parameters().check(new ApiQuery(parameter -> request.getHeader(parameter, String.class), given));
        Map<String, Object> values = query.values();
        request.removeHeaders("*");
        if (operation.statement() != null) {
            request.setHeader(SqlConstants.SQL_QUERY, operation.statement().of(query));
        }
        request.setBody(values);
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
