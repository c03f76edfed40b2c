// The live cluster view: one line per Redis node (role, link, offset lag) and per Sentinel (the master it
// names, its s_down/o_down flags, whether it answers), from the latest snapshot of the drill's cluster watch.
import { Box, Text } from 'ink';
import { memo } from 'react';
import type { ClusterNodeView, ClusterSentinelView, ClusterSnapshot } from '../contract/cluster.js';
import { selectCluster } from '../controller/selectors.js';
import { Pane } from './Pane.js';
import { useTuiStore } from './store-context.js';
import { useTone } from './theme.js';

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

function NodeLine({ node, nameWidth }: { node: ClusterNodeView; nameWidth: number }) {
  const tone = useTone();
  const name = node.name.padEnd(nameWidth);
  if (!node.reachable) {
    return (
      <Text wrap="truncate">
        <Text color={tone('error')}>✗</Text> {name} <Text color={tone('error')}>down</Text>
        <Text color={tone('muted')}>{` ${node.error ?? ''}`}</Text>
      </Text>
    );
  }
  if (node.role === 'master') {
    return (
      <Text wrap="truncate">
        <Text color={tone('ok')}>●</Text> {name}{' '}
        <Text bold color={tone('ok')}>
          master
        </Text>
        {node.name === node.address ? null : <Text color={tone('muted')}>{` ${node.address}`}</Text>}
      </Text>
    );
  }
  return (
    <Text wrap="truncate">
      <Text color={tone(node.linkUp ? 'ok' : 'warn')}>○</Text> {name} replica{' '}
      <Text color={tone(node.linkUp ? 'ok' : 'error')}>{node.linkUp ? 'link up' : 'link DOWN'}</Text>
      {node.lagBytes !== undefined ? ` lag ${bytes(node.lagBytes)}` : ''}
      <Text color={tone('muted')}>{node.following ? ` of ${node.following}` : ''}</Text>
    </Text>
  );
}

function SentinelLine({ sentinel, nameWidth }: { sentinel: ClusterSentinelView; nameWidth: number }) {
  const tone = useTone();
  const name = sentinel.name.padEnd(nameWidth);
  if (!sentinel.reachable) {
    return (
      <Text wrap="truncate">
        <Text color={tone('error')}>✗</Text> {name} <Text color={tone('error')}>unreachable</Text>
        <Text color={tone('muted')}>{` ${sentinel.error ?? ''}`}</Text>
      </Text>
    );
  }
  return (
    <Text wrap="truncate">
      <Text color={tone('accent')}>◆</Text> {name} → {sentinel.masterAddress ?? 'names no master'}
      {sentinel.sdown ? <Text color={tone('warn')}> s_down</Text> : null}
      {sentinel.odown ? <Text color={tone('error')}> o_down</Text> : null}
    </Text>
  );
}

export function ClusterView({ snapshot }: { snapshot: ClusterSnapshot }) {
  const tone = useTone();
  const names = [...snapshot.nodes, ...snapshot.sentinels].map((entry) => entry.name.length);
  const nameWidth = Math.min(24, Math.max(0, ...names));
  if (snapshot.nodes.length === 0 && snapshot.sentinels.length === 0) {
    return <Text color={tone('muted')}>No nodes known yet.</Text>;
  }
  return (
    <Box flexDirection="column">
      {snapshot.nodes.map((node) => (
        <NodeLine key={node.address} node={node} nameWidth={nameWidth} />
      ))}
      {snapshot.sentinels.map((sentinel) => (
        <SentinelLine key={sentinel.address} sentinel={sentinel} nameWidth={nameWidth} />
      ))}
    </Box>
  );
}

/** The pane around the view; it alone subscribes to the snapshots. */
export const ClusterPane = memo(function ClusterPane({ height }: { height: number }) {
  const cluster = useTuiStore(selectCluster);
  if (!cluster) return null;
  return (
    <Pane title={`Cluster ${cluster.snapshot.masterName}`} focused={false} height={height}>
      <ClusterView snapshot={cluster.snapshot} />
    </Pane>
  );
});
