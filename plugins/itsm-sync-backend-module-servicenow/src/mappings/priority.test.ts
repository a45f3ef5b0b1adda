import { priorityFor } from './priority';

describe('ServiceNow default priority matrix', () => {
  it.each([
    ['1', '1', '1'],
    ['1', '2', '2'],
    ['1', '3', '3'],
    ['2', '1', '2'],
    ['2', '2', '3'],
    ['2', '3', '4'],
    ['3', '1', '3'],
    ['3', '2', '4'],
    ['3', '3', '5'],
  ])(
    'impact %s x urgency %s gives priority %s',
    (impact, urgency, priority) => {
      expect(priorityFor(impact, urgency)).toBe(priority);
    },
  );

  it('has no priority for values off the matrix', () => {
    expect(priorityFor('4', '1')).toBeUndefined();
    expect(priorityFor('', '')).toBeUndefined();
  });
});
