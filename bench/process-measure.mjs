/**
 * Runs a command and measures it the same way for every tool: wall seconds from spawn to exit,
 * peak RSS from /proc/PID/status VmHWM polled every 10 ms (the kernel's own high-water mark, so
 * a peak between polls is still seen as long as the process lives past one poll), stdout lines.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export function measure(cmd, argv, { cwd, keepStdout = false } = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, argv, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let peakKb = 0;
    let stdoutBytes = 0;
    let stdoutLines = 0;
    const keep = [];
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        /* exited */
      }
    }, 10);
    child.stdout.on('data', (d) => {
      stdoutBytes += d.length;
      // indexOf, not a per-byte JS loop: a slow reader would throttle the measured process through the pipe.
      for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) stdoutLines++;
      if (keepStdout) keep.push(d);
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      resolve({ code, seconds, peakMb: peakKb / 1024, stdoutBytes, stdoutLines, stderr, stdout: keepStdout ? Buffer.concat(keep).toString('utf8') : undefined });
    });
  });
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export function loadAverage() {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}
