import type { SettingJsonSchema } from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { KeyValueRow } from './KeyValueRows';
import type { SettingKind } from './settingKinds';

/** What a form field holds for one setting. */
export type SettingDraft = string | boolean | KeyValueRow[];

/** The field's content for a stored value (or the schema's default for a switch). */
export function toDraft(
  kind: SettingKind,
  schema: SettingJsonSchema,
  value: unknown,
): SettingDraft {
  switch (kind.kind) {
    case 'boolean':
      return Boolean(value ?? schema.default ?? false);
    case 'rows': {
      let map = value;
      if (typeof map === 'string') {
        try {
          map = JSON.parse(map);
        } catch {
          map = {};
        }
      }
      return map && typeof map === 'object' && !Array.isArray(map)
        ? Object.entries(map).map(([key, v]) => ({ key, value: String(v) }))
        : [];
    }
    case 'json':
      if (value === undefined || value === null) return '';
      return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
    default:
      return value === undefined || value === null ? '' : String(value);
  }
}

/** The setting to send for a field, undefined when the field is empty, or the problem with it. */
export function fromDraft(
  kind: SettingKind,
  title: string,
  draft: SettingDraft,
): { value?: unknown; error?: string } {
  switch (kind.kind) {
    case 'boolean':
      return { value: Boolean(draft) };
    case 'rows': {
      const rows = (draft as KeyValueRow[]).filter(r => r.key.trim());
      if (!rows.length) return {};
      return {
        value: Object.fromEntries(
          rows.map(r => [r.key.trim(), r.value.trim()]),
        ),
      };
    }
    case 'number': {
      const text = String(draft).trim();
      if (!text) return {};
      const n = Number(text);
      return Number.isFinite(n)
        ? { value: n }
        : { error: `${title} must be a number` };
    }
    case 'json': {
      const text = String(draft).trim();
      if (!text) return {};
      try {
        return { value: JSON.parse(text) };
      } catch (e) {
        return { error: `${title} is not valid JSON: ${(e as Error).message}` };
      }
    }
    default: {
      const text = String(draft).trim();
      return text ? { value: text } : {};
    }
  }
}
