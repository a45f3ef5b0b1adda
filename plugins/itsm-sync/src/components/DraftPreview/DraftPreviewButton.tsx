import {
  Button,
  Dialog,
  DialogBody,
  DialogHeader,
  DialogTrigger,
} from '@backstage/ui';
import type { IntegrationResponse } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { useCanManageIntegration } from '../CallbackTokens/useCanManageIntegration';
import { DraftPreviewPanel } from './DraftPreviewPanel';

/** "Preview a change" on an integration's row, for people allowed to manage it (the route asks the same). */
export function DraftPreviewButton(props: {
  integration: IntegrationResponse;
}) {
  const canManage = useCanManageIntegration(props.integration.id);
  if (!canManage) return null;
  return (
    <DialogTrigger>
      <Button size="small" variant="secondary">
        Preview a change
      </Button>
      <Dialog width={1100}>
        <DialogHeader>{`Preview a change: ${props.integration.name}`}</DialogHeader>
        <DialogBody>
          <DraftPreviewPanel integration={props.integration} />
        </DialogBody>
      </Dialog>
    </DialogTrigger>
  );
}
