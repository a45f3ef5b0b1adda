import {
  Button,
  Dialog,
  DialogBody,
  DialogHeader,
  DialogTrigger,
} from '@backstage/ui';
import type { IncidentResponse } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { SyncHistory } from './SyncHistory';

/** Opens an incident's sync history from the entity card; the trace loads when it opens. */
export function SyncHistoryButton(props: { incident: IncidentResponse }) {
  const { incident } = props;
  return (
    <DialogTrigger>
      <Button size="small" variant="secondary">
        Sync history
      </Button>
      <Dialog width={1000}>
        <DialogHeader>{`Sync history: ${incident.title}`}</DialogHeader>
        <DialogBody>
          <SyncHistory
            incidentId={incident.id}
            integrationNames={Object.fromEntries(
              incident.links.map(l => [l.integration_id, l.integration_name]),
            )}
          />
        </DialogBody>
      </Dialog>
    </DialogTrigger>
  );
}
