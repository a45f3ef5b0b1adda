import { CellText, Table, type ColumnConfig } from '@backstage/ui';

/** One named value of a read-only key/value table. */
export interface KeyValueRow {
  id: string;
  label: string;
  value: string;
}

const COLUMNS: ColumnConfig<KeyValueRow>[] = [
  {
    id: 'label',
    label: 'Setting',
    isRowHeader: true,
    cell: row => <CellText title={row.label} />,
  },
  { id: 'value', label: 'Value', cell: row => <CellText title={row.value} /> },
];

/** Read-only settings or fields as a two-column table that scrolls inside its box. */
export function KeyValueTable(props: { rows: KeyValueRow[] }) {
  return (
    <div style={{ overflowX: 'auto', maxWidth: '100%' }}>
      <Table
        columnConfig={COLUMNS}
        data={props.rows}
        pagination={{ type: 'none' }}
      />
    </div>
  );
}
