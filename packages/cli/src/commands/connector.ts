import { Command } from 'commander';
import type {
  ConnectorInfoResponse,
  SettingJsonSchema,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { action, withConnectionOptions, type Runtime } from '../context';
import { CliError } from '../errors';
import { json, listTable, recordTable, show } from '../output';

/** How much a setting is needed: always, for writes (an integration that sends), or not. */
function requirement(connector: ConnectorInfoResponse, key: string): string {
  const schema = connector.settings_schema;
  if (schema?.required?.includes(key)) return 'yes';
  const group = schema?.['x-required-for-writes']?.find(keys =>
    keys.includes(key),
  );
  if (!group) return 'no';
  return group.length > 1
    ? `for writes (or ${group.filter(k => k !== key).join(', ')})`
    : 'for writes';
}

/** A setting's type for people: its enum values, or its JSON type. */
function typeOf(setting: SettingJsonSchema): string {
  if (setting.enum) return setting.enum.map(String).join(' | ');
  const alternatives = (setting.anyOf as SettingJsonSchema[] | undefined)
    ?.map(typeOf)
    .join(' or ');
  if (alternatives) return alternatives;
  return Array.isArray(setting.type)
    ? setting.type.join(' | ')
    : (setting.type ?? 'any');
}

function describe(setting: SettingJsonSchema): string {
  const parts = [setting.description ?? setting.title ?? ''];
  if (setting.writeOnly) parts.push('(secret: stored sealed, shown by name)');
  if (setting['x-placeholders']?.length)
    parts.push(`placeholders: ${setting['x-placeholders'].join(' ')}`);
  return parts.filter(Boolean).join(' ');
}

/** Every setting of a connector with its type, requirement, default and description. */
function connectorView(c: ConnectorInfoResponse): string {
  const summary = recordTable([
    ['type', c.type],
    ['name', c.display_name],
    [
      'capabilities',
      Object.entries(c.capabilities)
        .filter(([, on]) => on)
        .map(([name]) => name)
        .join(', '),
    ],
    ['credentials (one set)', c.credential_keys.join(' | ')],
    ['webhook auth', c.webhook_auth],
  ]);
  const properties = Object.entries(c.settings_schema?.properties ?? {});
  if (!properties.length)
    return `${summary}\nThis connector declares no settings.`;
  const settings = listTable(properties, [
    ['setting', ([key]) => key],
    ['type', ([, s]) => typeOf(s)],
    ['required', ([key]) => requirement(c, key)],
    ['default', ([, s]) => s.default],
    ['description', ([, s]) => describe(s)],
  ]);
  return `${summary}\n${settings}\nSet them with im integration configure ... --set key=value or --settings-file FILE.`;
}

/** `im connector list|show`: the installed connectors and the settings each takes. */
export function addConnectorCommands(program: Command, runtime: Runtime) {
  const connector = program
    .command('connector')
    .description('installed connectors and the settings they take');

  withConnectionOptions(
    connector.command('list').description('list the installed connectors'),
  ).action(
    action(runtime, async ({ api, format, output }) => {
      const items = await api.call('list connectors', a => a.listConnectors());
      const settingsOf = (c: ConnectorInfoResponse) =>
        Object.keys(c.settings_schema?.properties ?? {})
          .map(key => `${key}${requirement(c, key) === 'no' ? '' : '*'}`)
          .join(', ');
      show(output, format, items, v => {
        const table = listTable(v, [
          ['type', c => c.type],
          ['name', c => c.display_name],
          ['credentials', c => c.credential_keys.join(' | ')],
          ['settings', settingsOf],
        ]);
        return `${table}\n* required (always or for writes); im connector show TYPE describes each`;
      });
    }),
  );

  withConnectionOptions(
    connector
      .command('show')
      .description('every setting of a connector, with its description')
      .argument('<type>', 'connector type, e.g. pagerduty'),
  ).action(
    action(runtime, async ({ api, format, output }, [type]) => {
      const items = await api.call('list connectors', a => a.listConnectors());
      const found = items.find(c => c.type === type);
      if (!found) {
        throw new CliError(
          `No connector of type '${type}' is installed; installed: ${items.map(c => c.type).join(', ') || 'none'}`,
        );
      }
      if (format === 'json') output.out(json(found));
      else output.out(connectorView(found));
    }),
  );
}
