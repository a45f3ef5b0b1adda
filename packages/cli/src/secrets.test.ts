import { startBackend, type RunningBackend } from './__testUtils__/testBackend';
import { Hub } from './__testUtils__/hub';

jest.setTimeout(60_000);

describe('im secrets reseal (real binary against a running backend)', () => {
  let backend: RunningBackend;
  let hub: Hub;

  beforeAll(async () => {
    backend = await startBackend();
    hub = new Hub(backend);
    await hub.client.createIntegration({
      name: 'Sealed Desk',
      integration_type: 'test',
      organization_id: 'acme-corp',
      base_url: backend.vendor.baseUrl,
      credentials: { token: backend.vendor.token },
    });
  });
  afterAll(() => backend?.stop());

  it('reseals through the API and says whether previousKeys can be emptied', async () => {
    const printed = await hub.im('secrets', 'reseal');
    expect(printed).toMatchObject({ code: 0, stderr: '' });
    expect(printed.stdout).toMatch(
      /^Sealed with key \S{8}: 0 integration\(s\) resealed, 1 already current, of 1\./,
    );
    expect(printed.stdout).toContain('previousKeys can be emptied');
    expect(await hub.imJson('secrets', 'reseal')).toEqual({
      key_id: expect.any(String),
      integrations: 1,
      resealed: 0,
      already_current: 1,
      failed: [],
    });
  });
});
