import { mockServices } from '@backstage/backend-test-utils';
import { audited } from './audited';

describe('audited', () => {
  it('closes the event as a success with the meta picked from the result', async () => {
    const success = jest.fn();
    const fail = jest.fn();
    const auditor = mockServices.auditor.mock({
      createEvent: async () => ({ success, fail }),
    });
    const result = await audited(
      auditor,
      { eventId: 'thing-create' },
      async () => ({ id: 'x1' }),
      r => ({ id: r.id }),
    );
    expect(result).toEqual({ id: 'x1' });
    expect(auditor.createEvent).toHaveBeenCalledWith({
      eventId: 'thing-create',
    });
    expect(success).toHaveBeenCalledWith({ meta: { id: 'x1' } });
    expect(fail).not.toHaveBeenCalled();
  });

  it('closes the event as a failure with the error, and rethrows it', async () => {
    const success = jest.fn();
    const fail = jest.fn();
    const auditor = mockServices.auditor.mock({
      createEvent: async () => ({ success, fail }),
    });
    const error = new Error('no such integration');
    await expect(
      audited(auditor, { eventId: 'thing-delete' }, async () =>
        Promise.reject(error),
      ),
    ).rejects.toBe(error);
    expect(fail).toHaveBeenCalledWith({ error });
    expect(success).not.toHaveBeenCalled();
  });
});
