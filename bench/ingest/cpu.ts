import { readFileSync } from 'node:fs';
import type { Client } from '@elastic/elasticsearch';

/**
 * CPU time of a process as the kernel accounts it: user + system time from `/proc/<pid>/stat`
 * (fields 14 and 15, in clock ticks). Linux reports them in USER_HZ, which is 100 on every
 * architecture Node runs on. Undefined when the process is gone or /proc is not there.
 */
export function procCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state), so utime (14) and stime (15) are at 11 and 12.
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks / USER_HZ : undefined;
  } catch {
    return undefined;
  }
}

const USER_HZ = 100;

/**
 * The pid of the Elasticsearch node behind `es` when it runs on this machine (the local stack),
 * so its CPU can be read from /proc; undefined for a remote node.
 */
export async function localElasticsearchPid(es: Client): Promise<number | undefined> {
  const info = await es.nodes.info({ node_id: '_local', metric: 'process' });
  const pid = Object.values(info.nodes)[0]?.process?.id;
  return pid !== undefined && procCpuSeconds(pid) !== undefined ? pid : undefined;
}

/** A CPU meter over a set of processes: `start()` then `stop()` gives the seconds in between. */
export function cpuMeter(pid: number | undefined) {
  const read = () => (pid === undefined ? undefined : procCpuSeconds(pid));
  let started: number | undefined;
  let last: number | undefined;
  return {
    start() {
      started = read();
      last = started;
    },
    /** Reads again; kept so the figure survives the process exiting before `seconds()`. */
    sample() {
      last = read() ?? last;
    },
    seconds(): number {
      this.sample();
      return started === undefined || last === undefined ? Number.NaN : last - started;
    },
  };
}
