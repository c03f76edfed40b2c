// How every layer writes a duration, so the TUI, the plain reporter and the report agree.

/**
 * 250 → "250ms", 1500 → "1.5s", 2000 → "2s", 90000 → "1m30s". With fixedWidth (live timers that tick in
 * place), seconds keep one decimal and minutes two-digit seconds, so the text does not jump: "2.0s",
 * "1m05s", "1h02m".
 */
export function formatDuration(ms: number, options: { fixedWidth?: boolean } = {}): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = ms / 1000;
  if (options.fixedWidth) {
    if (seconds < 60) return `${seconds.toFixed(1)}s`;
    const minutes = Math.floor(seconds / 60);
    const rest = Math.floor(seconds % 60);
    if (minutes < 60) return `${minutes}m${String(rest).padStart(2, '0')}s`;
    return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
  }
  if (ms < 60_000) return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  const rest = Math.round((ms % 60_000) / 1000);
  return rest === 0 ? `${minutes}m` : `${minutes}m${rest}s`;
}
