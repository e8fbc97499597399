// The processes a job has running: its leader and every descendant, found through the
// kernel's per-thread `children` lists so that only the job's own tree is read.
import { readdirSync, readFileSync } from 'node:fs';

const childrenOf = (pid: number): number[] => {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const task of tasks) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'latin1');
      for (const field of text.split(' ')) if (field !== '') children.push(Number(field));
    } catch {
      // The thread or process ended while we looked.
    }
  }
  return children;
};

/** The leader's pid and all its descendants' pids that are alive now. */
export const processTree = (leader: number): number[] => {
  const pids = [leader];
  for (let i = 0; i < pids.length; i++) pids.push(...childrenOf(pids[i]!));
  return pids;
};
