import { vendorExcerpt } from './vendorExcerpt';

describe('vendorExcerpt', () => {
  it('drops markup and control characters, collapses whitespace and redacts token-like runs', () => {
    const body =
      '<html><body><h1>400</h1>\u0000Bad\r\n\tpriority; key=AKIAIOSFODNN7EXAMPLEKEYZZ9 </body></html>';
    expect(vendorExcerpt(body)).toBe('400 Bad priority; [redacted]');
  });

  it('keeps at most 160 characters', () => {
    const excerpt = vendorExcerpt('word '.repeat(200));
    expect(excerpt.length).toBe(160);
    expect(excerpt.endsWith('…')).toBe(true);
  });
});
