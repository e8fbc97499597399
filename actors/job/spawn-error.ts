// Turns a failed spawn into one sentence a user can act on.
import { statSync } from 'node:fs';

export const describeSpawnError = (code: string, message: string, command: string, cwd: string): string => {
  if (code === 'ENOENT') {
    // Node reports a missing cwd as ENOENT of the command, so look before blaming the command.
    try {
      if (!statSync(cwd).isDirectory()) return `cannot start '${command}': working directory ${cwd} is not a directory`;
    } catch {
      return `cannot start '${command}': working directory ${cwd} does not exist`;
    }
    return `cannot start '${command}': command not found${command.includes('/') ? '' : ' on PATH'}`;
  }
  if (code === 'EACCES') return `cannot start '${command}': permission denied`;
  if (code === 'ENOTDIR') return `cannot start '${command}': working directory ${cwd} is not a directory`;
  return `cannot start '${command}': ${message}`;
};
