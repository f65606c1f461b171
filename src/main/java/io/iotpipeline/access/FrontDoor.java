package io.iotpipeline.access;

import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.web.handler.AuthenticationHandler;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.component.platform.http.vertx.auth.AuthenticationConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the {@link AccessGuard} in front of camel-main's HTTP servers (the API's and, on its own port, the management
 * one) through platform-http's authentication hook, which installs it before any route, file or console handler and
 * before the server listens: no request is ever served around it.
 */
public final class FrontDoor {

    private static final Logger LOG = LoggerFactory.getLogger(FrontDoor.class);

    private FrontDoor() {
    }

    /** Must run before the Camel context starts (the servers exist by then, but do not listen yet). */
    public static void install(CamelContext context, AccessSettings settings) throws Exception {
        MainHttpServer api = context.hasService(MainHttpServer.class);
        ManagementHttpServer operations = context.hasService(ManagementHttpServer.class);
        boolean apart = api != null && operations != null && api.getPort() != operations.getPort();
        HealthProbes probes = new HealthProbes(context);
        context.addService(new org.apache.camel.support.service.ServiceSupport() {
            @Override
            protected void doStop() {
                probes.close();
            }
        }, true, false);
        if (api != null) {
            guard(api.getConfiguration(), new AccessGuard(context, settings,
                    apart ? AccessGuard.Serves.API : AccessGuard.Serves.EVERYTHING, probes));
        }
        if (operations != null) {
            guard(operations.getConfiguration(), new AccessGuard(context, settings,
                    apart || api == null ? AccessGuard.Serves.OPERATIONS : AccessGuard.Serves.EVERYTHING, probes));
        }
        // called once the servers listen, right before the routes start
        context.addStartupListener((camel, alreadyStarted) -> {
            ConnectionLimits.apply(camel, settings.idleTimeoutSeconds());
            probes.start();
        });
        if (settings.enabled()) {
            LOG.info("Access control on: the API and dashboard need the read user ({}), health details, metrics and"
                    + " Jolokia the operate user ({}), POST /api/events the ingest key", settings.readUser(),
                    settings.operateUser());
        } else {
            LOG.warn("Access control is off (auth.enabled=false): the API, the dashboard and the operations endpoints"
                    + " answer anyone who reaches the HTTP ports{}. Deployed profiles turn it on (deploy/pipeline.properties).",
                    settings.ingestKey() == null ? ", and POST /api/events takes events without a key" : "");
        }
    }

    private static void guard(VertxPlatformHttpServerConfiguration configuration, AccessGuard guard) {
        AuthenticationConfig.AuthenticationConfigEntry entry = new AuthenticationConfig.AuthenticationConfigEntry();
        entry.setPath("/*");
        entry.setAuthenticationProviderFactory(vertx -> null);
        entry.setAuthenticationHandlerFactory(new AuthenticationConfig.AuthenticationHandlerFactory() {
            @Override
            public <T extends AuthenticationProvider> AuthenticationHandler createAuthenticationHandler(T provider) {
                return guard;
            }
        });
        configuration.getAuthenticationConfig().getEntries().add(0, entry);
        configuration.getAuthenticationConfig().setEnabled(true);
    }
}
