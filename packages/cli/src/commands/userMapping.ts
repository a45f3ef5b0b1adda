import type { Command } from 'commander';
import { action, withConnectionOptions, type Runtime } from '../context';
import { listTable, show, tableOrEmpty } from '../output';

/** `im user-mapping list|set|delete`: who people are at each vendor (docs/sync-semantics.md#people). */
export function addUserMappingCommands(program: Command, runtime: Runtime) {
  const group = program
    .command('user-mapping')
    .description('who people are at each vendor, where not their email');

  withConnectionOptions(
    group
      .command('list')
      .description('list the user mappings')
      .option(
        '--integration <integration>',
        'only this integration (id or name)',
      ),
  ).action(
    action<{ integration?: string }>(
      runtime,
      async ({ api, format, output }, _args, opts) => {
        const items = await api.call('list user mappings', a =>
          a.listUserMappings({ integration: opts.integration }),
        );
        show(output, format, items, v =>
          tableOrEmpty(
            v,
            rows =>
              listTable(rows, [
                ['id', r => r.id],
                ['integration', r => r.integration_name],
                ['person', r => r.platform_user],
                ['at the vendor', r => r.external_user],
              ]),
            'No user mappings.',
          ),
        );
      },
    ),
  );

  withConnectionOptions(
    group
      .command('set')
      .description(
        "set who a person (their email) is at an integration's vendor",
      )
      .argument('<integration>', 'id or name')
      .argument('<email>', "the person's platform email")
      .argument(
        '<external-user>',
        'their email, user name or account id there',
      ),
  ).action(
    action(
      runtime,
      async ({ api, format, output }, [integration, email, external]) => {
        const mapping = await api.call(
          `map '${email}' at '${integration}'`,
          a =>
            a.setUserMapping({
              integration,
              platform_user: email,
              external_user: external,
            }),
        );
        show(
          output,
          format,
          mapping,
          m =>
            `${m.platform_user} is ${m.external_user} at ${m.integration_name} (${m.id})`,
        );
      },
    ),
  );

  withConnectionOptions(
    group
      .command('delete')
      .description('remove a user mapping')
      .argument('<id>', 'the mapping id (from list)'),
  ).action(
    action(runtime, async ({ api, format, output }, [id]) => {
      await api.call(`delete user mapping '${id}'`, a =>
        a.deleteUserMapping(id),
      );
      show(output, format, { deleted: id }, () => `Deleted user mapping ${id}`);
    }),
  );
}
