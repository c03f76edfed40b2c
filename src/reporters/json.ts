// --json: every event as one JSON object per line; the last line is run.finished with each step's results.
import type { EngineEvent } from '../contract/events.js';

export function createJsonReporter(write: (line: string) => void): (event: EngineEvent) => void {
  return (event) => write(JSON.stringify(event));
}
