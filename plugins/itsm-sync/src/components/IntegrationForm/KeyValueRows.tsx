import { Button, Flex, Text, TextField } from '@backstage/ui';

/** One row of a names-to-text setting, e.g. an ITSM status and the case status it maps to. */
export interface KeyValueRow {
  key: string;
  value: string;
}

/** Rows of name → value with "+ Add" (spec'd as "+ Add status" for the status mapping). */
export function KeyValueRows(props: {
  label: string;
  description?: string;
  addLabel: string;
  keyLabel: string;
  valueLabel: string;
  rows: KeyValueRow[];
  onChange: (rows: KeyValueRow[]) => void;
}) {
  const { rows, onChange } = props;
  const set = (index: number, row: Partial<KeyValueRow>) =>
    onChange(rows.map((r, i) => (i === index ? { ...r, ...row } : r)));
  return (
    <fieldset
      aria-label={props.label}
      style={{ border: 'none', margin: 0, padding: 0 }}
    >
      <Text as="div" variant="body-small" weight="bold">
        {props.label}
      </Text>
      {props.description && (
        <Text as="div" variant="body-x-small" color="secondary">
          {props.description}
        </Text>
      )}
      <Flex direction="column" gap="2">
        {rows.map((row, index) => (
          <Flex key={index} gap="2" align="end">
            <TextField
              label={`${props.keyLabel} ${index + 1}`}
              value={row.key}
              onChange={key => set(index, { key })}
            />
            <TextField
              label={`${props.valueLabel} ${index + 1}`}
              value={row.value}
              onChange={value => set(index, { value })}
            />
            <Button
              variant="tertiary"
              size="small"
              aria-label={`Remove ${props.keyLabel} ${index + 1}`}
              onPress={() => onChange(rows.filter((_, i) => i !== index))}
            >
              Remove
            </Button>
          </Flex>
        ))}
        <Flex>
          <Button
            variant="secondary"
            size="small"
            onPress={() => onChange([...rows, { key: '', value: '' }])}
          >
            {props.addLabel}
          </Button>
        </Flex>
      </Flex>
    </fieldset>
  );
}
