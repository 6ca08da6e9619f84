import { describe, expect, it, vi } from 'vitest';
import { AlertSuppressor } from '../../src/alerts/index.js';
import { Counters } from '../../src/counters.js';
import { FlowJudge } from '../../src/detect/judge.js';
import { Flow } from '../../src/flow/flow.js';
import type { AlertRecord } from '../../src/records/ecs.js';
import { engineFor } from '../rules/helpers.js';

function newFlow(): Flow {
  return new Flow({ key: 'k', seq: 1, protocol: 6, transport: 'tcp', clientIp: '192.168.1.10', clientPort: 50000, serverIp: '192.0.2.1', serverPort: 443, startSeen: true, orientation: 'syn', tsSec: 1, tsNsec: 0, ts: 1 });
}

async function setup() {
  const engine = await engineFor([
    { id: 't.name', match: { domain_suffix: ['dji.com'] } },
    { id: 't.unknown', match: { name_unknown: ['no_handshake_seen'] } },
  ]);
  const alerts: AlertRecord[] = [];
  const judge = new FlowJudge(engine, new AlertSuppressor({ windowSec: 0 }), { alert: (r) => alerts.push(r), repeat: () => undefined }, new Counters());
  return { engine, judge, alerts, match: vi.spyOn(engine, 'matchFlow') };
}

describe('FlowJudge', () => {
  it('does not run the rules again when nothing they can see has changed', async () => {
    const { judge, match } = await setup();
    const flow = newFlow();
    judge.judgeFlow(flow, 'first_packet');
    judge.judgeFlow(flow, 'flow_end');
    expect(match).toHaveBeenCalledTimes(1);
  });

  it('judges again when a name arrives, when the name is declared unknown, and after a rule reload', async () => {
    const { engine, judge, alerts, match } = await setup();
    const flow = newFlow();
    judge.judgeFlow(flow, 'first_packet');
    flow.attribution.host = 'flysafe-api.dji.com';
    flow.attribution.source = 'tls_sni';
    flow.attribution.names.push({ host: 'flysafe-api.dji.com', source: 'tls_sni', ts: 1 });
    judge.judgeFlow(flow, 'tls_sni');
    expect(alerts.map((a) => a.rule.id)).toEqual(['t.name']);

    const unnamed = newFlow();
    judge.judgeFlow(unnamed, 'first_packet');
    unnamed.attribution.unknownReason = 'no_handshake_seen';
    judge.judgeFlow(unnamed, 'flow_end');
    expect(alerts.map((a) => a.rule.id)).toEqual(['t.name', 't.unknown']);

    judge.setEngine(engine);
    judge.judgeFlow(flow, 'flow_end');
    expect(match).toHaveBeenCalledTimes(5);
  });
});
