package io.iotpipeline.routes;

import io.iotpipeline.analytics.BatchLateness;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

/**
 * Analyse stage. Classifies each Kafka batch by event time before it is stored (late readings flagged, readings beyond
 * the horizon or from the future to dead letters), and watches device health: a device silent for longer than the
 * threshold becomes SILENT, and each state change and each change in missing events is logged once.
 * <p>
 * The windowed metrics, device totals and eventOffset gaps themselves are kept by the database, in the transaction that
 * stores the rows (trigger in {@code sql/V2__stream_analytics.sql}), which is what keeps them exact under replay.
 */
public class AnalyseRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:classify-lateness").routeId("classify-lateness").startupOrder(6)
                .routeConfigurationId(DatabaseRetriesConfiguration.READS)
                .setVariable(BatchLateness.READINGS, body()).id("keep-batch-readings")
                .to("sql:classpath:statements/load-watermarks.sql?dataSource=#dataSource&outputType=SelectList").id("load-watermarks")
                .bean("batchLateness", "classify").id("classify-by-event-time")
                .split(variable(BatchLateness.DEAD_LETTERS)).stopOnException().id("split-too-late-or-early")
                    .to("direct:store-dead-letter").id("store-too-late-or-early")
                .end();

        from("timer:watch-device-health?period={{health.checkIntervalMs}}").routeId("watch-device-health")
                .routeConfigurationId(DatabaseRetriesConfiguration.READS)
                .autoStartup("{{health.enabled}}")
                .setBody(method("deviceHealthWatch", "silenceThreshold")).id("silence-threshold")
                .to("sql:classpath:statements/mark-silent-devices.sql?dataSource=#dataSource").id("mark-silent-devices")
                .to("sql:classpath:statements/take-state-changes.sql?dataSource=#dataSource&outputType=SelectList")
                        .id("take-state-changes")
                .transform(method("deviceHealthWatch", "stateChanges")).id("count-state-changes")
                .split(body()).id("split-state-changes")
                    .log(LoggingLevel.INFO, "io.iotpipeline.devices", "${body}").id("log-state-change")
                .end()
                .to("sql:classpath:statements/take-stream-gaps.sql?dataSource=#dataSource&outputType=SelectList").id("take-stream-gaps")
                .split(body()).id("split-stream-gaps")
                    .log(LoggingLevel.INFO, "io.iotpipeline.devices", "Event stream ${body[customerId]}/"
                            + "${body[eventPublisher]}: ${body[missingEvents]} events missing between eventOffset"
                            + " ${body[firstOffset]} and ${body[lastOffset]} (${body[eventsSeen]} stored)")
                            .id("log-stream-gap")
                .end();
    }
}
