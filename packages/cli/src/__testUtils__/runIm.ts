import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

const BIN = path.resolve(__dirname, '../../bin/im');

export interface ImResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `im` binary in a child process. Asynchronous on purpose: the backend
 * under test lives in this process and must keep serving while `im` waits for it.
 */
export function runIm(
  args: string[],
  env: Record<string, string | undefined> = {},
  options: { stdin?: string } = {},
): Promise<ImResult> {
  return new Promise(resolve => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      {
        // A clean environment: no token, URL or config file leaks in from the developer's shell.
        env: {
          PATH: process.env.PATH,
          HOME: path.join(os.tmpdir(), 'im-cli-test-no-home'),
          ...env,
        },
        timeout: 30_000,
      },
      (error, stdout, stderr) => {
        let code = 0;
        if (error) code = typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    // What a pipe into im would give it; without input, im's stdin stays open and unread.
    if (options.stdin !== undefined) child.stdin?.end(options.stdin);
  });
}
