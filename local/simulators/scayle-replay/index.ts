export type { ReplayedRequest } from './journal.ts';
export { type ScayleReplay, type ScayleReplayOptions, startScayleReplay } from './server.ts';
