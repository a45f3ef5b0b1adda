import { Command, Option } from 'commander';
import {
  FIELD_OWNERS,
  type FieldOwner,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import {
  action,
  parseInteger,
  withConnectionOptions,
  type Runtime,
} from '../context';
import { show, tableOrEmpty } from '../output';
import { ownershipView } from '../views';

/** `im integration field-ownership set|delete|list`. */
export function addFieldOwnershipCommands(
  integration: Command,
  runtime: Runtime,
) {
  const group = integration
    .command('field-ownership')
    .description('which system owns each incident field');

  withConnectionOptions(
    group
      .command('set')
      .description('set the owner and priority of one field')
      .argument('<integration>', 'id or name')
      .argument('<field>', 'incident field, e.g. severity')
      .addOption(
        new Option('--owner <owner>', 'authoritative system')
          .choices(FIELD_OWNERS)
          .makeOptionMandatory(),
      )
      .option(
        '--priority <n>',
        'priority for ownership-priority conflicts',
        parseInteger('--priority'),
        0,
      ),
  ).action(
    action<{ owner: string; priority: number }>(
      runtime,
      async ({ api, format, output }, [ref, field], opts) => {
        const result = await api.call(
          `set ownership of '${field}' on '${ref}'`,
          a =>
            a.setFieldOwnership(ref, field, {
              owner: opts.owner as FieldOwner,
              priority: opts.priority,
            }),
        );
        show(
          output,
          format,
          result.rule,
          r => `${field} is now owned by ${r.owner} (priority ${r.priority})`,
        );
      },
    ),
  );

  withConnectionOptions(
    group
      .command('delete')
      .description('remove the rule of one field, so it flows both ways')
      .argument('<integration>', 'id or name')
      .argument('<field>', 'incident field, e.g. work_notes'),
  ).action(
    action(runtime, async ({ api, format, output }, [ref, field]) => {
      const items = await api.call(
        `delete ownership of '${field}' on '${ref}'`,
        a => a.deleteFieldOwnership(ref, field),
      );
      show(
        output,
        format,
        items,
        () => `${field} has no owner now: it flows both ways`,
      );
    }),
  );

  withConnectionOptions(
    group
      .command('list')
      .description('list the ownership rules')
      .argument('<integration>', 'id or name'),
  ).action(
    action(runtime, async ({ api, format, output }, [ref]) => {
      const items = await api.call(`list field ownership of '${ref}'`, a =>
        a.listFieldOwnership(ref),
      );
      show(output, format, items, v =>
        tableOrEmpty(v, ownershipView, 'No ownership rules.'),
      );
    }),
  );
}
