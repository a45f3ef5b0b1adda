import { useMemo, useState, type FormEvent } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  Alert,
  Badge,
  Button,
  Flex,
  PasswordField,
  Radio,
  RadioGroup,
  Text,
  TextField,
} from '@backstage/ui';
import {
  errorMessage,
  SYNC_DIRECTIONS,
  type ConnectionTestResponse,
  type ConnectorInfoResponse,
  type IntegrationResponse,
  type SyncDirection,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import { SettingField } from './SettingField';
import { fromDraft, toDraft, type SettingDraft } from './settingDrafts';
import { requirementOf, settingKind } from './settingKinds';

/**
 * The integration form (the templated webhook's configuration drawer, docs/connectors/webhook.md):
 * the integration's own fields, write-only credentials, and one field per setting of the
 * connector's `settings_schema`. Saving creates or changes the integration, then runs its
 * connection test and shows the answer; a passed test makes it Configured.
 */
export function IntegrationForm(props: {
  connector: ConnectorInfoResponse;
  /** Absent: a new integration of this connector. */
  integration?: IntegrationResponse;
  onSaved: (integration: IntegrationResponse) => void;
}) {
  const { connector, integration } = props;
  const api = useApi(itsmSyncApiRef);
  const schema = connector.settings_schema;
  const fields = useMemo(
    () =>
      Object.entries(schema?.properties ?? {}).map(([name, setting]) => ({
        name,
        setting,
        kind: settingKind(setting),
        required: schema ? requirementOf(schema, name) : undefined,
      })),
    [schema],
  );
  const initial = useMemo(
    () =>
      Object.fromEntries(
        fields.map(f => [
          f.name,
          // A secret setting is never read back: its field starts empty.
          f.setting.writeOnly
            ? ''
            : toDraft(f.kind, f.setting, integration?.settings[f.name]),
        ]),
      ) as Record<string, SettingDraft>,
    [fields, integration],
  );

  const [name, setName] = useState(integration?.name ?? '');
  const [organization, setOrganization] = useState(
    integration?.organization_id ?? '',
  );
  const [baseUrl, setBaseUrl] = useState(integration?.base_url ?? '');
  const [direction, setDirection] = useState<SyncDirection>(
    integration?.sync_direction ?? 'bidirectional',
  );
  // The set the integration has saved, else the connector's first.
  const [credentialSet, setCredentialSet] = useState(
    connector.credential_keys.find(
      set =>
        set.split('+').sort().join('+') ===
        [...(integration?.credential_keys ?? [])].sort().join('+'),
    ) ??
      connector.credential_keys[0] ??
      '',
  );
  const [credentials, setCredentials] = useState<Record<string, string>>({});
  const [webhookSecret, setWebhookSecret] = useState('');
  const [drafts, setDrafts] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [test, setTest] = useState<ConnectionTestResponse>();

  const settingsToSend = (): Record<string, unknown> => {
    const settings: Record<string, unknown> = {};
    for (const f of fields) {
      const draft = drafts[f.name];
      const unchanged =
        JSON.stringify(draft) === JSON.stringify(initial[f.name]);
      if (integration && unchanged) continue;
      const { value, error: problem } = fromDraft(
        f.kind,
        f.setting.title ?? f.name,
        draft,
      );
      if (problem) throw new Error(problem);
      if (value !== undefined) {
        // A new integration leaves an untouched switch to its default.
        if (!integration && f.kind.kind === 'boolean' && unchanged) continue;
        settings[f.name] = value;
      } else if (integration && !f.setting.writeOnly) {
        settings[f.name] = null;
      }
    }
    return settings;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    setTest(undefined);
    try {
      const settings = settingsToSend();
      const keys = credentialSet.split('+').filter(Boolean);
      const entered = keys.filter(k => credentials[k]);
      const creds =
        entered.length > 0
          ? Object.fromEntries(keys.map(k => [k, credentials[k] ?? '']))
          : undefined;
      const saved = integration
        ? await api.updateIntegration(integration.id, {
            ...(name !== integration.name ? { name } : {}),
            ...(baseUrl !== integration.base_url ? { base_url: baseUrl } : {}),
            ...(direction !== integration.sync_direction
              ? { sync_direction: direction }
              : {}),
            ...(Object.keys(settings).length ? { settings } : {}),
            ...(creds ? { credentials: creds } : {}),
            ...(webhookSecret ? { webhook_secrets: [webhookSecret] } : {}),
          })
        : await api.createIntegration({
            name,
            integration_type: connector.type,
            organization_id: organization,
            base_url: baseUrl,
            sync_direction: direction,
            settings,
            ...(creds ? { credentials: creds } : {}),
            ...(webhookSecret ? { webhook_secrets: [webhookSecret] } : {}),
          });
      setCredentials({});
      setWebhookSecret('');
      setTest(await api.testIntegration(saved.id));
      props.onSaved(saved);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      aria-label={`Configure ${connector.display_name}`}
      noValidate
      onSubmit={e => void submit(e)}
    >
      <Flex direction="column" gap="4">
        <TextField
          label="Configuration name"
          isRequired
          value={name}
          onChange={setName}
          placeholder="e.g. Jira ITSM"
        />
        <TextField
          label="Organization"
          isRequired
          isReadOnly={Boolean(integration)}
          value={organization}
          onChange={setOrganization}
          description={
            integration ? 'Fixed once the integration exists.' : undefined
          }
        />
        <TextField
          label="Base URL"
          isRequired
          value={baseUrl}
          onChange={setBaseUrl}
          description="The ITSM's address; request URLs starting with / are joined to it."
        />
        <RadioGroup
          label="Sync direction"
          orientation="horizontal"
          value={direction}
          onChange={value => setDirection(value as SyncDirection)}
        >
          {SYNC_DIRECTIONS.map(d => (
            <Radio key={d} value={d}>
              {d}
            </Radio>
          ))}
        </RadioGroup>
        {connector.credential_keys.length > 1 && (
          <RadioGroup
            label="Credentials"
            orientation="horizontal"
            value={credentialSet}
            onChange={setCredentialSet}
          >
            {connector.credential_keys.map(set => (
              <Radio key={set} value={set}>
                {set.split('+').join(' + ')}
              </Radio>
            ))}
          </RadioGroup>
        )}
        {credentialSet
          .split('+')
          .filter(Boolean)
          .map(key => (
            <PasswordField
              key={`${credentialSet}-${key}`}
              label={`Credential: ${key}`}
              value={credentials[key] ?? ''}
              onChange={value => setCredentials(c => ({ ...c, [key]: value }))}
              secondaryLabel={
                integration?.credential_keys.includes(key)
                  ? 'saved; leave blank to keep'
                  : undefined
              }
            />
          ))}
        <PasswordField
          label="Webhook secret"
          value={webhookSecret}
          onChange={setWebhookSecret}
          secondaryLabel={
            integration?.webhook_secret_count
              ? 'saved; leave blank to keep'
              : 'optional'
          }
        />
        {fields.map(f => (
          <SettingField
            key={f.name}
            name={f.name}
            schema={f.setting}
            kind={f.kind}
            required={f.required}
            keepsSecret={Boolean(integration && f.setting.writeOnly)}
            draft={drafts[f.name]}
            onChange={draft => setDrafts(d => ({ ...d, [f.name]: draft }))}
          />
        ))}
        {error && (
          <Alert
            status="danger"
            icon
            role="alert"
            title="Not saved"
            description={error}
          />
        )}
        {test && (
          <Alert
            status={test.ok ? 'success' : 'danger'}
            icon
            role="status"
            title={
              test.ok ? 'Configured' : 'Saved, but the connection test failed'
            }
            description={test.message}
          />
        )}
        <Flex align="center" gap="3">
          <Button type="submit" variant="primary" isDisabled={busy}>
            Save and test
          </Button>
          {busy && <Text variant="body-small">Saving…</Text>}
        </Flex>
      </Flex>
    </form>
  );
}

/** The integration's configuration status: Configured once a connection test passed. */
export function ConfigStatus(props: { integration: IntegrationResponse }) {
  const last = props.integration.last_test;
  if (!last) return <Badge size="small">Click to configure</Badge>;
  return (
    <span title={last.message}>
      <Badge size="small">
        {last.ok ? 'Configured' : 'Connection test failed'}
      </Badge>
    </span>
  );
}
