/**
 * Records a sink had to drop are said once per sink on stderr, as they
 * start; the running count is in the stats records (sink.<name>.dropped).
 */
export type DropReport = (sink: string, count: number) => void;

export function dropReporter(warn: (line: string) => void): DropReport {
  const said = new Set<string>();
  return (sink) => {
    if (said.has(sink)) return;
    said.add(sink);
    warn(`groundwatch: SINK_FAILED: sink ${sink}: records are being dropped (it is failing or cannot keep up); every loss is counted in stats as sink.${sink}.dropped`);
  };
}
