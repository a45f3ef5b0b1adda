import { Cell, CellText, Table, Text, type ColumnConfig } from '@backstage/ui';
import type { CallbackTokenResponse } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { formatTime } from '../shared/formatting';
import { RevokeCallbackToken } from './RevokeCallbackToken';

const STATE_LABELS: Record<CallbackTokenResponse['state'], string> = {
  active: 'Active',
  revoked: 'Revoked',
};

/** The integration's callback tokens, newest first, active and revoked; an active one can be revoked. */
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
  const columns: ColumnConfig<CallbackTokenResponse>[] = [
    {
      id: 'app_name',
      label: 'App name',
      isRowHeader: true,
      cell: t => (
        <Cell>
          <Text variant="body-small" weight="bold">
            {t.app_name}
          </Text>
        </Cell>
      ),
    },
    {
      id: 'description',
      label: 'Description',
      cell: t => <CellText title={t.description} />,
    },
    {
      id: 'state',
      label: 'State',
      cell: t => (
        <Cell>
          <Text
            variant="body-small"
            color={t.state === 'active' ? 'success' : 'secondary'}
          >
            {STATE_LABELS[t.state]}
          </Text>
        </Cell>
      ),
    },
    {
      id: 'created',
      label: 'Created',
      cell: t => <CellText title={formatTime(t.created_at)} />,
    },
    {
      id: 'created_by',
      label: 'Created by',
      cell: t => <CellText title={t.created_by} />,
    },
    {
      id: 'last_used',
      label: 'Last used',
      cell: t => <CellText title={formatTime(t.last_used_at)} />,
    },
    {
      id: 'revoked',
      label: 'Revoked',
      cell: t => (
        <CellText title={t.revoked_at ? formatTime(t.revoked_at) : '—'} />
      ),
    },
    {
      id: 'actions',
      label: 'Actions',
      minWidth: 200,
      cell: t => (
        <Cell>
          <RevokeCallbackToken token={t} onRevoke={props.onRevoke} />
        </Cell>
      ),
    },
  ];
  return (
    <div style={{ overflowX: 'auto', maxWidth: '100%' }}>
      <Table
        columnConfig={columns}
        data={props.tokens}
        pagination={{ type: 'none' }}
      />
    </div>
  );
}
