import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JiraSimulator } from '../jira';
import { PagerDutySimulator } from '../pagerduty';
import { ServiceNowSimulator } from '../servicenow';
import { StateFile } from './StateFile';

describe('StateFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-state-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps ServiceNow incidents, their journal and the INC numbering across a restart', async () => {
    const file = path.join(dir, 'servicenow.json');
    const first = await ServiceNowSimulator.start();
    const state = StateFile.open(file, first.store);
    const { record } = await first.createAsPerson({
      short_description: 'Checkout down',
      work_notes: 'paged',
    });
    state.close();
    await first.stop();

    const second = await ServiceNowSimulator.start();
    StateFile.open(file, second.store).close();
    expect(second.incident(record.sys_id)).toMatchObject({
      number: 'INC0010001',
      short_description: 'Checkout down',
    });
    expect(second.workNotes(record.sys_id)).toEqual(['paged']);
    const auth = `Basic ${Buffer.from(`${second.credentials.username}:${second.credentials.password}`).toString('base64')}`;
    const res = await fetch(`${second.baseUrl}/api/now/table/incident`, {
      method: 'POST',
      headers: {
        authorization: auth,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify({ short_description: 'second' }),
    });
    expect((await res.json()).result.number).toBe('INC0010002');
    await second.stop();
  });

  it('keeps Jira issues with their dates and comments, and the key counter, across a restart', async () => {
    const file = path.join(dir, 'jira.json');
    const first = await JiraSimulator.start();
    const state = StateFile.open(file, first.store);
    const issue = await first.createAsPerson({
      project: { key: 'OPS' },
      issuetype: { name: 'Incident' },
      summary: 'Card payments failing',
    });
    await first.commentAsPerson(issue.key, 'Looking into it');
    state.close();
    await first.stop();

    const second = await JiraSimulator.start();
    StateFile.open(file, second.store).close();
    const restored = second.issue(issue.key)!;
    expect(restored).toMatchObject({
      summary: 'Card payments failing',
      key: issue.key,
    });
    expect(restored.created).toBeInstanceOf(Date);
    expect(restored.created.getTime()).toBe(issue.created.getTime());
    expect(second.commentTexts(issue.key)).toEqual(['Looking into it']);
    const next = await second.createAsPerson({
      project: { key: 'OPS' },
      issuetype: { name: 'Incident' },
      summary: 'Another',
    });
    expect(next.key).not.toBe(issue.key);
    expect(Number(next.id)).toBeGreaterThan(Number(issue.id));
    await second.stop();
  });

  it('keeps PagerDuty incidents and their numbering across a restart', async () => {
    const file = path.join(dir, 'pagerduty.json');
    const first = await PagerDutySimulator.start();
    const state = StateFile.open(file, first.state);
    const { incident } = await first.trigger({ title: 'Disk full' });
    await first.acknowledge(incident.id);
    state.close();
    await first.stop();

    const second = await PagerDutySimulator.start();
    StateFile.open(file, second.state).close();
    expect(second.incident(incident.id)).toMatchObject({
      title: 'Disk full',
      status: 'acknowledged',
    });
    expect(
      (await second.trigger({ title: 'Another' })).incident.incident_number,
    ).toBe(incident.incident_number + 1);
    await second.stop();
  });

  it('writes only when the contents changed, and refuses an unreadable file naming it', async () => {
    const sim = await ServiceNowSimulator.start();
    const file = path.join(dir, 'servicenow.json');
    const state = StateFile.open(file, sim.store, { intervalMs: 60_000 });
    state.flush();
    const written = fs.statSync(file).mtimeMs;
    await new Promise(r => setTimeout(r, 20));
    state.flush();
    expect(fs.statSync(file).mtimeMs).toBe(written);
    await sim.createAsPerson({ short_description: 'changed' });
    state.flush();
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).incidents).toHaveLength(1);
    state.close();

    fs.writeFileSync(file, '{ not json');
    expect(() => StateFile.open(file, sim.store)).toThrow(
      `simulator state in ${file} is unreadable`,
    );
    expect(sim.store.incidents.size).toBe(1);
    await sim.stop();
  });
});
