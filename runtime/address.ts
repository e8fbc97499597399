// An actor address is a plain number so it crosses threads for free; the low byte names the
// host (thread) it lives on, so routing needs no directory lookup.

declare const messageType: unique symbol;

/** Where to send messages of type `M`. The type parameter exists only at compile time. */
export type Address<M = unknown> = number & { readonly [messageType]?: (message: M) => void };

/** Host 0 is the main thread; worker hosts are 1..n. */
export const MAX_HOSTS = 256;

export const hostOf = (address: Address<never>): number => address % MAX_HOSTS;

/**
 * Builds an address unique across all hosts: the spawning host's counter and index make the
 * serial, so two hosts spawning onto a third never collide.
 */
export const makeAddress = <M>(serial: number, spawnerHost: number, targetHost: number): Address<M> =>
  (serial * MAX_HOSTS + spawnerHost) * MAX_HOSTS + targetHost;
