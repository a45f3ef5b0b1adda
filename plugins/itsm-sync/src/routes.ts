import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The "ITSM Sync" page; conflicts, connectors and the DLQ are its sub pages. */
export const rootRouteRef = createRouteRef();
