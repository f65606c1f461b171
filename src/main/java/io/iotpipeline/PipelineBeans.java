package io.iotpipeline;

import java.time.Clock;
import java.util.List;

import io.iotpipeline.access.AccessSettings;
import io.iotpipeline.access.Credentials;
import io.iotpipeline.analytics.AnalyticsSettings;
import io.iotpipeline.analytics.BatchLateness;
import io.iotpipeline.analytics.DeviceHealthWatch;
import io.iotpipeline.anomaly.AnomalyDetectors;
import io.iotpipeline.anomaly.BatchJudge;
import io.iotpipeline.settings.Settings;
import io.iotpipeline.ingest.DeviceEventsFormat;
import io.iotpipeline.ingest.EventReader;
import io.iotpipeline.ingest.EventRecords;
import io.iotpipeline.ingest.HttpEvents;
import io.iotpipeline.ingest.IngestBatch;
import io.iotpipeline.ingest.IngestSettings;
import io.iotpipeline.ingest.MqttEvents;
import io.iotpipeline.ingest.ReadingRules;
import io.iotpipeline.ops.PipelineCounters;
import io.iotpipeline.ops.StepCounts;
import io.iotpipeline.store.ReadingStore;
import io.iotpipeline.store.StoreSettings;
import io.iotpipeline.store.WriteFailures;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Configuration;

/**
 * The beans the routes call by name, built from the typed settings ({@code Settings.bound}: as {@link PipelineSetup}
 * bound them at start). Lazy: each is made at its first lookup, once every setting and shared bean is bound.
 */
@Configuration
public class PipelineBeans implements CamelConfiguration, CamelContextAware {

    private CamelContext context;

    @Override
    public CamelContext getCamelContext() {
        return context;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.context = camelContext;
    }

    @Override
    public void configure(CamelContext camelContext) {
        this.context = camelContext;
    }

    private <T> T settings(Class<T> type, java.util.function.Function<Settings, T> binding) {
        return Settings.bound(context, type, binding);
    }

    /** The running totals of the progress line and the metrics (bound by PipelineSetup, with the consumer lag). */
    private PipelineCounters totals() {
        return context.getRegistry().lookupByNameAndType("pipelineCounters", PipelineCounters.class);
    }

    private ReadingRules readingRules() {
        return context.getRegistry().lookupByNameAndType("readingRules", ReadingRules.class);
    }

    /** The pipeline clock (PipelineSetup binds the system's unless a test bound one it can move). */
    private Clock clock() {
        return context.getRegistry().lookupByNameAndType("clock", Clock.class);
    }

    private EventReader eventReader() {
        return new EventReader(readingRules(), settings(IngestSettings.class, IngestSettings::from).maxEventBytes());
    }

    @BindToRegistry(value = DeviceEventsFormat.NAME, lazy = true)
    public DeviceEventsFormat deviceEvents() {
        return new DeviceEventsFormat(eventReader(), StepCounts.of(context));
    }

    @BindToRegistry(value = "ingestBatch", lazy = true)
    public IngestBatch ingestBatch() {
        return new IngestBatch(eventReader(), StepCounts.of(context), totals());
    }

    @BindToRegistry(value = "batchLateness", lazy = true)
    public BatchLateness batchLateness() {
        return new BatchLateness(settings(AnalyticsSettings.class, AnalyticsSettings::from).lateness(), clock(),
                StepCounts.of(context), totals());
    }

    @BindToRegistry(value = "deviceHealthWatch", lazy = true)
    public DeviceHealthWatch deviceHealthWatch() {
        return new DeviceHealthWatch(settings(AnalyticsSettings.class, AnalyticsSettings::from).silentAfter(), clock(),
                totals());
    }

    @BindToRegistry(value = "batchJudge", lazy = true)
    public BatchJudge batchJudge() {
        // each catalog measurement's detectors (PipelineSetup: rebuilt from the stored values), none in route tests
        @SuppressWarnings("unchecked")
        List<AnomalyDetectors> measurements = context.getRegistry().lookupByNameAndType("measurementDetectors",
                List.class);
        return new BatchJudge(context.getRegistry().lookupByNameAndType("anomalyDetectors", AnomalyDetectors.class),
                measurements == null ? List.of() : measurements, totals());
    }

    @BindToRegistry(value = "readingStore", lazy = true)
    public ReadingStore readingStore() {
        StoreSettings store = settings(StoreSettings.class, StoreSettings::from);
        return new ReadingStore(store.rowsPerBatch(), store.batchesPerSecond(), WriteFailures.of(context), StepCounts.of(context), totals());
    }

    @BindToRegistry(value = "eventRecords", lazy = true)
    public EventRecords eventRecords() {
        return new EventRecords(totals());
    }

    @BindToRegistry(value = "httpEvents", lazy = true)
    public HttpEvents httpEvents() {
        return new HttpEvents(settings(IngestSettings.class, IngestSettings::from).posted(), readingRules(), clock(),
                new Credentials(settings(AccessSettings.class, AccessSettings::from)), totals());
    }

    @BindToRegistry(value = "mqttEvents", lazy = true)
    public MqttEvents mqttEvents() {
        return new MqttEvents(settings(IngestSettings.class, IngestSettings::from).posted(), readingRules(), clock(),
                totals());
    }
}
