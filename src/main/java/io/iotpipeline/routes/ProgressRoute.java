package io.iotpipeline.routes;

import org.apache.camel.builder.RouteBuilder;

/** Every few seconds while busy, one log line with rates and totals. */
public class ProgressRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("timer:progress?period={{progress.intervalMs}}&delay={{progress.intervalMs}}").routeId("progress")
                .autoStartup("{{progress.enabled}}")
                .bean("pipelineCounters", "report").id("log-progress");
    }
}
