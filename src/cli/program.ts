import { Command } from 'commander';
import { TOOL_VERSION } from '../engine/version.js';
import { GeoResolver } from '../enrich/index.js';
import { registerAlertsCommands } from './alerts-command.js';
import { registerDnsCommands } from './dns-command.js';
import { registerFlowsCommands } from './flows-command.js';
import { registerGapsCommands } from './gaps-command.js';
import { registerRunsCommands } from './runs-command.js';
import { registerGeoipCommands } from './geoip-command.js';
import { registerInterfacesCommand } from './interfaces-command.js';
import { registerKeysCommands } from './keys-command.js';
import { registerMonitorCommand } from './monitor-command.js';
import { registerOutboxCommands } from './outbox-command.js';
import { registerReplayCommand } from './replay-command.js';
import { registerReportCommand } from './report-command.js';
import { registerRulesCommands } from './rules-command.js';
import { registerVerifyCommand } from './verify-command.js';
import { registerStatusCommand } from './status-command.js';

export function buildProgram(): Command {
  const program = new Command('groundwatch')
    .version(TOOL_VERSION)
    .description(
      'Network egress monitor for drone ground-control traffic: records, flow by flow, where the flight ' +
        "app's traffic goes (name, country, network operator) and alerts on flows to Chinese servers and DJI endpoints.",
    )
    .configureHelp({ sortSubcommands: false });
  registerReplayCommand(program);
  registerMonitorCommand(program);
  registerInterfacesCommand(program);
  registerRunsCommands(program);
  registerFlowsCommands(program);
  registerDnsCommands(program);
  registerAlertsCommands(program);
  registerGapsCommands(program);
  registerRulesCommands(program, { openGeo: (dir?: string) => GeoResolver.open(dir ? { dir } : {}) });
  registerGeoipCommands(program);
  registerOutboxCommands(program);
  registerVerifyCommand(program);
  registerKeysCommands(program);
  registerStatusCommand(program);
  registerReportCommand(program);
  return program;
}
