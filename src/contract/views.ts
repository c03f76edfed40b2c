// How an action's result is shown: a discriminated union, one member per view, each with the payload its
// UI view renders. The action that knows the shape builds the payload, so the UI never guesses field names
// and the drill report reads the probe's figures directly.

/** One droplet row: the droplets view's table. */
export interface DropletRow {
  name: string;
  status: string;
  privateIp: string | null;
  region: string;
  priceHourly: number | null;
}

/** One Redis node's replication state: the replication view's table. */
export interface ReplicationRow {
  node: string;
  role: string;
  /** master_link_status on a replica; undefined on a master. */
  link?: string;
  /** Replicas connected, on a master. */
  replicas?: number;
  offset?: number;
  /** Bytes behind the master, on a replica. */
  lag?: number;
  error?: string;
}

/** One command sent and how it ended: the redis view's list. */
export interface CommandRow {
  command: string;
  /** The reply as lines (arrays one element a line, nil as "(nil)"). */
  reply: string[];
  error?: string;
  /** Not sent: a dry run kept a mutating command back. */
  skipped?: boolean;
  /** INFO replication / ROLE, shown as a replication row. */
  replication?: ReplicationRow;
}

/** What one Sentinel believes: the sentinels view's table. */
export interface SentinelRow {
  sentinel: string;
  /** host:port from GET-MASTER-ADDR-BY-NAME, or null when it names none. */
  master: string | null;
  flags: string[];
  /** SENTINEL CKQUORUM's verdict, when it was asked. */
  quorumOk?: boolean;
  tilt: boolean;
}

/** The failover phases a probe measured, in ms after the fault (null: not observed). */
export interface FailoverPhases {
  fault: { name: string; detail: string; at: number } | null;
  /**
   * A DigitalOcean power action's fault is timed when the API accepts it (RTOs count from there); this is
   * how long after that the API reported the action completed, when the drill waited for it.
   */
  faultCompletedMs?: number | null;
  sdownMs: number | null;
  odownMs: number | null;
  electedLeaderMs: number | null;
  promotedReplicaMs: number | null;
  /** First Sentinel to announce the new master. */
  switchMasterFirstMs: number | null;
  /** Last Sentinel to announce it: the whole Sentinel layer agrees from here on. */
  switchMasterAllMs: number | null;
  probeRecoveredMs: number | null;
  /** Probe recovery after the first +switch-master (the client's own lag). */
  probeLagAfterSwitchMs: number | null;
  failedOver: boolean;
  /** A planned switchover's CLIENT PAUSE → CLIENT UNPAUSE on the old master; null for other faults. */
  writePauseMs?: number | null;
}

/** Writes per time bucket, by how they ended. */
export interface WriteSeries {
  /** Width of one bucket (ms). */
  bucketMs: number;
  /** Monotonic run ms where bucket 0 starts. */
  startAt: number;
  acknowledged: number[];
  failed: number[];
  indeterminate: number[];
}

/** The Redis and Sentinel settings in force during a drill, as the servers report them. */
export interface SettingsInForce {
  redis_version?: string;
  quorum?: string;
  down_after_milliseconds?: string;
  failover_timeout?: string;
  parallel_syncs?: string;
  appendonly?: string;
  appendfsync?: string;
  min_replicas_to_write?: string;
  min_replicas_max_lag?: string;
  /** What could not be read, so a gap in the report is explained. */
  unreadable?: string[];
}

/** What a stopped probe measured: the drill report's figures. */
export interface DrillData {
  attempted: number;
  acknowledged: number;
  failed: number;
  indeterminate: number;
  lost_acknowledged: number;
  lost_acknowledged_keys: string[];
  unacknowledged_present: number;
  unacknowledged_present_keys: string[];
  /** First failed write → first acknowledged one after it; when writes never recovered, → the last write. */
  unavailable_ms: number;
  /** False when writes failed and none was acknowledged after; absent in journals written before it was. */
  writes_recovered?: boolean;
  longest_gap_ms: number;
  latency_ms: { p50: number; p99: number; max: number };
  master_before: string | null;
  master_after: string;
  failed_over: boolean;
  split_brain_writes: number;
  /**
   * Fault → the last write the old master acknowledged after it (null when it acknowledged none); absent in
   * journals written before it was recorded.
   */
  split_brain_window_ms?: number | null;
  phases: FailoverPhases;
  settings: SettingsInForce;
  client_options: Record<string, unknown>;
  /** Writes per time bucket by outcome; absent in journals written before the series was recorded. */
  series?: WriteSeries;
}

/** A stopped probe's figures with the step it ran in and the probe's name: a drill report section. */
export interface DrillResult extends DrillData {
  step: string;
  probe: string;
}

/** A trainee's prediction next to what was measured. */
export interface PredictionRow {
  what: string;
  predicted: string;
  measured: string;
}

/** A Sentinel event a wait resolved on. */
export interface TimelineRow {
  /** ms after what the wait measured from (the fault, or the wait's start). */
  afterMs: number;
  event: string;
  detail: string;
  seenBy: string[];
}

export type ActionView =
  | { kind: 'droplets'; droplets: DropletRow[] }
  | { kind: 'replication'; nodes: ReplicationRow[] }
  | { kind: 'redis'; node: string; commands: CommandRow[] }
  | { kind: 'sentinels'; sentinels: SentinelRow[] }
  | { kind: 'checks' }
  | { kind: 'probe'; probe: string; result: DrillData }
  | { kind: 'drills'; drills: DrillResult[] }
  | { kind: 'prediction'; rows: PredictionRow[] }
  | { kind: 'timeline'; entries: TimelineRow[] };

export type ViewKind = ActionView['kind'];
