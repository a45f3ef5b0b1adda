import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
  SubPageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import {
  isItsmSyncAvailable,
  ItsmSyncClient,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { itsmSyncApiRef } from './api/ItsmSyncApi';
import { ItsmSyncIcon } from './components/shared/ItsmSyncIcon';
import { incidentRouteRef, integrationRouteRef, rootRouteRef } from './routes';

/** The REST client, built on Backstage's discovery and (authenticated) fetch. */
const itsmSyncApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: itsmSyncApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ItsmSyncClient({ discoveryApi, fetchApi }),
    }),
});

/** The incidents card, on entities that carry the `itsm-sync.io/incidents` annotation. */
const itsmSyncEntityCard = EntityCardBlueprint.make({
  name: 'incidents',
  params: {
    filter: isItsmSyncAvailable,
    loader: () =>
      import('./components/EntityIncidentsCard/EntityIncidentsCard').then(m => (
        <m.EntityIncidentsCard />
      )),
  },
});

/** The top-level page; its title and icon give the navigation entry. */
const itsmSyncPage = PageBlueprint.make({
  params: {
    path: '/itsm-sync',
    title: 'ITSM Sync',
    icon: <ItsmSyncIcon />,
    routeRef: rootRouteRef,
  },
});

const itsmSyncConflictsSubPage = SubPageBlueprint.make({
  name: 'conflicts',
  params: {
    path: 'conflicts',
    title: 'Conflicts',
    loader: () =>
      import('./components/ConflictsPage/ConflictsPage').then(m => (
        <m.ConflictsPage />
      )),
  },
});

const itsmSyncConnectorsSubPage = SubPageBlueprint.make({
  name: 'connectors',
  params: {
    path: 'connectors',
    title: 'Connectors',
    loader: () =>
      import('./components/ConnectorsPage/ConnectorsPage').then(m => (
        <m.ConnectorsPage />
      )),
  },
});

const itsmSyncDlqSubPage = SubPageBlueprint.make({
  name: 'dlq',
  params: {
    path: 'dlq',
    title: 'Dead-letter queue',
    loader: () =>
      import('./components/DlqPage/DlqPage').then(m => <m.DlqPage />),
  },
});

const itsmSyncRoutingSubPage = SubPageBlueprint.make({
  name: 'routing',
  params: {
    path: 'routing',
    title: 'Routing',
    loader: () =>
      import('./components/RoutingPage/RoutingPage').then(m => (
        <m.RoutingPage />
      )),
  },
});

/** One integration's page, opened from the connectors page (no navigation entry of its own). */
const itsmSyncIntegrationPage = PageBlueprint.make({
  name: 'integration',
  params: {
    path: '/itsm-sync/integrations/:id',
    routeRef: integrationRouteRef,
    loader: () =>
      import('./components/IntegrationPage/IntegrationPage').then(m => (
        <m.IntegrationPage />
      )),
  },
});

/** One incident's page, opened from the entity card, the conflicts page and the DLQ. */
const itsmSyncIncidentPage = PageBlueprint.make({
  name: 'incident',
  params: {
    path: '/itsm-sync/incidents/:id',
    routeRef: incidentRouteRef,
    loader: () =>
      import('./components/IncidentPage/IncidentPage').then(m => (
        <m.IncidentPage />
      )),
  },
});

/** The ITSM sync frontend plugin for Backstage's new frontend system. @public */
export const itsmSyncPlugin = createFrontendPlugin({
  pluginId: 'itsm-sync',
  title: 'ITSM Sync',
  icon: <ItsmSyncIcon />,
  routes: {
    root: rootRouteRef,
    integration: integrationRouteRef,
    incident: incidentRouteRef,
  },
  extensions: [
    itsmSyncApi,
    itsmSyncEntityCard,
    itsmSyncPage,
    itsmSyncConflictsSubPage,
    itsmSyncConnectorsSubPage,
    itsmSyncDlqSubPage,
    itsmSyncRoutingSubPage,
    itsmSyncIntegrationPage,
    itsmSyncIncidentPage,
  ],
});
