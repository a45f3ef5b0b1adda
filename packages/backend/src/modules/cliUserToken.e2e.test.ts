import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DefaultAuditorService } from '@backstage/backend-defaults/auditor';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  PAT,
  ROOT,
  startScopedRbacBackend,
} from './__testUtils__/scopedRbacBackend';

jest.setTimeout(60_000);

const IM = path.resolve(__dirname, '../../../cli/bin/im');

/** Every audit event the backend's plugins record, with the actor Backstage's auditor resolved. */
const audited: Array<{ eventId: string; status: string; actorId?: string }> =
  [];
const capturingAuditor = createServiceFactory({
  service: coreServices.auditor,
  deps: {
    auth: coreServices.auth,
    httpAuth: coreServices.httpAuth,
    plugin: coreServices.pluginMetadata,
  },
  factory: deps =>
    DefaultAuditorService.create(
      event =>
        void audited.push({
          eventId: event.eventId,
          status: event.status,
          actorId: event.actor.actorId,
        }),
      deps,
    ),
});

/** Runs the real `im` binary with a clean environment and the given token. */
function im(
  token: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    execFile(
      process.execPath,
      [IM, ...args],
      {
        env: {
          PATH: process.env.PATH,
          HOME: path.join(os.tmpdir(), 'im-user-token-no-home'),
          IM_TOKEN: token,
        },
        timeout: 30_000,
      },
      (error, stdout, stderr) => {
        let code = 0;
        if (error) code = typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/**
 * A person's own Backstage token given to the CLI (`IM_TOKEN=<your token> im ...`): the
 * API applies that person's roles, and the audit log names the person, not a service.
 */
describe("the CLI with a person's own Backstage token", () => {
  let backend: Awaited<ReturnType<typeof startScopedRbacBackend>>;
  let url: string;

  beforeAll(async () => {
    backend = await startScopedRbacBackend([capturingAuditor]);
    url = `http://127.0.0.1:${(backend.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await backend?.stop();
  });

  const configure = (token: string, name: string) =>
    im(token, [
      '--url',
      url,
      'integration',
      'configure',
      '--name',
      name,
      '--type',
      'servicenow',
      '--org',
      'acme-corp',
      '--base-url',
      'http://127.0.0.1:9',
      '--username',
      'u',
      '--password',
      'p',
      '--format',
      'json',
    ]);

  it("applies the person's roles and scope, and the audit log names the person", async () => {
    const own = await configure(
      mockCredentials.user.token(PAT),
      'payments-snow',
    );
    expect(own).toMatchObject({ code: 0, stderr: '' });
    const created = JSON.parse(own.stdout);
    expect(created.name).toBe('payments-snow');

    const outOfScope = await configure(
      mockCredentials.user.token(PAT),
      'infra-snow',
    );
    expect(outOfScope.code).toBe(1);
    expect(outOfScope.stderr).toMatch(/403|Not allowed/);

    const byAdmin = await configure(
      mockCredentials.user.token(ROOT),
      'infra-snow',
    );
    expect(byAdmin.code).toBe(0);

    const creates = audited.filter(
      e => e.eventId === 'integration-create' && e.status === 'succeeded',
    );
    expect(creates.map(e => e.actorId)).toEqual([PAT, ROOT]);
  });

  it('is refused without a valid token, and nothing is created', async () => {
    const refused = await configure('not-a-backstage-token', 'billing-snow');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/401|authenticat/i);
    expect(
      audited.some(
        e =>
          e.eventId === 'integration-create' &&
          e.status === 'succeeded' &&
          e.actorId === undefined,
      ),
    ).toBe(false);
  });
});
