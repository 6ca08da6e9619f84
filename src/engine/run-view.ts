/**
 * What the stats record, the replay summary, the monitor's start line and a
 * SIGHUP reload may see of a run: each reads a few parts of the Session and
 * nothing else, so a change inside Session cannot reach them by accident.
 * A Session is each of these views (checked where it is passed).
 */
import type { Counters } from '../counters.js';
import type { FlowJudge } from '../detect/judge.js';
import type { GeoResolver } from '../enrich/index.js';
import type { StoredCheckpoint } from '../integrity/log-store.js';
import type { Pipeline } from '../pipeline.js';
import type { CaptureRun } from '../records/ecs.js';
import type { RuleSet } from '../rules/types.js';
import type { AlertCollector } from './alert-collector.js';

/** The periodic and final `groundwatch.stats` record. */
export interface StatsView {
  readonly counters: Counters;
  readonly pipeline: Readonly<Pick<Pipeline, 'now' | 'flows' | 'otherConversations'>>;
  readonly collector: Readonly<Pick<AlertCollector, 'total'>>;
  /** GeoIP databases and the age past which they are stale (the record says which are). */
  readonly geo: Pick<GeoResolver, 'databases'>;
  readonly geoipMaxAgeDays: number;
  readonly run: Readonly<Pick<CaptureRun, 'id'>>;
}

/**
 * The store's integrity log as the summary and the start line see it: the last checkpoint this
 * run wrote and the key's name (an IntegrityLog in-thread, a copy kept from the writer thread's messages).
 */
export interface IntegrityView {
  readonly lastWritten: StoredCheckpoint | undefined;
  readonly signer: { readonly name: string } | undefined;
}

/** The end-of-replay text summary. */
export interface SummaryView {
  readonly counters: Counters;
  readonly run: Readonly<Pick<CaptureRun, 'tool_version' | 'mode' | 'sources'>>;
  readonly pipeline: Readonly<Pick<Pipeline, 'otherConversations'>>;
  readonly collector: Readonly<Pick<AlertCollector, 'total'>>;
  readonly rules: Readonly<Pick<RuleSet, 'rulesets'>>;
  readonly geo: Pick<GeoResolver, 'databases'>;
  readonly integrity?: IntegrityView | undefined;
}

/** The monitor's one start line. */
export interface StartLineView {
  readonly run: Readonly<Pick<CaptureRun, 'rules'>>;
  readonly geo: Pick<GeoResolver, 'databases'>;
  readonly integrity?: Pick<IntegrityView, 'signer'> | undefined;
}

/** SIGHUP: the only things a reload changes (rule engine, GeoIP) and counts. */
export interface ReloadTarget {
  readonly counters: Pick<Counters, 'inc'>;
  readonly judge: Pick<FlowJudge, 'setEngine'>;
  readonly geo: Pick<GeoResolver, 'reload'>;
}
