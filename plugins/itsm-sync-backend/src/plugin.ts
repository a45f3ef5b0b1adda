import { toError } from '@backstage/errors';
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  itsmConnectorsExtensionPoint,
  itsmSyncEventsExtensionPoint,
  OutboundPolicy,
  type ItsmSyncEventListener,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import { registerItsmSyncActions } from './actions/registerItsmSyncActions';
import { SecretCipher } from './crypto/SecretCipher';
import { registerPermissions } from './permissions/registerPermissions';
import { createResourceAuthorizer } from './service/authorize';
import { createRouter } from './service/router';
import { UserMappingService } from './sync/UserMappingService';
import { DatabaseSyncStore } from './store/SyncStore';
import { CallbackTokenService } from './sync/CallbackTokenService';
import { systemClock } from './sync/Clock';
import { ConnectorRegistry } from './sync/ConnectorRegistry';
import { DeclaredIntegrations } from './sync/DeclaredIntegrations';
import { IncidentService } from './sync/IncidentService';
import { IntegrationService } from './sync/IntegrationService';
import { ManualSyncService } from './sync/ManualSyncService';
import { CatalogEntityFacts } from './sync/CatalogEntityFacts';
import { RoutingService } from './sync/RoutingService';
import { SecretReseal } from './sync/SecretReseal';
import { pruneInBatches } from './sync/pruneInBatches';
import { MetricSeriesSampler } from './sync/MetricSeriesSampler';
import { SyncEngine } from './sync/SyncEngine';
import { SyncEventFeed } from './sync/SyncEventFeed';
import { SyncSettings } from './config';

/**
 * The itsm-sync backend plugin: keeps platform incidents in two-way sync with the
 * external systems that connector modules add through `itsmConnectorsExtensionPoint`.
 * @public
 */
