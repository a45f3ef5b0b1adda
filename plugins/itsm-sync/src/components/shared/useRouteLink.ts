import { useRouteRef } from '@backstage/frontend-plugin-api';
import { incidentRouteRef, integrationRouteRef } from '../../routes';

/** Links to an integration's page; undefined where the app has not mounted that page. */
export function useIntegrationLink(): ((id: string) => string) | undefined {
  const route = useRouteRef(integrationRouteRef);
  return route && (id => route({ id }));
}

/** Links to an incident's page; undefined where the app has not mounted that page. */
export function useIncidentLink(): ((id: string) => string) | undefined {
  const route = useRouteRef(incidentRouteRef);
  return route && (id => route({ id }));
}
