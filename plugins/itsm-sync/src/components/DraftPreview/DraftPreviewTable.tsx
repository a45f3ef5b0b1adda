import { Text } from '@backstage/ui';
import type {
  IntegrationPreviewResponse,
  PreviewDirectionResponse,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { formatValue } from '../shared/formatting';

function after(d: PreviewDirectionResponse): string {
  return d.skipped
    ? `${formatValue(d.draft)} (kept: ${d.skipped})`
    : formatValue(d.draft);
}

/**
 * A draft's test run side by side (docs/sync-semantics.md#preview): per incident and
 * field, the owner and both sides' values now, and what they would be under the draft,
 * with why a side keeps its value.
 */
export function DraftPreviewTable(props: {
  preview: IntegrationPreviewResponse;
}) {
  return (
    <div aria-label="Draft preview">
      {props.preview.items.map(item => (
        <section
          key={item.incident_id}
          aria-label={`Preview of incident ${item.incident_id}`}
        >
          <Text as="h4" variant="body-small" weight="bold">
            {`Incident ${item.incident_id} · ticket ${item.external_id}`}
          </Text>
          {item.error && (
            <Text as="div" variant="body-small" color="danger">
              {item.error}
            </Text>
          )}
          <table style={{ width: '100%', borderSpacing: '8px 4px' }}>
            <thead>
              <tr>
                <th align="left">Field</th>
                <th align="left">Owner now → draft</th>
                <th align="left">Platform now</th>
                <th align="left">Ticket now</th>
                <th align="left">Platform with the draft</th>
                <th align="left">Ticket with the draft</th>
                <th align="left">Why</th>
              </tr>
            </thead>
            <tbody>
              {item.fields.map(f => (
                <tr key={f.field} aria-label={`Preview of ${f.field}`}>
                  <td>{f.field}</td>
                  <td>{`${f.owner.now ?? '-'} → ${f.owner.draft ?? '-'}`}</td>
                  <td>{formatValue(f.inbound.now)}</td>
                  <td>{formatValue(f.outbound.now)}</td>
                  <td>{after(f.inbound)}</td>
                  <td>{after(f.outbound)}</td>
                  <td>
                    <Text variant="body-x-small" color="secondary">
                      {[f.outbound.why, f.inbound.why]
                        .filter((w, i, all) => all.indexOf(w) === i)
                        .join('; ')}
                    </Text>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </div>
  );
}
