/** The spawn server broke its own wire format: a bug, never the job's fault. */
export class SpawnServerProtocolError extends Error {
  override name = 'SpawnServerProtocolError';
}
