/** Replay defaults the CLI shows in its help: apart from replay.ts so registering the command loads no pipeline. */
export const DEFAULT_DELIVER_TIMEOUT_MS = 30_000;
