// Runs a command on a node behind the jump host over SSH (the node's port 22, reached through the jump
// host's direct-tcpip channel), logging in as on the jump host. Used to wait for cloud-init on droplets
// whose only addresses are private. A node's host key is accepted on first contact: it is reachable only
// through the authenticated jump host, inside the VPC the run created minutes ago.
import type { SshTunnel } from './ssh-tunnel.js';

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export async function execBehindJump(
  tunnel: SshTunnel,
  host: string,
  command: string,
  options: { timeoutMs: number; signal: AbortSignal; port?: number },
): Promise<ExecResult> {
  const port = options.port ?? 22;
  const sock = await tunnel.stream(host, port);
  const { Client } = await import('ssh2');
  const client = new Client();
  const close = () => {
    client.end();
    sock.destroy();
  };
  const onAbort = () => close();
  options.signal.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    close();
  }, options.timeoutMs);
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve());
      client.once('error', (error) =>
        reject(new Error(`ssh ${tunnel.login.username}@${host} via ${tunnel.label}: ${error.message}`)),
      );
      client.once('close', () => reject(new Error(`ssh to ${host} via ${tunnel.label} closed before login`)));
      client.connect({
        sock,
        username: tunnel.login.username,
        privateKey: tunnel.login.privateKey,
        agent: tunnel.login.agent,
        readyTimeout: Math.min(options.timeoutMs, 30_000),
        hostVerifier: () => true,
      });
    });
    client.on('error', () => undefined);
    return await new Promise<ExecResult>((resolve, reject) => {
      client.exec(command, (error, channel) => {
        if (error) return reject(new Error(`ssh ${host}: ${command}: ${error.message}`));
        let stdout = '';
        let stderr = '';
        let code: number | null = null;
        channel.on('data', (chunk: Buffer) => {
          stdout += chunk.toString('utf8');
        });
        channel.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString('utf8');
        });
        channel.on('exit', (exitCode: number | null) => {
          code = exitCode;
        });
        channel.on('close', () => {
          if (options.signal.aborted) return reject(options.signal.reason ?? new Error('aborted'));
          if (timedOut || code === null) {
            const tail = `${stdout}${stderr}`.trim().split('\n').slice(-5).join(' | ');
            return reject(
              new Error(
                `ssh ${host}: ${command}: ${timedOut ? `not finished within ${options.timeoutMs / 1000} s` : 'the connection closed'}${tail ? ` (last output: ${tail})` : ''}`,
              ),
            );
          }
          resolve({ code, stdout, stderr });
        });
      });
    });
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener('abort', onAbort);
    close();
  }
}
