import { useState, type FormEvent } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { Alert, Button, Flex, TextField } from '@backstage/ui';
import {
  errorMessage,
  FIELD_OWNERS,
  type FieldOwner,
  type IntegrationPreviewResponse,
  type IntegrationResponse,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import { DraftPreviewTable } from './DraftPreviewTable';

/** `title=external:20, assigned_to=platform` as draft rules; the first bad one named. */
function parseRules(text: string) {
  return text
    .split(',')
    .map(part => part.trim())
    .filter(Boolean)
    .map(part => {
      const match = /^([a-z][a-z0-9_]*)=([a-z]+)(?::(\d+))?$/.exec(part);
      if (!match || !FIELD_OWNERS.includes(match[2] as FieldOwner))
        throw new Error(`'${part}' is not field=platform|external[:priority]`);
      return {
        field: match[1],
        owner: match[2] as FieldOwner,
        priority: match[3] ? Number(match[3]) : 0,
      };
    });
}

const list = (text: string) =>
  text
    .split(/[\s,]+/)
    .map(s => s.trim())
    .filter(Boolean);

/**
 * Try a draft ownership change on linked incidents before saving it: the backend's preview
 * (which writes nothing) shown side by side with what each side holds now.
 */
export function DraftPreviewPanel(props: { integration: IntegrationResponse }) {
  const api = useApi(itsmSyncApiRef);
  const [rules, setRules] = useState('');
  const [incidents, setIncidents] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [preview, setPreview] = useState<IntegrationPreviewResponse>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      setPreview(
        await api.previewIntegration(props.integration.id, {
          field_ownership: parseRules(rules),
          incidents: list(incidents),
        }),
      );
    } catch (e) {
      setPreview(undefined);
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Flex direction="column" gap="3">
      <form aria-label="Preview a draft" onSubmit={e => void submit(e)}>
        <Flex direction="column" gap="3">
          <TextField
            label="Draft ownership"
            value={rules}
            onChange={setRules}
            placeholder="title=external:20, assigned_to=platform"
            description="Rules replacing the stored rule of each field they name. Nothing is saved."
          />
          <TextField
            label="Incidents"
            value={incidents}
            onChange={setIncidents}
            placeholder="incident ids, separated by commas"
          />
          <Button type="submit" isDisabled={busy}>
            Preview
          </Button>
        </Flex>
      </form>
      {error && (
        <Alert
          status="danger"
          icon
          role="alert"
          title="No preview"
          description={error}
        />
      )}
      {preview && <DraftPreviewTable preview={preview} />}
    </Flex>
  );
}
