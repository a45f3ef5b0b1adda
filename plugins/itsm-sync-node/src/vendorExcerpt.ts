const MAX_EXCERPT = 160;

/**
 * A short, sanitised excerpt of a vendor's error body, fit for anyone allowed to read an
 * integration: control characters and markup dropped, whitespace collapsed, long
 * token-like runs (keys, session ids, signatures) redacted, at most 160 characters.
 * The full body is only shown to those who may manage the integration.
 * @public
 */
export function vendorExcerpt(body: string): string {
  const plain = body
    .slice(0, 4 * MAX_EXCERPT)
    .replace(/<[^>]*>/g, ' ')
    .replace(/\p{Cc}/gu, ' ')
    .replace(/[A-Za-z0-9+/_=-]{24,}/g, '[redacted]')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > MAX_EXCERPT
    ? `${plain.slice(0, MAX_EXCERPT - 1)}…`
    : plain;
}
