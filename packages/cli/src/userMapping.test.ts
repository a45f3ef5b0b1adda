import { startBackend, type RunningBackend } from './__testUtils__/testBackend';
import { Hub } from './__testUtils__/hub';

jest.setTimeout(60_000);

describe('im user-mapping (real binary against a running backend)', () => {
  let backend: RunningBackend;
  let hub: Hub;

  beforeAll(async () => {
    backend = await startBackend();
    hub = new Hub(backend);
    for (const name of ['People Desk', 'Other Desk']) {
      await hub.client.createIntegration({
        name,
        integration_type: 'test',
        organization_id: 'acme-corp',
        base_url: backend.vendor.baseUrl,
        credentials: { token: backend.vendor.token },
      });
    }
  });
  afterAll(() => backend?.stop());

  it('sets, lists, replaces and deletes who a person is at a vendor', async () => {
    const set = await hub.im(
      'user-mapping',
      'set',
      'People Desk',
      'Jane.Doe@Acme.com',
      'jdoe@acme-ops.example',
    );
    expect(set.code).toBe(0);
    expect(set.stdout).toMatch(
      /^jane\.doe@acme\.com is jdoe@acme-ops\.example at People Desk \(/,
    );
    await hub.im(
      'user-mapping',
      'set',
      'Other Desk',
      'jane.doe@acme.com',
      'Jane Doe',
    );
    // Setting the same person again replaces their mapping at that integration.
    await hub.im(
      'user-mapping',
      'set',
      'People Desk',
      'jane.doe@acme.com',
      'jane@acme-ops.example',
    );

    const only = await hub.imJson(
      'user-mapping',
      'list',
      '--integration',
      'People Desk',
    );
    expect(only).toEqual([
      expect.objectContaining({
        integration_name: 'People Desk',
        platform_user: 'jane.doe@acme.com',
        external_user: 'jane@acme-ops.example',
      }),
    ]);
    const table = await hub.im('user-mapping', 'list');
    expect(table.stdout).toMatch(/People Desk\s+│ jane\.doe@acme\.com/);
    expect(table.stdout).toMatch(
      /Other Desk\s+│ jane\.doe@acme\.com\s+│ Jane Doe/,
    );

    const deleted = await hub.im('user-mapping', 'delete', only[0].id);
    expect(deleted).toMatchObject({
      code: 0,
      stdout: `Deleted user mapping ${only[0].id}\n`,
    });
    expect(
      await hub.imJson('user-mapping', 'list', '--integration', 'People Desk'),
    ).toEqual([]);
    const again = await hub.im('user-mapping', 'delete', only[0].id);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/No user mapping with id/);
  });

  it('refuses a person who is not an email, and a vendor identity already taken by another person', async () => {
    const notEmail = await hub.im(
      'user-mapping',
      'set',
      'People Desk',
      'jane',
      'jdoe',
    );
    expect(notEmail.code).toBe(1);
    expect(notEmail.stderr).toMatch(/Request rejected \(400\).*platform_user/);

    await hub.im('user-mapping', 'set', 'People Desk', 'a@acme.com', 'shared');
    const taken = await hub.im(
      'user-mapping',
      'set',
      'People Desk',
      'b@acme.com',
      'shared',
    );
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/already mapped to another person/);
    const list = await hub.imJson(
      'user-mapping',
      'list',
      '--integration',
      'People Desk',
    );
    expect(list.map((m: any) => m.platform_user)).toEqual(['a@acme.com']);
  });
});
