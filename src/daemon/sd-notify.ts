/**
 * systemd's notify protocol for `Type=notify` units: READY=1 once capture
 * runs, STATUS= lines, WATCHDOG=1 pings and STOPPING=1. Sent by the native
 * binding (one datagram to $NOTIFY_SOCKET, no libsystemd). Outside systemd
 * ($NOTIFY_SOCKET unset) every call does nothing.
 *
 * The watchdog pings from a timer on the main event loop, and only while the
 * daemon reports progress (its once-a-second housekeeping completing): a
 * blocked loop or a housekeeping pass that never finishes stops the pings,
 * so systemd restarts the daemon after WatchdogSec.
 */
import { loadBinding } from '../capture/live.js';

export interface ServiceNotifier {
  /** Whether a service manager listens (NOTIFY_SOCKET is set). */
  readonly active: boolean;
  /** Milliseconds between watchdog pings (half of WATCHDOG_USEC), undefined when no watchdog is asked for. */
  readonly watchdogIntervalMs: number | undefined;
  ready(status: string): void;
  status(status: string): void;
  stopping(status: string): void;
  /** Starts the pings; `alive()` says whether the daemon made progress recently. */
  startWatchdog(alive: () => boolean): void;
  stopWatchdog(): void;
}

type Send = (state: string) => boolean;

export function serviceNotifier(env: NodeJS.ProcessEnv = process.env, log: (line: string) => void = () => {}, send?: Send): ServiceNotifier {
  if (!env.NOTIFY_SOCKET) return new SilentNotifier();
  const sender = send ?? ((state: string) => loadBinding().sdNotify(state));
  return new SocketNotifier(sender, watchdogInterval(env), log);
}

/** Half of WATCHDOG_USEC (as sd_watchdog_enabled(3) advises), when it is meant for this process. */
export function watchdogInterval(env: NodeJS.ProcessEnv, pid = process.pid): number | undefined {
  const usec = Number(env.WATCHDOG_USEC);
  if (!Number.isFinite(usec) || usec <= 0) return undefined;
  if (env.WATCHDOG_PID && Number(env.WATCHDOG_PID) !== pid) return undefined;
  return Math.max(1, Math.floor(usec / 2000));
}

class SilentNotifier implements ServiceNotifier {
  readonly active = false;
  readonly watchdogIntervalMs = undefined;
  ready(): void {}
  status(): void {}
  stopping(): void {}
  startWatchdog(): void {}
  stopWatchdog(): void {}
}

class SocketNotifier implements ServiceNotifier {
  readonly active = true;
  private timer: NodeJS.Timeout | undefined;
  private failed = false;

  constructor(
    private readonly send: Send,
    readonly watchdogIntervalMs: number | undefined,
    private readonly log: (line: string) => void,
  ) {}

  ready(status: string): void {
    this.notify(`READY=1\nSTATUS=${oneLine(status)}\nMAINPID=${process.pid}`);
  }

  status(status: string): void {
    this.notify(`STATUS=${oneLine(status)}`);
  }

  stopping(status: string): void {
    this.stopWatchdog();
    this.notify(`STOPPING=1\nSTATUS=${oneLine(status)}`);
  }

  startWatchdog(alive: () => boolean): void {
    if (this.watchdogIntervalMs === undefined || this.timer) return;
    this.timer = setInterval(() => {
      if (alive()) this.notify('WATCHDOG=1');
    }, this.watchdogIntervalMs);
  }

  stopWatchdog(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** A failing socket is said once; notification is never worth stopping capture for. */
  private notify(state: string): void {
    try {
      this.send(state);
      this.failed = false;
    } catch (err) {
      if (!this.failed) this.log(`groundwatch: cannot notify the service manager: ${err instanceof Error ? err.message : String(err)}`);
      this.failed = true;
    }
  }
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
