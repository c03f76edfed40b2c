// Small hooks shared by the panes: terminal size (recomputed on resize) and a clock tick.
import { useStdout } from 'ink';
import { useEffect, useState } from 'react';

export interface TerminalSize {
  columns: number;
  rows: number;
}

const MIN_SIZE: TerminalSize = { columns: 80, rows: 24 };

/** Ink 8 types stdout as any writable stream; a terminal's also has columns and rows. */
function measure(stdout: object): TerminalSize {
  const { columns, rows } = stdout as { columns?: number; rows?: number };
  return {
    columns: Math.max(MIN_SIZE.columns, columns || MIN_SIZE.columns),
    rows: Math.max(MIN_SIZE.rows, rows || MIN_SIZE.rows),
  };
}

/** The terminal's size (at least 80×24), updated on every 'resize'. */
export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => measure(stdout));
  useEffect(() => {
    const onResize = () => setSize(measure(stdout));
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}

export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}
