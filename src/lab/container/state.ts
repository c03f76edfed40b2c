// Where the container lab keeps its own files inside the lab's state folder.
import path from 'node:path';

export const containerStateDir = (stateDir: string): string => path.join(stateDir, 'container');

export interface ContainerLabFiles {
  /** Private address → metadata document, read by the VPC agent on every request (0600: holds user_data). */
  metadata: string;
  relaySocket: string;
  agentPid: string;
  agentLog: string;
  /** The host routes the lab added, so `lab down` removes exactly those, also after a crash. */
  routes: string;
}

export function containerLabFiles(stateDir: string): ContainerLabFiles {
  const dir = containerStateDir(stateDir);
  return {
    metadata: path.join(dir, 'metadata.json'),
    relaySocket: path.join(dir, 'relay.sock'),
    agentPid: path.join(dir, 'agent.pid'),
    agentLog: path.join(dir, 'agent.log'),
    routes: path.join(dir, 'routes.json'),
  };
}
