/** Commander argument parser for a repeatable flag (`--deliver a --deliver b`): collects the values in order. */
export function collectRepeated(value: string, previous: string[]): string[] {
  return [...previous, value];
}
