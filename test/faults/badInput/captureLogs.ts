import { Writable } from 'node:stream';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { WinstonLogger } from '@backstage/backend-defaults/rootLogger';
import { format, transports } from 'winston';

/**
 * The backend's real Backstage logger (winston, JSON lines, debug level) writing into
 * this suite instead of the console: every line is checked for forbidden strings as it
 * is written, so a secret in any log line is caught without keeping every line.
 */
export function capturingRootLogger(forbidden: () => string[]) {
  const capture = { lines: 0, leaks: [] as string[] };
  const sink = new Writable({
    write(chunk, _encoding, done) {
      const text = chunk.toString('utf8');
      capture.lines += 1;
      for (const secret of forbidden()) {
        if (secret && text.includes(secret))
          capture.leaks.push(text.slice(0, 300).split(secret).join('<SECRET>'));
      }
      done();
    },
  });
  const factory = createServiceFactory({
    service: coreServices.rootLogger,
    deps: {},
    factory: () =>
      WinstonLogger.create({
        meta: { service: 'backstage' },
        level: 'debug',
        format: format.json(),
        transports: [new transports.Stream({ stream: sink })],
      }),
  });
  return { capture, factory };
}
