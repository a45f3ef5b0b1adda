import { z } from 'zod';
import {
  checkConnectorSettings,
  connectorSettingsJsonSchema,
  hubSettingsShape,
  type ConnectorSettingsDeclaration,
} from './settingsSchema';

const declaration: ConnectorSettingsDeclaration = {
  schema: z.looseObject({
    project: z
      .string()
      .min(1)
      .meta({ title: 'Project', description: 'where tickets go' }),
    sender: z
      .email()
      .optional()
      .meta({ title: 'Sender', description: 'who writes' }),
    queue: z.string().optional(),
    queues: z.array(z.string()).optional(),
    ...hubSettingsShape,
  }),
  requiredForWrites: ['sender', ['queue', 'queues']],
};

describe('checkConnectorSettings', () => {
  it('accepts settings that lack what only writes need when the integration does not send', () => {
    expect(() =>
      checkConnectorSettings(declaration, { project: 'OPS' }, false),
    ).not.toThrow();
  });

  it('names a setting writes need, with its description, when the integration sends', () => {
    expect(() =>
      checkConnectorSettings(declaration, { project: 'OPS', queue: 'q' }, true),
    ).toThrow(
      /^settings\.sender \(who writes\) is required: an integration that sends to the vendor cannot write without it$/,
    );
  });

  it('takes any one of a group of alternatives, and names them all when none is set', () => {
    const base = { project: 'OPS', sender: 'a@example.com' };
    expect(() =>
      checkConnectorSettings(declaration, { ...base, queues: ['x'] }, true),
    ).not.toThrow();
    expect(() =>
      checkConnectorSettings(declaration, { ...base, queues: [] }, true),
    ).toThrow(/^settings\.queue or settings\.queues is required/);
  });

  it('names the path of a value of the wrong type, and treats null and empty text as unset', () => {
    expect(() =>
      checkConnectorSettings(
        declaration,
        { project: 'OPS', sender: 'nope' },
        false,
      ),
    ).toThrow(/^settings\.sender: /);
    expect(() =>
      checkConnectorSettings(
        declaration,
        { project: 'OPS', inbound_create: 'yes' },
        false,
      ),
    ).toThrow(/^settings\.inbound_create: /);
    expect(() =>
      checkConnectorSettings(declaration, { project: '' }, false),
    ).toThrow(/^settings\.project: /);
    expect(() =>
      checkConnectorSettings(
        declaration,
        { project: 'OPS', sender: null },
        false,
      ),
    ).not.toThrow();
  });
});

describe('connectorSettingsJsonSchema', () => {
  it('gives titles, descriptions, defaults, the always-required settings and those writes need', () => {
    const schema = connectorSettingsJsonSchema(declaration) as any;
    expect(schema.type).toBe('object');
    expect(schema.required).toEqual(['project']);
    expect(schema.properties.project).toMatchObject({
      title: 'Project',
      description: 'where tickets go',
      type: 'string',
    });
    expect(schema.properties.manual_sync_cooldown_seconds).toMatchObject({
      type: 'integer',
      default: 600,
    });
    expect(schema['x-required-for-writes']).toEqual([
      ['sender'],
      ['queue', 'queues'],
    ]);
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });
});
