package io.iotpipeline.ops;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.support.PluginHelper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouteXmlWithIdsTest {

    @Test
    void stepsWithTheirOwnIdsAreMarkedForHawtioAndGeneratedOnesAreNot() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            // a lambda, not a RouteBuilder class: camel-main's package scan in the ITs would pick that up
            RouteBuilder.addRoutes(context, routes -> routes.from("direct:in").routeId("ingest")
                    .log("no id of its own")
                    .split(routes.body()).id("split-readings")
                        .to("mock:out").id("store-each")
                    .end());
            RouteXmlWithIds.install(context);
            String xml = PluginHelper.getModelToXMLDumper(context).dumpModelAsXml(context,
                    ((ModelCamelContext) context).getRouteDefinition("ingest"));

            assertTrue(xml.contains("id=\"ingest\" customId=\"true\""), xml);
            assertTrue(xml.contains("id=\"split-readings\" customId=\"true\""), xml);
            assertTrue(xml.contains("id=\"store-each\" customId=\"true\""), xml);
            assertFalse(xml.matches("(?s).*<log id=\"[^\"]*\" customId.*"), "a generated id stays unmarked: " + xml);
        }
    }
}
