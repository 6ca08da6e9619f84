/**
 * Wall and CPU time of one process. On a machine shared with other work, wall time says as much
 * about the neighbours as about the program; CPU time (user + system, all threads) much less, so
 * start-up figures carry both, each also as a ratio to bare `node -e 0` measured in the same rounds.
 * CPU time comes from bash's `times` (getrusage of its finished children, millisecond resolution):
 * Node's spawn does not report a child's resource usage.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const quote = (s) => `'${String(s).replaceAll("'", "'\\''")}'`;

/** Runs `cmd args` (stdout and stderr to files); returns { code, wallMs, cpuMs, stdoutLines, stderr }. */
export function timedRun(cmd, args, { cwd } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'gw-timed-run-'));
  try {
    const out = join(dir, 'stdout');
    const err = join(dir, 'stderr');
    const script = `${[cmd, ...args].map(quote).join(' ')} >${quote(out)} 2>${quote(err)}; code=$?; times; exit $code`;
    const started = process.hrtime.bigint();
    const r = spawnSync('bash', ['-c', script], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    // `times` prints the shell's own times, then its children's: "0m0.350s 0m0.120s".
    const m = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s\s*$/.exec(r.stdout);
    const cpuMs = m ? (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000 : NaN;
    const stdout = readFileSync(out, 'utf8');
    return { code: r.status, wallMs, cpuMs, stdoutLines: stdout.split('\n').length - 1, stderr: readFileSync(err, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
