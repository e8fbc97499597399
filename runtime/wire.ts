// The protocol between hosts. Frames are plain data and travel in arrays: one postMessage per
// batch, not per message.
import type { Address } from './address.js';
import type { ErrorInfo } from './errors.js';

export type Frame =
  | { readonly type: 'deliver'; readonly to: Address<never>; readonly message: unknown }
  | { readonly type: 'spawn'; readonly address: Address<never>; readonly kind: string; readonly init: unknown; readonly parent: Address<never> | null }
  | { readonly type: 'exit'; readonly address: Address<never>; readonly parent: Address<never>; readonly error?: ErrorInfo }
  | { readonly type: 'host-down'; readonly host: number; readonly error: ErrorInfo }
  | { readonly type: 'shutdown' };

export type Batch = readonly Frame[];

/** What a worker host receives at start-up. */
export interface HostBootData {
  readonly hostIndex: number;
  readonly hostCount: number;
  /** URL of the module whose default export is the ActorCatalog. */
  readonly catalogUrl: string;
}
