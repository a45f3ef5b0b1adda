import type {
  ConnectorSettingsJsonSchema,
  SettingJsonSchema,
} from '@itsm-sync-hub/plugin-itsm-sync-common';

/** How one setting is edited, read from its JSON Schema. */
export type SettingKind =
  | { kind: 'choice'; options: string[] }
  | { kind: 'boolean' }
  | { kind: 'number' }
  | { kind: 'text' }
  /** Names to text (status mapping, severity mapping): rows with "+ Add". */
  | { kind: 'rows' }
  /** JSON (payload templates, nested maps, lists, secret maps). */
  | { kind: 'json' };

function alternatives(schema: SettingJsonSchema): SettingJsonSchema[] {
  return (schema.anyOf as SettingJsonSchema[] | undefined) ?? [schema];
}

function isStringMap(schema: SettingJsonSchema): boolean {
  const values = schema.additionalProperties as SettingJsonSchema | undefined;
  if (schema.type !== 'object' || !values || typeof values !== 'object')
    return false;
  // zod writes a union of scalars as one type list: {"type": ["string", "number"]}.
  return alternatives(values).every(v =>
    (Array.isArray(v.type) ? v.type : [v.type]).every(
      t => t === 'string' || t === 'number',
    ),
  );
}

export function settingKind(schema: SettingJsonSchema): SettingKind {
  if (schema.enum) return { kind: 'choice', options: schema.enum.map(String) };
  if (schema.type === 'boolean') return { kind: 'boolean' };
  if (schema.type === 'integer' || schema.type === 'number')
    return { kind: 'number' };
  if (schema.type === 'string') return { kind: 'text' };
  // A secret map is never read back, so it is typed in whole.
  if (!schema.writeOnly && alternatives(schema).some(isStringMap))
    return { kind: 'rows' };
  return { kind: 'json' };
}

/** Whether a setting is needed always, by an integration that sends, or not at all. */
export function requirementOf(
  schema: ConnectorSettingsJsonSchema,
  key: string,
): 'always' | 'writes' | undefined {
  if (schema.required?.includes(key)) return 'always';
  if (schema['x-required-for-writes']?.some(keys => keys.includes(key)))
    return 'writes';
  return undefined;
}
