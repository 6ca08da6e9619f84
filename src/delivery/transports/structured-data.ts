/**
 * RFC 5424 §6.3 structured data: one SD-ELEMENT `[SD-ID PARAM="VALUE" ...]`.
 * Inside PARAM-VALUE, `"`, `\` and `]` MUST be escaped with a backslash
 * (§6.3.3); nothing else may be (a backslash before any other character is
 * taken literally). A newline is legal there and octet-counted framing keeps it
 * from ending the message, so a hostile name reaches the receiver unchanged.
 * SD-NAMEs are 1..32 printable US-ASCII characters other than `=`, space,
 * `]` and `"`.
 */

const SD_NAME = /^[\x21-\x7e]{1,32}$/;
const SD_NAME_FORBIDDEN = /[= \]"]/;

export function isSdName(name: string): boolean {
  return SD_NAME.test(name) && !SD_NAME_FORBIDDEN.test(name);
}

export function escapeParamValue(value: string): string {
  return value.replace(/["\\\]]/g, (c) => `\\${c}`);
}

/** One SD-ELEMENT; parameters whose name is not a valid SD-NAME are left out (the JSON in MSG still has them). */
export function sdElement(sdId: string, params: Readonly<Record<string, string>>): string {
  if (!isSdName(sdId)) throw new Error(`invalid SD-ID ${JSON.stringify(sdId)}`);
  let out = `[${sdId}`;
  for (const [name, value] of Object.entries(params)) {
    if (!isSdName(name)) continue;
    out += ` ${name}="${escapeParamValue(toWellFormed(value))}"`;
  }
  return `${out}]`;
}

/** PARAM-VALUE must be UTF-8: a lone surrogate would become bytes that are not. */
function toWellFormed(value: string): string {
  return value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}
