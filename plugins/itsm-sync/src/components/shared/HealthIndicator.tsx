import {
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import type { SyncStatusResponse } from '@itsm-sync-hub/plugin-itsm-sync-common';

/** An integration's health (sync-status) as a Backstage status indicator. */
export function HealthIndicator(props: {
  health: SyncStatusResponse['health'];
}) {
  switch (props.health) {
    case 'healthy':
      return <StatusOK>Healthy</StatusOK>;
    case 'degraded':
      return <StatusWarning>Degraded</StatusWarning>;
    case 'failing':
      return <StatusError>Failing</StatusError>;
    default:
      return <StatusPending>Disabled</StatusPending>;
  }
}
