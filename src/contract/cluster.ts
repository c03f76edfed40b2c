// What the live cluster view shows: one snapshot of every Redis node and every Sentinel, taken about once
// a second by the drill's cluster watch and carried to the store as a `cluster` engine event.

export interface ClusterNodeView {
  /** Inventory name (redis-1), or the address when the node is known only from Sentinel. */
  name: string;
  address: string;
  reachable: boolean;
  /** From ROLE. */
  role?: 'master' | 'replica';
  /** A replica's link to its master (ROLE state "connected"). */
  linkUp?: boolean;
  /** The master a replica follows. */
  following?: string;
  /** Replication offset lag behind the master (bytes), for a replica whose master answered. */
  lagBytes?: number;
  /** Why it is unreachable (refused, no answer within the poll). */
  error?: string;
}

export interface ClusterSentinelView {
  name: string;
  address: string;
  reachable: boolean;
  /** The master address it names (SENTINEL GET-MASTER-ADDR-BY-NAME). */
  masterAddress: string | null;
  /** Its flags for that master. */
  sdown: boolean;
  odown: boolean;
  error?: string;
}

export interface ClusterSnapshot {
  masterName: string;
  nodes: ClusterNodeView[];
  sentinels: ClusterSentinelView[];
}
