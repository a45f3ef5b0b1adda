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
import { rootRouteRef } from './routes';

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

/** The ITSM sync frontend plugin for Backstage's new frontend system. @public */
export const itsmSyncPlugin = createFrontendPlugin({
  pluginId: 'itsm-sync',
  title: 'ITSM Sync',
  icon: <ItsmSyncIcon />,
  routes: { root: rootRouteRef },
  extensions: [
    itsmSyncApi,
    itsmSyncEntityCard,
    itsmSyncPage,
    itsmSyncConflictsSubPage,
    itsmSyncConnectorsSubPage,
    itsmSyncDlqSubPage,
    itsmSyncRoutingSubPage,
  ],
});
