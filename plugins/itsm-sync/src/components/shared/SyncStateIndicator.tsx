import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import type { LinkSyncState } from '@itsm-sync-hub/plugin-itsm-sync-common';

const LABELS: Record<LinkSyncState, string> = {
  in_sync: 'In sync',
  pending: 'Pending',
  failed: 'Failed',
  conflict: 'Conflict',
  gone: 'Ticket deleted',
};

/** The sync state of one incident <-> ticket link as a Backstage status indicator. */
export function SyncStateIndicator(props: { state: LinkSyncState }) {
  const label = LABELS[props.state] ?? props.state;
  switch (props.state) {
    case 'in_sync':
      return <StatusOK>{label}</StatusOK>;
    case 'pending':
      return <StatusPending>{label}</StatusPending>;
    case 'conflict':
      return <StatusWarning>{label}</StatusWarning>;
    case 'gone':
      return <StatusAborted>{label}</StatusAborted>;
    default:
      return <StatusError>{label}</StatusError>;
  }
}
