package io.iotpipeline.it;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;

import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The routes as Hawtio draws them: Hawtio's Route Diagram is built from {@code dumpRoutesAsXml}, and labels a node
 * with its id when the id was set explicitly, else with the EIP and its expression. Every route has an explicit id,
 * and in the stream routes every step is an EIP with a readable expression or a named bean, with an explicit id in
 * domain words: no anonymous processor, no lambda expression, no generated id. The API's routes too.
 */
class RouteDiagramIT {

    /** The routes a reading passes through, from a device to the table. */
    static final Set<String> STREAM_ROUTES = Set.of("simulate", "http-ingest", "mqtt-ingest", "ingest", "before-store",
            "classify-lateness",
            "detect-anomalies", "store-readings", "write-row-batch", "insert-readings", "insert-one-reading",
            "store-dead-letter");
    /** The API's routes are held to the same: one per operation of the contract, plus the contract itself. */
    static final Set<String> API_ROUTES = Set.of("api-contract", "api-devices", "api-customers", "api-device",
            "api-metrics", "api-status", "api-late", "api-silent", "api-gaps", "api-ingest", "api-anomalies");
    /** XML elements that are part of their step, not steps of their own. */
    static final Set<String> NOT_STEPS = Set.of("from", "description", "simple", "constant", "variable", "header",
            "exchangeProperty", "method", "expressionDefinition", "language", "jsonpath", "ref", "correlationExpression",
            "completionPredicate", "input", "output", "properties", "property", "exception", "onWhen", "redeliveryPolicy",
            // the data format of an unmarshal step
            "custom");
    static final Pattern ANONYMOUS = Pattern.compile("\\$\\$Lambda|ProcessorDefinition\\$|@[0-9a-f]{6,}|\\$[0-9]+");

    @Test
    void everyStreamStepHasADomainNameAndNoneIsALambda() throws Exception {
        EmbeddedServers servers = EmbeddedServers.onFreePorts("iot-route-diagram-it");
        servers.properties().put("simulator.enabled", "false");
        Main main = servers.startPipeline();
        try {
            String xml = main.getCamelContext().getCamelContextExtension().getContextPlugin(ManagedCamelContext.class)
                    .getManagedCamelContext().dumpRoutesAsXml();
            Files.writeString(Path.of("target", "routes.xml"), xml);
            var document = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
            NodeList routes = document.getElementsByTagName("route");
            List<String> problems = new ArrayList<>();
            Set<String> seen = new java.util.TreeSet<>();
            for (int i = 0; i < routes.getLength(); i++) {
                Element route = (Element) routes.item(i);
                String id = route.getAttribute("id");
                if (id.isEmpty() || id.matches("route[0-9]+")) {
                    problems.add("a route without an explicit id: " + id);
                }
                seen.add(id);
                if (STREAM_ROUTES.contains(id) || API_ROUTES.contains(id)) {
                    steps(route, id, problems);
                }
            }
            assertTrue(seen.containsAll(STREAM_ROUTES) && seen.containsAll(API_ROUTES), "every route is there: " + seen);
            assertEquals(List.of(), problems, "see target/routes.xml");
        } finally {
            main.stop();
        }
    }

    private static void steps(Element parent, String route, List<String> problems) {
        for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (!(child instanceof Element step)) {
                continue;
            }
            String name = step.getTagName();
            if (NOT_STEPS.contains(name)) {
                if (ANONYMOUS.matcher(step.getTextContent()).find()) {
                    problems.add(route + ": a " + name + " expression that is Java code: " + step.getTextContent().strip());
                }
                continue;
            }
            String id = step.getAttribute("id");
            if (id.isEmpty() || id.matches("[a-zA-Z]+[0-9]+")) {
                problems.add(route + ": <" + name + "> without a domain id (" + id + ")");
            } else if (!step.getAttribute("customId").equals("true")) {
                // Hawtio labels a diagram node with its id only when the dump says it was set (RouteXmlWithIds)
                problems.add(route + ": <" + name + " id=\"" + id + "\"> not marked customId, so Hawtio hides it");
            }
            if (name.equals("process") && step.getAttribute("ref").isEmpty()) {
                problems.add(route + ": <process id=\"" + id + "\"> is an anonymous processor");
            }
            steps(step, route, problems);
        }
    }
}
