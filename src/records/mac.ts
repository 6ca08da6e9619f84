/**
 * MAC addresses as ECS writes them: `02-00-00-00-02-14`, upper case, hyphens
 * (ECS `source.mac` pattern `^[A-F0-9]{2}(-[A-F0-9]{2}){5,}$`). Input may use
 * either separator and any case: the decoder, rule packs and users write colons.
 */
import { isMac } from '../address/mac.js';

/** Every flow and DNS record converts its MACs, and a network has few: converted ones are kept (bounded). */
const converted = new Map<string, string>();
const CONVERTED_MAX = 1024;

/** The ECS form of a 48-bit MAC written with ':' or '-', or undefined when the text is not one. */
export function ecsMac(text: string): string | undefined {
  const known = converted.get(text);
  if (known !== undefined) return known;
  const t = text.trim();
  if (!isMac(t)) return undefined;
  const ecs = t.toUpperCase().replace(/:/g, '-');
  if (converted.size >= CONVERTED_MAX) converted.clear();
  converted.set(text, ecs);
  return ecs;
}

/** The form stores written before ECS conformance held (`02:00:00:00:02:14`), still matched on read. */
export function legacyStoredMac(text: string): string | undefined {
  return ecsMac(text)?.toLowerCase().replace(/-/g, ':');
}

/** `{ mac }` in ECS form when the MAC is known (and is one): records carry no undefined keys. */
export function macField(mac: string | undefined): { mac?: string } {
  const ecs = mac === undefined ? undefined : ecsMac(mac);
  return ecs ? { mac: ecs } : {};
}
