import fs from 'node:fs';
import path from 'node:path';

/** A store whose contents can be written out as JSON and read back. */
export interface Snapshotting<T> {
  snapshot(): T;
  restore(snapshot: T): void;
}

/**
 * Keeps a simulator store in a JSON file, so a demo's simulated vendor survives a restart
 * like the hub's database does: read at open, written (atomically) when the contents have
 * changed, checked every `intervalMs`, and at close.
 */
export class StateFile<T> {
  private written: string;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly file: string,
    private readonly store: Snapshotting<T>,
    intervalMs: number,
  ) {
    this.written = JSON.stringify(store.snapshot());
    this.timer = setInterval(() => this.flush(), intervalMs);
    this.timer.unref();
  }

  /** Restores `store` from `file` when it exists, then keeps the file up to date. */
  static open<T>(
    file: string,
    store: Snapshotting<T>,
    options: { intervalMs?: number } = {},
  ): StateFile<T> {
    if (fs.existsSync(file)) {
      try {
        store.restore(JSON.parse(fs.readFileSync(file, 'utf8')) as T);
      } catch (error) {
        throw new Error(
          `simulator state in ${file} is unreadable (${(error as Error).message}); delete it to start empty`,
        );
      }
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    return new StateFile(file, store, options.intervalMs ?? 1000);
  }

  /** Writes the store out if it changed since the last write. */
  flush() {
    const text = JSON.stringify(this.store.snapshot());
    if (text === this.written && fs.existsSync(this.file)) return;
    const temporary = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, text, { mode: 0o600 });
    fs.renameSync(temporary, this.file);
    this.written = text;
  }

  /** Stops watching, after a last write. */
  close() {
    clearInterval(this.timer);
    this.flush();
  }
}
