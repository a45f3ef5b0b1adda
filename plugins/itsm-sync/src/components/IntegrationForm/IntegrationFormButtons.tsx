import { createContext, useContext, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  Badge,
  Button,
  Dialog,
  DialogBody,
  DialogHeader,
  DialogTrigger,
  Flex,
  Radio,
  RadioGroup,
  Text,
} from '@backstage/ui';
import {
  errorMessage,
  type IntegrationResponse,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import { useCanManageIntegration } from '../CallbackTokens/useCanManageIntegration';
import { ConfigStatus, IntegrationForm } from './IntegrationForm';

/** Reloads the connectors page's integrations after a save. */
export const IntegrationsChanged = createContext<() => void>(() => {});

/** The installed connectors, for a form opened from one integration's row. */
function useConnectors() {
  const api = useApi(itsmSyncApiRef);
  return useAsync(() => api.listConnectors(), [api]);
}

/**
 * "Configure" on an integration's row, for those allowed to manage it, with its
 * configuration status; an integration declared in app-config is shown as such, read-only.
 */
export function ConfigureIntegrationButton(props: {
  integration: IntegrationResponse;
}) {
  const [integration, setIntegration] = useState(props.integration);
  const changed = useContext(IntegrationsChanged);
  const canManage = useCanManageIntegration(integration.id);
  const connectors = useConnectors();
  const connector = connectors.value?.find(
    c => c.type === integration.integration_type,
  );
  if (integration.managed_by === 'config')
    return <Badge size="small">Managed by configuration</Badge>;
  return (
    <Flex align="center" gap="2">
      <ConfigStatus integration={integration} />
      {canManage && connector && (
        <DialogTrigger>
          <Button
            size="small"
            variant="secondary"
            aria-label={`Configure ${integration.name}`}
          >
            Configure
          </Button>
          <Dialog width={880}>
            <DialogHeader>{`Configure ${integration.name}`}</DialogHeader>
            <DialogBody>
              <IntegrationForm
                connector={connector}
                integration={integration}
                onSaved={saved => {
                  setIntegration(saved);
                  changed();
                }}
              />
            </DialogBody>
          </Dialog>
        </DialogTrigger>
      )}
    </Flex>
  );
}

/** "Add integration": choose an installed connector, then fill in its form. */
export function AddIntegrationButton() {
  // Not gated in the portal: the permission backend answers a resource permission only for
  // a resource, and a new integration has none yet. The create route decides (a scoped
  // manager may create only names in scope), and the form shows its refusal.
  const connectors = useConnectors();
  const changed = useContext(IntegrationsChanged);
  const [type, setType] = useState<string>();
  const connector = connectors.value?.find(c => c.type === type);
  return (
    <DialogTrigger onOpenChange={open => !open && setType(undefined)}>
      <Button size="small" variant="primary">
        Add integration
      </Button>
      <Dialog width={880}>
        <DialogHeader>Add integration</DialogHeader>
        <DialogBody>
          <Flex direction="column" gap="4">
            {connectors.error && (
              <Text color="danger">{errorMessage(connectors.error)}</Text>
            )}
            <RadioGroup
              label="ITSM connector"
              orientation="horizontal"
              value={type ?? null}
              onChange={setType}
            >
              {(connectors.value ?? []).map(c => (
                <Radio key={c.type} value={c.type}>
                  {c.display_name}
                </Radio>
              ))}
            </RadioGroup>
            {connector && (
              <IntegrationForm
                key={connector.type}
                connector={connector}
                onSaved={() => changed()}
              />
            )}
          </Flex>
        </DialogBody>
      </Dialog>
    </DialogTrigger>
  );
}
