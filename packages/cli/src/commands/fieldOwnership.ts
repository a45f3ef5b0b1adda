import { Command, Option } from 'commander';
import { FIELD_OWNERS, type FieldOwnershipRule } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { integrationPath } from '../client';
import { action, parseInteger, withConnectionOptions, type Runtime } from '../context';
import { show, tableOrEmpty } from '../output';
import { ownershipView } from '../views';

/** `im integration field-ownership set|list`. */
export function addFieldOwnershipCommands(integration: Command, runtime: Runtime) {
  const group = integration.command('field-ownership').description('which system owns each incident field');

  withConnectionOptions(
    group
      .command('set')
      .description('set the owner and priority of one field')
      .argument('<integration>', 'id or name')
      .argument('<field>', 'incident field, e.g. severity')
      .addOption(new Option('--owner <owner>', 'authoritative system').choices(FIELD_OWNERS).makeOptionMandatory())
      .option('--priority <n>', 'priority for ownership-priority conflicts', parseInteger('--priority'), 0),
  ).action(
    action<{ owner: string; priority: number }>(runtime, async ({ api, format, output }, [ref, field], opts) => {
      const result = await api.json<{ items: FieldOwnershipRule[]; rule: FieldOwnershipRule }>(
        integrationPath(ref, `/field-ownership/${encodeURIComponent(field)}`),
        { method: 'PUT', body: { owner: opts.owner, priority: opts.priority }, what: `set ownership of '${field}' on '${ref}'` },
      );
      show(output, format, result.rule, r => `${field} is now owned by ${r.owner} (priority ${r.priority})`);
    }),
  );

  withConnectionOptions(
    group.command('list').description('list the ownership rules').argument('<integration>', 'id or name'),
  ).action(
    action(runtime, async ({ api, format, output }, [ref]) => {
      const { items } = await api.json<{ items: FieldOwnershipRule[] }>(integrationPath(ref, '/field-ownership'), {
        what: `list field ownership of '${ref}'`,
      });
      show(output, format, items, v => tableOrEmpty(v, ownershipView, 'No ownership rules.'));
    }),
  );
}
