export type { DropletRuntime, LabDroplet } from '../runtime.js';
export type { FaultInjector, FaultRule } from './faults.js';
export { startEmulator } from './server.js';
export type { Emulator, EmulatorOptions, RecordedRequest } from './types.js';
