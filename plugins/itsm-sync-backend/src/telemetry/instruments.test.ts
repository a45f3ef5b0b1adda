import { metrics, type Attributes, type Meter } from '@opentelemetry/api';

/** Every metric value recorded, with its instrument and attributes. */
const recorded: Array<{ name: string; attributes?: Attributes }> = [];
const recordingMeter = {
  createCounter: (name: string) => ({
    add: (_value: number, attributes?: Attributes) =>
      recorded.push({ name, attributes }),
  }),
  createHistogram: (name: string) => ({
    record: (_value: number, attributes?: Attributes) =>
      recorded.push({ name, attributes }),
  }),
} as unknown as Meter;

describe('sync metrics', () => {
  afterAll(() => metrics.disable());

  it('carry no incident or ticket ids, which stay on spans', () => {
    // The instruments are made when the module loads, so the meter comes first.
    metrics.setGlobalMeterProvider({ getMeter: () => recordingMeter });
    let instruments!: typeof import('./instruments');
    jest.isolateModules(() => {
      instruments = require('./instruments');
    });
    const span = instruments.syncAttributes({
      integrationId: 'int-1',
      integrationType: 'servicenow',
      direction: 'outbound',
      incidentId: 'inc-42',
      externalId: 'INC0010042',
      operation: 'send',
    });
    expect(span).toMatchObject({
      'sync.incident_id': 'inc-42',
      'sync.external_id': 'INC0010042',
    });

    const { syncInstruments } = instruments;
    syncInstruments.outbound.add(1, { ...span, outcome: 'success' });
    syncInstruments.inbound.add(1, { ...span, outcome: 'applied' });
    syncInstruments.conflicts.add(1, span);
    syncInstruments.webhookRefusals.add(1, span);
    syncInstruments.deliveryDuration.record(12, span);
    syncInstruments.propagationDelay.record(30, span);

    expect(recorded.map(r => r.name).sort()).toEqual([
      'itsm_sync.conflicts',
      'itsm_sync.inbound.operations',
      'itsm_sync.outbound.duration',
      'itsm_sync.outbound.operations',
      'itsm_sync.outbound.propagation_delay',
      'itsm_sync.webhook.refusals',
    ]);
    for (const { attributes } of recorded) {
      expect(attributes).not.toHaveProperty(['sync.incident_id']);
      expect(attributes).not.toHaveProperty(['sync.external_id']);
      expect(attributes).toMatchObject({
        'sync.integration_id': 'int-1',
        'sync.integration_type': 'servicenow',
      });
    }
  });
});
