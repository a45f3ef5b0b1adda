import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBackend, type RunningBackend } from './__testUtils__/testBackend';
import { Hub } from './__testUtils__/hub';

jest.setTimeout(60_000);

describe('im routing (real binary against a running backend)', () => {
  let backend: RunningBackend;
  let hub: Hub;
  let rulesFile: string;

  beforeAll(async () => {
    backend = await startBackend();
    hub = new Hub(backend);
    for (const name of ['Routed Desk', 'Quiet Desk']) {
      await hub.client.createIntegration({
        name,
        integration_type: 'test',
        organization_id: 'acme-corp',
        base_url: backend.vendor.baseUrl,
        credentials: { token: backend.vendor.token },
      });
    }
    rulesFile = join(
      await mkdtemp(join(tmpdir(), 'im-routing-')),
      'rules.json',
    );
    await writeFile(
      rulesFile,
      JSON.stringify({
        rules: [
          { name: 'no sev4', when: { severity: ['SEV-4'] }, action: 'skip' },
          { name: 'databases', when: { incident_type: ['database'] } },
        ],
        default: 'skip',
      }),
    );
  });
  afterAll(() => backend?.stop());

  it("sets and shows an integration's rules", async () => {
    const set = await hub.im(
      'routing',
      'set',
      'Routed Desk',
      '--file',
      rulesFile,
    );
    expect(set).toMatchObject({ code: 0, stderr: '' });
    expect(set.stdout).toMatch(/no sev4[\s\S]*severity in SEV-4[\s\S]*skip/);
    expect(set.stdout).toMatch(
      /databases[\s\S]*incident_type in database[\s\S]*route/,
    );
    expect(set.stdout).toMatch(/When no rule matches: skip/);
    const shown = await hub.imJson('routing', 'show', 'Routed Desk');
    expect(shown.rules.map((r: any) => r.name)).toEqual([
      'no sev4',
      'databases',
    ]);
  });

  it('prints the same matches and reasons as the preview API', async () => {
    const fields = { severity: 'SEV-2', incident_type: 'database' } as const;
    const api = await hub.client.previewRouting({ incident: fields });
    expect(api.matches.map(m => [m.integration_name, m.explanation])).toEqual([
      ['Routed Desk', "rule 2 'databases' matched"],
    ]);

    const printed = await hub.im(
      'routing',
      'preview',
      '--severity',
      'SEV-2',
      '--incident-type',
      'database',
    );
    expect(printed).toMatchObject({ code: 0, stderr: '' });
    expect(printed.stdout).toMatch(/Entity: \(none\) \(catalog: none\)/);
    expect(printed.stdout).toMatch(
      /Routed Desk[\s\S]*test[\s\S]*rule 2 'databases' matched/,
    );
    expect(printed.stdout).not.toContain('Quiet Desk');
    expect(
      await hub.imJson(
        'routing',
        'preview',
        '--severity',
        'SEV-2',
        '--incident-type',
        'database',
      ),
    ).toEqual(api);

    const skipped = await hub.im(
      'routing',
      'preview',
      '--severity',
      'SEV-4',
      '--incident-type',
      'database',
    );
    expect(skipped.stdout).toMatch(/Routes to no integration\./);
    expect(skipped.stdout).toMatch(
      /Not Routed Desk: rule 1 'no sev4' skips it/,
    );
  });

  it('previews a stored incident by id', async () => {
    const incident = await hub.client.createIncident({
      title: 'Replica lag',
      severity: 'SEV-3',
      incident_type: 'database',
    });
    expect(incident.links.map((l: any) => l.integration_name)).toEqual([
      'Routed Desk',
    ]);
    const preview = await hub.imJson(
      'routing',
      'preview',
      '--incident',
      incident.id,
    );
    expect(preview.matches.map((m: any) => m.integration_name)).toEqual([
      'Routed Desk',
    ]);
  });

  it('refuses a preview without an incident as a usage error', async () => {
    const result = await hub.im(
      'routing',
      'preview',
      '--entity-ref',
      'component:default/checkout',
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--incident <id>, or --severity/);
  });

  it('refuses rules the hub rejects, naming the problem', async () => {
    const bad = join(rulesFile, '..', 'bad.json');
    await writeFile(
      bad,
      JSON.stringify({ rules: [{ name: 'x', when: { colour: ['red'] } }] }),
    );
    const result = await hub.im('routing', 'set', 'Routed Desk', '--file', bad);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/rules\.0\.when/);
    expect(
      (await hub.imJson('routing', 'show', 'Routed Desk')).rules,
    ).toHaveLength(2);
  });
});
