import { Text, VisuallyHidden } from '@backstage/ui';
import type { CallbackTokenResponse } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { CallbackTokenRow } from './CallbackTokenRow';

const COLUMNS = [
  'App name',
  'Description',
  'State',
  'Created',
  'Created by',
  'Last used',
  'Revoked',
];

/** The integration's callback tokens, newest first, active and revoked. */
export function CallbackTokenTable(props: {
  tokens: CallbackTokenResponse[];
  onRevoke: (tokenId: string) => Promise<void>;
}) {
  if (props.tokens.length === 0) {
    return (
      <Text as="p" variant="body-small" color="secondary">
        No callback tokens yet.
      </Text>
    );
  }
  return (
    <div style={{ overflowX: 'auto' }}>
      <table aria-label="Callback tokens" style={{ borderSpacing: '12px 6px' }}>
        <thead>
          <tr>
            {COLUMNS.map(column => (
              <th key={column} align="left">
                {column}
              </th>
            ))}
            <th align="left">
              <VisuallyHidden>Actions</VisuallyHidden>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.tokens.map(token => (
            <CallbackTokenRow
              key={token.id}
              token={token}
              onRevoke={props.onRevoke}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}
