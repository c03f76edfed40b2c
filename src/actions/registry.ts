// Every action kind the runbook format knows. Adding a kind: its folder under src/actions/ and one line here.

import type { ActionKind } from '../contract/action.js';
import { checkAction } from './check/index.js';
import { doKind } from './do/index.js';
import { drillsAction } from './drills/index.js';
import { httpAction } from './http/index.js';
import { labAction } from './lab/index.js';
import { predictionAction } from './prediction/index.js';
import { probeAction } from './probe/index.js';
import { promptAction } from './prompt/index.js';
import { redisAction } from './redis/index.js';
import { sentinelAction } from './sentinel/index.js';
import { shAction } from './sh/index.js';
import { waitAction } from './wait/index.js';

// biome-ignore lint/suspicious/noExplicitAny: kinds have different spec types; each kind checks its own.
type AnyActionKind = ActionKind<any>;

const kinds: AnyActionKind[] = [
  checkAction,
  doKind,
  drillsAction,
  httpAction,
  labAction,
  predictionAction,
  probeAction,
  promptAction,
  shAction,
  redisAction,
  sentinelAction,
  waitAction,
];

export const actionKinds: ReadonlyMap<string, AnyActionKind> = new Map(kinds.map((k) => [k.kind, k]));
