import { useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { Button, Flex, Text, TextField } from '@backstage/ui';
import type { RoutingPreviewResponse } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import { InlineError } from '../shared/InlineError';

import { errorMessage } from '@itsm-sync-hub/plugin-itsm-sync-common';
/** Tries an incident's fields against every integration's rules and the catalog, and says why each matched. */
export function RoutingTryForm() {
  const api = useApi(itsmSyncApiRef);
  const [severity, setSeverity] = useState('SEV-2');
  const [entityRef, setEntityRef] = useState('');
  const [incidentType, setIncidentType] = useState('');
  const [preview, setPreview] = useState<RoutingPreviewResponse>();
  const [problem, setProblem] = useState<string>();

  const tryIt = async () => {
    setProblem(undefined);
    try {
      setPreview(
        await api.previewRouting({
          incident: {
            severity: severity.trim() as any,
            entity_ref: entityRef.trim() || null,
            incident_type: incidentType.trim() || null,
          },
        }),
      );
    } catch (e) {
      setPreview(undefined);
      setProblem(errorMessage(e));
    }
  };

  return (
    <section aria-label="Try routing">
      <Text as="h3" variant="title-x-small">
        Try an incident
      </Text>
      <Flex align="end" gap="2">
        <TextField
          label="Severity"
          value={severity}
          onChange={setSeverity}
          description="SEV-1 to SEV-4"
        />
        <TextField
          label="Entity"
          value={entityRef}
          onChange={setEntityRef}
          placeholder="component:default/checkout"
        />
        <TextField
          label="Incident type"
          value={incidentType}
          onChange={setIncidentType}
        />
        <Button size="small" variant="secondary" onPress={() => void tryIt()}>
          Try
        </Button>
      </Flex>
      <InlineError message={problem} />
      {preview && (
        <Flex direction="column" gap="1">
          <Text variant="body-small" color="secondary">
            {`Catalog: ${preview.catalog}`}
          </Text>
          {preview.matches.length === 0 && (
            <Text variant="body-small">Routes to no integration.</Text>
          )}
          {preview.matches.map(m => (
            <Text key={m.integration_id} variant="body-small">
              {`${m.integration_name}: ${m.explanation}`}
            </Text>
          ))}
          {preview.skipped.map(s => (
            <Text key={s.integration_id} variant="body-small" color="secondary">
              {`Not ${s.integration_name}: rule ${s.position} '${s.rule}' skips it`}
            </Text>
          ))}
        </Flex>
      )}
    </section>
  );
}
