import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The "ITSM Sync" page; conflicts, connectors and the DLQ are its sub pages. */
export const rootRouteRef = createRouteRef();

/** One integration: health, charts, settings, ownership, reconcile history, DLQ. */
export const integrationRouteRef = createRouteRef({ params: ['id'] });

/** One incident beside its tickets: fields, tickets, notes, conflicts. */
export const incidentRouteRef = createRouteRef({ params: ['id'] });
