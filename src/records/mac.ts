/**
 * MAC addresses as ECS writes them: `02-00-00-00-02-14`, upper case, hyphens
 * (ECS `source.mac` pattern `^[A-F0-9]{2}(-[A-F0-9]{2}){5,}$`). Input may use
 * either separator and any case: the decoder, rule packs and users write colons.
 */
import { isMac } from '../address/mac.js';

/** The ECS form of a 48-bit MAC written with ':' or '-', or undefined when the text is not one. */
export function ecsMac(text: string): string | undefined {
  const t = text.trim();
  return isMac(t) ? t.toUpperCase().replace(/:/g, '-') : undefined;
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
