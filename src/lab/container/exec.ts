// Running the system tools the container lab is made of (ip, mount, debootstrap, nft…): one helper that
// names the command and its output in every failure, so an error says what to fix.
import { spawn } from 'node:child_process';

export class CommandError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
    readonly code: number | null,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

export interface RunOptions {
  /** Called with each line of stdout and stderr as it arrives (progress of a long build). */
  onLine?: (line: string) => void;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  input?: string;
}

/** Runs a command to its end; resolves with stdout, rejects with a CommandError naming it. */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      ...(options.env ? { env: options.env } : {}),
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let partial = '';
    const lines = (chunk: Buffer) => {
      if (!options.onLine) return;
      partial += chunk.toString('utf8');
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) if (line.trim()) options.onLine(line);
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      out.push(chunk);
      lines(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      err.push(chunk);
      lines(chunk);
    });
    const timer = options.timeoutMs
      ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs).unref()
      : undefined;
    if (options.input !== undefined) child.stdin?.end(options.input);
    child.once('error', (error) => {
      if (timer) clearTimeout(timer);
      reject(new CommandError(`${command} could not start: ${error.message}`, '', null));
    });
    child.once('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      if (code === 0) return resolve(stdout);
      const stderr = Buffer.concat(err).toString('utf8').trim();
      const tail = (stderr || stdout.trim()).split('\n').slice(-6).join('\n    ');
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      reject(new CommandError(`\`${[command, ...args].join(' ')}\` ${how}:\n    ${tail}`, stderr, code));
    });
  });
}

/** Like run, but a failure is ignored (teardown of something that may already be gone). */
export async function runQuietly(command: string, args: string[]): Promise<boolean> {
  try {
    await run(command, args, { timeoutMs: 20_000 });
    return true;
  } catch {
    return false;
  }
}
