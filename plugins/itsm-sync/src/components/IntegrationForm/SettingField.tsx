import {
  Checkbox,
  Flex,
  Radio,
  RadioGroup,
  Text,
  TextAreaField,
  TextField,
} from '@backstage/ui';
import type { SettingJsonSchema } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { KeyValueRows, type KeyValueRow } from './KeyValueRows';
import type { SettingDraft } from './settingDrafts';
import type { SettingKind } from './settingKinds';

/** The value side of a names-to-text setting: the status mapping maps to case statuses. */
const ROW_LABELS: Record<string, [key: string, value: string, add: string]> = {
  status_mapping: ['ITSM status', 'Case status', '+ Add status'],
  severity_mapping: ['Severity', 'ITSM priority', '+ Add severity'],
};

/** One connector setting, edited as its JSON Schema says. */
export function SettingField(props: {
  name: string;
  schema: SettingJsonSchema;
  kind: SettingKind;
  required: 'always' | 'writes' | undefined;
  /** The integration exists and the setting is secret: blank keeps the stored value. */
  keepsSecret: boolean;
  draft: SettingDraft;
  onChange: (draft: SettingDraft) => void;
}) {
  const { name, schema, kind, draft, onChange } = props;
  const label = schema.title ?? name;
  const hints = [
    schema.description,
    props.required === 'writes' ? 'Needed to send to the ITSM.' : undefined,
    schema.default !== undefined && kind.kind !== 'boolean'
      ? `Default: ${JSON.stringify(schema.default)}.`
      : undefined,
    props.keepsSecret
      ? 'Write-only: leave blank to keep the saved value.'
      : undefined,
  ].filter(Boolean);
  const description = hints.join(' ');

  switch (kind.kind) {
    case 'choice':
      return (
        <RadioGroup
          label={label}
          description={description}
          isRequired={props.required === 'always'}
          orientation="horizontal"
          value={String(draft) || null}
          onChange={value => onChange(value)}
        >
          {kind.options.map(option => (
            <Radio key={option} value={option}>
              {option}
            </Radio>
          ))}
        </RadioGroup>
      );
    case 'boolean':
      return (
        <Checkbox isSelected={Boolean(draft)} onChange={onChange}>
          {`${label}${schema.description ? ` (${schema.description})` : ''}`}
        </Checkbox>
      );
    case 'rows': {
      const [keyLabel, valueLabel, addLabel] = ROW_LABELS[name] ?? [
        'Name',
        'Value',
        '+ Add',
      ];
      return (
        <KeyValueRows
          label={label}
          description={description}
          keyLabel={keyLabel}
          valueLabel={valueLabel}
          addLabel={addLabel}
          rows={draft as KeyValueRow[]}
          onChange={onChange}
        />
      );
    }
    case 'json': {
      const placeholders = schema['x-placeholders'];
      return (
        <Flex gap="3" align="start">
          <div style={{ flex: 1 }}>
            <TextAreaField
              label={label}
              description={description}
              isRequired={props.required === 'always'}
              value={String(draft)}
              onChange={onChange}
              placeholder={props.keepsSecret ? '(unchanged)' : 'JSON'}
            />
          </div>
          {placeholders?.length ? (
            <div
              aria-label={`Placeholders for ${label}`}
              style={{ width: 180 }}
            >
              <Text as="div" variant="body-x-small" weight="bold">
                Placeholders
              </Text>
              {placeholders.map(p => (
                <Text key={p} as="div" variant="body-x-small">
                  <code>{p}</code>
                </Text>
              ))}
            </div>
          ) : null}
        </Flex>
      );
    }
    default: {
      const placeholders = schema['x-placeholders'];
      return (
        <TextField
          label={label}
          description={
            placeholders?.length
              ? `${description} Placeholders: ${placeholders.join(' ')}`
              : description
          }
          isRequired={props.required === 'always'}
          value={String(draft)}
          onChange={onChange}
        />
      );
    }
  }
}
