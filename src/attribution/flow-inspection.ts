/** What the attributor keeps per flow (in Flow.inspection): which analyzer follows it, and how far. */
import type { TcpStreamAssembler } from '../flow/tcp-stream.js';
import type { AnalyzerSession } from './analyzer.js';

export class FlowInspection {
  /** The analyzer following the flow; undefined until one claims or recognises it. */
  session: AnalyzerSession | undefined = undefined;
  /** The session claimed the flow at its start and sees every packet. */
  claimed = false;
  /** The client's TCP bytes in order: what stream analyzers are recognised on and fed. */
  clientStream: TcpStreamAssembler | undefined = undefined;
  /** Nothing more to inspect: the analyzer is done, the stream hit its bound, or no analyzer knows the flow. */
  done = false;
  /** The name question is answered (found, or nothing more will come): rules may judge the flow. */
  settled = false;
}
