import {
  ButtonIcon,
  Dialog,
  DialogBody,
  DialogHeader,
  DialogTrigger,
} from '@backstage/ui';
import type { IntegrationResponse } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { KeyIcon } from '../shared/KeyIcon';
import { CallbackTokensPanel } from './CallbackTokensPanel';
import { useCanManageIntegration } from './useCanManageIntegration';

/**
 * The callback-token key icon (docs/connectors/webhook.md#callback-tokens) on an integration's row, for people allowed to manage it:
 * opens the integration's callback tokens. `@backstage/ui` has no drawer, so this is its
 * dialog; closing it unmounts the panel and with it the token shown once.
 */
export function CallbackTokensButton(props: {
  integration: IntegrationResponse;
}) {
  const { integration } = props;
  const canManage = useCanManageIntegration(integration.id);
  if (!canManage) return null;
  return (
    <DialogTrigger>
      <ButtonIcon
        size="small"
        variant="secondary"
        icon={<KeyIcon />}
        aria-label={`Callback tokens of ${integration.name}`}
      />
      <Dialog width={880}>
        <DialogHeader>{`Callback tokens: ${integration.name}`}</DialogHeader>
        <DialogBody>
          <CallbackTokensPanel integration={integration} />
        </DialogBody>
      </Dialog>
    </DialogTrigger>
  );
}