export const itsmSyncPlugin = createBackendPlugin({
  pluginId: 'itsm-sync',
  register(env) {
    const connectors = new ConnectorRegistry();
    env.registerExtensionPoint({
      extensionPoint: itsmConnectorsExtensionPoint,
      // The factory form gives each module its own handle, so a failure is reported against that module.
      factory: context => ({
        addConnector(connector) {
          try {
            connectors.add(connector);
          } catch (error) {
            context.reportModuleStartupFailure({ error: toError(error) });
          }
        },
      }),
    });

    const listeners: ItsmSyncEventListener[] = [];
    env.registerExtensionPoint({
      extensionPoint: itsmSyncEventsExtensionPoint,
      factory: () => ({
        addListener(listener) {
          listeners.push(listener);
        },
      }),
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        scheduler: coreServices.scheduler,
        discovery: coreServices.discovery,
        lifecycle: coreServices.lifecycle,
        actionsRegistry: actionsRegistryServiceRef,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
      },
      async init(deps) {
        const { config, logger, database, httpRouter, scheduler, lifecycle } =
          deps;
        const settings = SyncSettings.fromConfig(config);
        // Checked before anything else, so a typo stops the start naming its key.
        const declared = DeclaredIntegrations.fromConfig(config);
        const cipher = SecretCipher.fromConfig(config, { logger });
        const store = await DatabaseSyncStore.create({ database });
        const outbound = OutboundPolicy.fromConfig(config);
        const integrations = new IntegrationService({
          store,
          connectors,
          cipher,
          clock: systemClock,
          outbound,
        });
        const engine = new SyncEngine({
          store,
          connectors,
          integrations,
          logger,
          clock: systemClock,
          dispatcher: settings.dispatcher,
        });
        const routing = RoutingService.create({
          store,
          connectors,
          entities: CatalogEntityFacts.create({
            catalog: deps.catalog,
            auth: deps.auth,
            logger,
          }),
          clock: systemClock,
          logger,
        });
        const incidents = new IncidentService({
          store,
          connectors,
          integrations,
          clock: systemClock,
          onEnqueued: () => engine.wake(),
          routing,
          logger,
        });
        await declared.apply({
          integrations,
          schedules: engine.reconcileSchedules,
          logger,
        });
        engine.inboundApplier.onCreatedFromVendor(
          created => void incidents.adoptFromVendor(created),
        );
        engine.inboundApplier.onRoutedFieldsChanged(
          changed => void incidents.rerouteAfterVendorChange(changed),
        );
        engine.reconciler.onRoutedFieldsChanged(
          changed => void incidents.rerouteAfterVendorChange(changed),
        );

        const permissionRules = registerPermissions(
          deps.permissionsRegistry,
          store,
        );
        httpRouter.use(
          await createRouter({
            connectors,
            integrations,
            incidents,
            routing,
            engine,
            logger,
            auditor: deps.auditor,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            permissionRules,
            baseUrl: await deps.discovery.getExternalBaseUrl('itsm-sync'),
            maxWebhookBytes: settings.maxWebhookBytes,
            webhookRateLimit: settings.webhookRateLimit,
            callbackTokens: new CallbackTokenService(store, systemClock),
            manualSync: new ManualSyncService({
              store,
              connectors,
              clock: systemClock,
              wake: () => engine.wake(),
              routing,
            }),
            reseal: new SecretReseal(store, cipher, connectors),
            userMappings: new UserMappingService(
              store,
              integrations,
              systemClock,
            ),
          }),
        );
        httpRouter.addAuthPolicy({
          path: '/v1/webhooks',
          allow: 'unauthenticated',
        });
        registerItsmSyncActions(deps.actionsRegistry, {
          incidents,
          integrations,
          engine,
          permissions: deps.permissions,
          auditor: deps.auditor,
          resources: createResourceAuthorizer({
            ...deps,
            permissionRules,
            integrations,
          }),
        });

        await scheduler.scheduleTask({
          id: 'itsm-sync-inbox-sweep',
          frequency: { seconds: 30 },
          timeout: { minutes: 5 },
          fn: async () => {
            await engine.inbound.sweep(engine.dispatcher.owner);
          },
        });
        await scheduler.scheduleTask({
          id: 'itsm-sync-reconcile-schedules',
          frequency: { minutes: 1 },
          timeout: { hours: 1 },
          fn: async () => {
            await engine.reconcileSchedules.tick();
          },
        });
        await scheduler.scheduleTask({
          id: 'itsm-sync-outbox-prune',
          frequency: { hours: 1 },
          timeout: { minutes: 10 },
          fn: async () => {
            // Delivered outbox rows and settled inbox rows, oldest first, a batch at a time.
            const before = Date.now() - settings.deliveredRetentionMs;
            await pruneInBatches(batch =>
              store.outbox.pruneDelivered(before, batch),
            );
            await pruneInBatches(batch =>
              store.deliveries.pruneSettled(
                Date.now() - settings.inboxRetentionMs,
                batch,
              ),
            );
            await store.trace.prune(Date.now() - settings.traceRetentionMs);
            // sync-status reads the last hour; a day is kept to look back on.
            await store.refusals.prune(Date.now() - 86_400_000);
            // Notes posted as long ago as delivered rows are kept: their echoes are in.
            await store.hubNotes.pruneOlderThan(
              Date.now() - settings.deliveredRetentionMs,
            );
          },
        });
        await scheduler.scheduleTask({
          id: 'itsm-sync-replay-keys-prune',
          frequency: { hours: 1 },
          timeout: { minutes: 10 },
          fn: async () => {
            await store.replayKeys.pruneExpired(Date.now());
          },
        });

        if (listeners.length) {
          const feed = new SyncEventFeed({
            store,
            listeners,
            status: engine.status,
            clock: systemClock,
            logger,
          });
          // The scheduler runs it on one replica at a time (docs/sync-semantics.md#notifications).
          await scheduler.scheduleTask({
            id: 'itsm-sync-event-feed',
            frequency: { milliseconds: settings.eventsIntervalMs },
            timeout: { minutes: 5 },
            fn: () => feed.tick(),
          });
        }
        const seriesSampler = new MetricSeriesSampler({
          store,
          latencies: engine.latencies,
          clock: systemClock,
          logger,
        });
        await scheduler.scheduleTask({
          id: 'itsm-sync-metric-minutes',
          frequency: { minutes: 1 },
          timeout: { minutes: 1 },
          fn: () => seriesSampler.sample(),
        });
        // Every replica keeps its own latencies in memory, so each flushes them itself.
        await scheduler.scheduleTask({
          id: 'itsm-sync-latency-minutes',
          scope: 'local',
          frequency: { minutes: 1 },
          timeout: { minutes: 1 },
          fn: () => seriesSampler.flushLatencies(),
        });

        lifecycle.addStartupHook(() => engine.dispatcher.start());
        lifecycle.addShutdownHook(() => engine.dispatcher.stop());
        lifecycle.addShutdownHook(() =>
          seriesSampler.flushLatencies(Number.MAX_SAFE_INTEGER),
        );
        lifecycle.addShutdownHook(() => outbound.close());
        logger.info(
          `itsm-sync ready with connectors: ${connectors.types().join(', ') || 'none'}`,
        );
      },
    });
  },
});
