package io.iotpipeline.ops;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.ObjectName;

import io.iotpipeline.domain.DeadLetter;
import org.apache.camel.CamelContext;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.spi.ManagementAgent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each step of a pipeline route did, in the domain's units (events read, readings split, readings refused by
 * reason, rows stored, late readings flagged), where one exchange is a whole Kafka batch and Camel's own counts are
 * batches. Each (route, step) is an MBean {@code org.apache.camel:context=…,type=steps,name="route/step"} that Hawtio
 * shows (JMX → org.apache.camel → steps: Attributes, Chart) beside the route's processors.
 */
public final class StepCounts {

    private static final Logger LOG = LoggerFactory.getLogger(StepCounts.class);

    private final CamelContext context;
    private final Map<String, Step> steps = new ConcurrentHashMap<>();

    public StepCounts(CamelContext context) {
        this.context = context;
    }

    /** The context's one instance, bound on first use. */
    public static synchronized StepCounts of(CamelContext context) {
        StepCounts counts = context.getRegistry().findSingleByType(StepCounts.class);
        if (counts == null) {
            counts = new StepCounts(context);
            context.getRegistry().bind("stepCounts", counts);
        }
        return counts;
    }

    /**
     * The counts of a step of a route (the route that consumed the batch: ingest, or another pipeline's instance).
     *
     * @param unit   what passes the step (events, readings, rows)
     * @param noting what the step notes among them without refusing it (late, already stored), or null
     */
    public Step of(String routeId, String stepId, String unit, String noting) {
        return steps.computeIfAbsent(routeId + "/" + stepId, name -> register(new Step(routeId, stepId, unit, noting)));
    }

    private Step register(Step step) {
        ManagementAgent agent = context.getManagementStrategy() == null ? null
                : context.getManagementStrategy().getManagementAgent();
        if (agent != null) {
            try {
                // the context as Camel names it in its own MBeans, so the steps sit beside its routes
                agent.register(step, new ObjectName(agent.getMBeanObjectDomainName() + ":context="
                        + (context.getManagementName() == null ? context.getName() : context.getManagementName())
                        + ",type=steps,name=" + ObjectName.quote(step.routeId + "/" + step.stepId)));
            } catch (Exception e) {
                LOG.warn("Step {}/{} counts itself but is not in JMX: {}", step.routeId, step.stepId, e.toString());
            }
        }
        return step;
    }

    /** One step's counts: what passed, and what it refused by reason. */
    @ManagedResource(description = "What a pipeline step did, in the domain's units")
    public static final class Step {

        private final String routeId;
        private final String stepId;
        private final String unit;
        private final String noting;
        private final AtomicLong passed = new AtomicLong();
        private final AtomicLong noted = new AtomicLong();
        private final Map<String, AtomicLong> refused = new ConcurrentHashMap<>();

        Step(String routeId, String stepId, String unit, String noting) {
            this.routeId = routeId;
            this.stepId = stepId;
            this.unit = unit;
            this.noting = noting;
        }

        public void passed(long count) {
            passed.addAndGet(count);
        }

        public void noted(long count) {
            noted.addAndGet(count);
        }

        public void refused(String reason) {
            refused.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
        }

        /** What a step let pass, and the dead letters it made, counted by their kind ({@link DeadLetter#kindOf}). */
        public void counted(long passedCount, Collection<DeadLetter> deadLetters) {
            passed(passedCount);
            deadLetters.forEach(deadLetter -> refused(DeadLetter.kindOf(deadLetter.reason())));
        }

        @ManagedAttribute(description = "The route the step belongs to")
        public String getRouteId() {
            return routeId;
        }

        @ManagedAttribute(description = "The step's id in the route")
        public String getStepId() {
            return stepId;
        }

        @ManagedAttribute(description = "What the counts count")
        public String getUnit() {
            return unit;
        }

        @ManagedAttribute(description = "How many went on past the step")
        public long getPassed() {
            return passed.get();
        }

        @ManagedAttribute(description = "What the step notes among those that pass, if anything")
        public String getNoting() {
            return noting == null ? "" : noting;
        }

        @ManagedAttribute(description = "How many of those that passed the step noted")
        public long getNoted() {
            return noted.get();
        }

        @ManagedAttribute(description = "How many the step refused (as dead letters)")
        public long getRefused() {
            return refused.values().stream().mapToLong(AtomicLong::get).sum();
        }

        @ManagedAttribute(description = "The refused ones by reason")
        public String getRefusedByReason() {
            Map<String, Long> sorted = new TreeMap<>();
            refused.forEach((reason, count) -> sorted.put(reason, count.get()));
            return sorted.toString();
        }
    }
}
