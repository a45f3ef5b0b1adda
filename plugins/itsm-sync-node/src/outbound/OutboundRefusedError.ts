/**
 * A vendor call the outbound policy refused before any byte was sent (see docs/DESIGN.md
 * "Outbound policy"). Not worth retrying: only a configuration change makes it pass.
 * @public
 */
export class OutboundRefusedError extends Error {
  constructor(
    message: string,
    /** The host of the refused URL, for logs and audit. */
    readonly host: string,
  ) {
    super(message);
    this.name = 'OutboundRefusedError';
  }
}
