import { spawn, type ChildProcessWithoutNullStreams, type SpawnOptionsWithoutStdio } from 'node:child_process';

/**
 * Starts `node <args>` so that file modes apply to it. Root writes through modes; as root the child keeps its
 * uid (so it can still read a checkout under a 0700 directory) but loses the capabilities that override modes,
 * through util-linux's `setpriv`. Anyone else runs as they are.
 */
export function spawnNodeRespectingFileModes(args: readonly string[], options: SpawnOptionsWithoutStdio): ChildProcessWithoutNullStreams {
  if (process.getuid?.() !== 0) return spawn(process.execPath, args, { ...options, stdio: 'pipe' });
  return spawn('setpriv', ['--bounding-set=-dac_override,-dac_read_search,-fowner', '--', process.execPath, ...args], { ...options, stdio: 'pipe' });
}
