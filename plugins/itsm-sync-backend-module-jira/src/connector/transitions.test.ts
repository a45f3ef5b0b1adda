import { chooseTransition } from './transitions';
import { readSettings } from './settings';

const settings = readSettings({ project_key: 'OPS' });
const t = (id: string, to: string) => ({ id, name: `to ${to}`, to: { name: to } });

describe('choosing the next workflow transition', () => {
  it('takes a transition that reaches the mapped status directly, the preferred name first', () => {
    const choice = chooseTransition(settings, [t('31', 'Waiting for customer'), t('21', 'Mitigated'), t('41', 'Resolved')], 'mitigated', new Set());
    expect(choice?.id).toBe('21');
  });

  it('steps towards the target when no transition reaches it', () => {
    expect(chooseTransition(settings, [t('11', 'In Progress')], 'closed', new Set(['to do']))?.id).toBe('11');
    // From Resolved towards mitigated: Reopen (open) is nearer than Close (closed).
    expect(chooseTransition(settings, [t('61', 'Closed'), t('71', 'To Do')], 'mitigated', new Set(['resolved']))?.id).toBe('71');
  });

  it('never walks back to a status already visited, and gives up when nothing is left', () => {
    expect(chooseTransition(settings, [t('81', 'To Do')], 'closed', new Set(['to do', 'in progress']))).toBeUndefined();
  });
});
