import { fromAdf, toAdf } from './adf';

describe('ADF mapping', () => {
  it.each([
    'one line',
    'p99 above 2 s\nsince 10:02 UTC',
    'first paragraph\n\nsecond paragraph\nwith a break',
    'trailing newline\n',
    '\n\nleading blank paragraph',
    'three\n\n\nnewlines',
  ])('round-trips %j exactly', text => {
    expect(fromAdf(toAdf(text))).toBe(text);
  });

  it('writes paragraphs and hard breaks, never empty text nodes', () => {
    expect(toAdf('a\nb\n\nc')).toEqual({
      type: 'doc',
      version: 1,
      content: [
        {
          type: 'paragraph',
          content: [
            { type: 'text', text: 'a' },
            { type: 'hardBreak' },
            { type: 'text', text: 'b' },
          ],
        },
        { type: 'paragraph', content: [{ type: 'text', text: 'c' }] },
      ],
    });
    expect(JSON.stringify(toAdf('x\n\n'))).not.toContain('"text":""');
  });

  it('flattens richer documents people write in Jira', () => {
    const doc = {
      type: 'doc',
      version: 1,
      content: [
        {
          type: 'paragraph',
          content: [
            { type: 'mention', attrs: { id: 'abc', text: '@Mia' } },
            { type: 'text', text: ' rolled back' },
          ],
        },
        {
          type: 'bulletList',
          content: [
            {
              type: 'listItem',
              content: [
                { type: 'paragraph', content: [{ type: 'text', text: 'db' }] },
              ],
            },
            {
              type: 'listItem',
              content: [
                {
                  type: 'paragraph',
                  content: [{ type: 'text', text: 'cache' }],
                },
              ],
            },
          ],
        },
        {
          type: 'codeBlock',
          content: [{ type: 'text', text: 'kubectl rollout undo' }],
        },
      ],
    };
    expect(fromAdf(doc)).toBe(
      '@Mia rolled back\n\n- db\n- cache\n\nkubectl rollout undo',
    );
  });

  it('reads a null description as empty text', () => {
    expect(fromAdf(null)).toBe('');
  });
});
