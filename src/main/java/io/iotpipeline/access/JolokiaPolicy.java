package io.iotpipeline.access;

import java.util.Set;

import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The first of Jolokia's two gates, in front of its own policy ({@code jolokia-access.xml}, an allow-list of the
 * attributes and operations Hawtio reads): only the read-only request types, never an operation on an ObjectName
 * pattern (Jolokia runs it on every MBean the pattern matches, which no name-based rule sees), never the request
 * forms that carry their path elsewhere, and at most a bounded number of requests per call.
 */
public final class JolokiaPolicy {

    static final Set<String> TYPES = Set.of("read", "list", "search", "version", "exec");

    private final int maxRequestsPerCall;

    public JolokiaPolicy(int maxRequestsPerCall) {
        this.maxRequestsPerCall = maxRequestsPerCall;
    }

    /** Why a POST body is refused, or null when each of its requests may go on to Jolokia's own policy. */
    public String refusalOfPost(JsonNode body) {
        if (body == null || !(body.isObject() || body.isArray())) {
            return "a Jolokia request is a JSON object or an array of them";
        }
        if (body.isArray()) {
            if (body.size() > maxRequestsPerCall) {
                return body.size() + " requests in one call, at most " + maxRequestsPerCall
                        + " are accepted (auth.jolokia.maxRequestsPerCall)";
            }
            for (JsonNode request : body) {
                String refusal = refusal(request);
                if (refusal != null) {
                    return refusal;
                }
            }
            return null;
        }
        return refusal(body);
    }

    /**
     * Why a GET request ({@code /observe/jolokia/<type>/<mbean>/...}, the raw path after the Jolokia prefix) is
     * refused, or null.
     */
    public String refusalOfGet(String rawPathAfterJolokia, boolean hasPathParameter) {
        if (hasPathParameter) {
            return "the p= form of a Jolokia request is not accepted: put the request in the path";
        }
        String path = java.net.URLDecoder.decode(rawPathAfterJolokia.replace("+", "%2B"),
                java.nio.charset.StandardCharsets.UTF_8);
        java.util.List<String> parts = pathElements(path.startsWith("/") ? path.substring(1) : path);
        String type = parts.isEmpty() || parts.get(0).isEmpty() ? "version" : parts.get(0);
        com.fasterxml.jackson.databind.node.ObjectNode request = com.fasterxml.jackson.databind.node.JsonNodeFactory
                .instance.objectNode().put("type", type);
        if (parts.size() > 1) {
            request.put("mbean", parts.get(1));
        }
        return refusal(request);
    }

    /** Jolokia's path elements: split at '/', where "!/" is a '/' inside an element and "!!" a '!'. */
    static java.util.List<String> pathElements(String path) {
        java.util.List<String> elements = new java.util.ArrayList<>();
        StringBuilder element = new StringBuilder();
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '!' && i + 1 < path.length()) {
                element.append(path.charAt(++i));
            } else if (c == '/') {
                elements.add(element.toString());
                element.setLength(0);
            } else {
                element.append(c);
            }
        }
        elements.add(element.toString());
        return elements;
    }

    String refusal(JsonNode request) {
        if (!request.isObject()) {
            return "a Jolokia request is a JSON object";
        }
        String type = request.path("type").asText("");
        if (!TYPES.contains(type)) {
            return "Jolokia " + quote(type) + " requests are not accepted (read, list, search, version and exec are)";
        }
        if (type.equals("exec")) {
            String mbean = request.path("mbean").asText("");
            try {
                if (new ObjectName(mbean).isPattern()) {
                    return "an operation on an ObjectName pattern is not accepted: name one MBean";
                }
            } catch (MalformedObjectNameException e) {
                return "not an MBean name: " + quote(mbean);
            }
        }
        return null;
    }

    private static String quote(String text) {
        String shown = text.length() > 80 ? text.substring(0, 80) + "…" : text;
        return "\"" + shown + "\"";
    }
}
