// A redis/sentinel/probe/wait block's connection attributes (password=, username=, tls=, connect-timeout=,
// command-timeout=) and duration attributes, turned into the connection layer's ConnectionSettings.
import type { ActionContext } from '../../contract/action.js';
import { DURATION_HINT, durationProblem, parseDuration } from '../../runbook/duration.js';
import { hostReach } from '../../targets/host-guard.js';
import {
  type ConnectionSettings,
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
} from '../../targets/redis/connection.js';
import { runTunnel } from '../../targets/redis/ssh-tunnel.js';

export interface AuthAttributes {
  password?: string;
  username?: string;
  tls?: string;
  'connect-timeout'?: string;
  'command-timeout'?: string;
}

/**
 * Credentials and timeouts for a block: password=VAR names a secret var (default `defaultVar` when that
 * var exists), username= an ACL user, tls=true, connect-timeout= / command-timeout= durations.
 */
export function connectionSettings(
  attrs: AuthAttributes,
  ctx: Pick<ActionContext, 'vars' | 'resources' | 'interaction' | 'step' | 'signal' | 'resolve' | 'output'>,
  defaultVar: string,
): ConnectionSettings {
  let password: string | undefined;
  if (attrs.password !== undefined) {
    password = ctx.vars[attrs.password];
    if (password === undefined) {
      throw new Error(
        `password=${attrs.password}: no var named ${attrs.password}; declare it in the front matter or pass --var ${attrs.password}=...`,
      );
    }
  } else {
    password = ctx.vars[defaultVar];
  }
  return {
    password: password === '' ? undefined : password,
    username: attrs.username,
    tls: attrs.tls === 'true',
    connectTimeoutMs: durationAttribute(
      'connect-timeout',
      attrs['connect-timeout'],
      DEFAULT_CONNECT_TIMEOUT_MS,
    ),
    commandTimeoutMs: durationAttribute(
      'command-timeout',
      attrs['command-timeout'],
      DEFAULT_COMMAND_TIMEOUT_MS,
    ),
    tunnel: runTunnel(ctx),
    reach: hostReach(ctx),
  };
}

/** A duration attribute ("500ms", "3s", "2m"); the fallback when absent. */
export function durationAttribute(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const ms = parseDuration(text.trim());
  if (ms === undefined || ms <= 0) {
    const why = durationProblem(name, text.trim()) ?? `${name}="${text}" is not a duration`;
    throw new Error(`${why}; ${DURATION_HINT}`);
  }
  return ms;
}
