// Runs a command in a real pseudo-terminal (util-linux `script`), for benchmarks of the TUI: the program
// sees a TTY of the given size, and we see every byte it writes, as it writes it.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const quote = (text) => `'${String(text).replaceAll("'", "'\\''")}'`;

export function spawnInPty(argv, { columns = 100, rows = 30, env = {}, cwd } = {}) {
  const command = `stty cols ${columns} rows ${rows}; exec ${argv.map(quote).join(' ')}`;
  const childEnv = { ...process.env, TERM: 'xterm-256color', ...env };
  // Ink prints only the final frame when it believes it runs in CI.
  delete childEnv.CI;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd,
    env: childEnv,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const waiters = new Set();
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    output += chunk;
    const now = performance.now();
    for (const waiter of waiters) waiter(now);
  });
  return {
    child,
    exited,
    get output() {
      return output;
    },
    /** Position in the output, to search only what is written after it. */
    mark: () => output.length,
    write: (text) => child.stdin.write(text),
    /** Resolves with the time (performance.now) at which the text first appeared after `from`. */
    waitFor(text, { from = 0, timeoutMs = 20_000 } = {}) {
      return new Promise((resolve, reject) => {
        const check = (now) => {
          if (output.indexOf(text, from) < 0) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(now);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `timed out waiting for ${JSON.stringify(text)}; last output: ${JSON.stringify(output.slice(-500))}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check(performance.now());
      });
    },
    /** The pid of the program itself (script's child, which exec'd it). */
    programPid() {
      try {
        const children = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim();
        return children ? Number(children.split(/\s+/)[0]) : undefined;
      } catch {
        return undefined;
      }
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Resident set size of a process in MiB, from /proc. */
export function rssMiB(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
