/**
 * RELP frames (librelp doc/relp.md, "RELP FRAME"):
 *
 *   RELP-FRAME = TXNR SP COMMAND SP DATALEN [SP DATA] LF
 *   TXNR = 1*9DIGIT, COMMAND = 1*32ALPHA, DATALEN = 1*9DIGIT (octets in DATA)
 *
 * The parser is incremental (frames arrive split or glued together) and never
 * throws: anything off-grammar ends parsing with a reason, and the caller
 * closes the connection, as the spec's error handling requires.
 */

export interface RelpFrame {
  readonly txnr: number;
  readonly command: string;
  readonly data: Buffer;
}

export function encodeRelpFrame(txnr: number, command: string, data: Buffer | string = Buffer.alloc(0)): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const header = body.length === 0 ? `${txnr} ${command} 0` : `${txnr} ${command} ${body.length} `;
  return Buffer.concat([Buffer.from(header, 'ascii'), body, Buffer.from('\n', 'ascii')]);
}

export interface RelpParseResult {
  readonly frames: RelpFrame[];
  /** Set once the stream left the grammar; the parser then accepts nothing more. */
  readonly error?: string;
}

const SP = 0x20;
const LF = 0x0a;
const MAX_DIGITS = 9;
const MAX_COMMAND = 32;

type State = 'txnr' | 'command' | 'datalen' | 'afterDatalen' | 'data' | 'trailer';

export class RelpFrameParser {
  private state: State = 'txnr';
  private digits = '';
  private command = '';
  private txnr = 0;
  private dataLength = 0;
  private data: Buffer[] = [];
  private dataReceived = 0;
  private failure: string | undefined;

  /** @param maxDataLength frames announcing more DATA than this are refused (a DoS guard, spec "Maximum DATALEN"). */
  constructor(private readonly maxDataLength: number = 128 * 1024) {}

  get failed(): string | undefined {
    return this.failure;
  }

  push(chunk: Buffer): RelpParseResult {
    const frames: RelpFrame[] = [];
    if (this.failure) return { frames, error: this.failure };
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'data') {
        const take = Math.min(this.dataLength - this.dataReceived, chunk.length - i);
        this.data.push(chunk.subarray(i, i + take));
        this.dataReceived += take;
        i += take;
        if (this.dataReceived === this.dataLength) this.state = 'trailer';
        continue;
      }
      const byte = chunk[i]!;
      i += 1;
      const problem = this.step(byte, frames);
      if (problem) {
        this.failure = problem;
        return { frames, error: problem };
      }
    }
    return { frames };
  }

  /** One header or trailer byte; returns a reason when the stream is not RELP. */
  private step(byte: number, frames: RelpFrame[]): string | undefined {
    switch (this.state) {
      case 'txnr':
        if (isDigit(byte)) return this.digit(byte, 'TXNR');
        if (byte !== SP || this.digits === '') return `bad TXNR (byte ${describe(byte)})`;
        this.txnr = Number(this.digits);
        this.digits = '';
        this.state = 'command';
        return undefined;
      case 'command':
        if (isAlpha(byte)) {
          if (this.command.length === MAX_COMMAND) return 'COMMAND longer than 32 letters';
          this.command += String.fromCharCode(byte);
          return undefined;
        }
        if (byte !== SP || this.command === '') return `bad COMMAND (byte ${describe(byte)})`;
        this.state = 'datalen';
        return undefined;
      case 'datalen':
        if (isDigit(byte)) return this.digit(byte, 'DATALEN');
        if (this.digits === '') return `bad DATALEN (byte ${describe(byte)})`;
        this.dataLength = Number(this.digits);
        this.digits = '';
        if (this.dataLength > this.maxDataLength) return `DATALEN ${this.dataLength} over the limit of ${this.maxDataLength}`;
        if (byte === LF && this.dataLength === 0) return this.emit(frames);
        if (byte !== SP) return `bad DATALEN (byte ${describe(byte)})`;
        // With DATALEN 0 there is no DATA; some peers still put the space, then LF follows.
        this.state = this.dataLength === 0 ? 'trailer' : 'data';
        return undefined;
      case 'trailer':
        if (byte !== LF) return `frame ${this.txnr} ${this.command}: DATA longer than DATALEN ${this.dataLength} (no LF trailer)`;
        return this.emit(frames);
      default:
        return `parser in state ${this.state}`;
    }
  }

  private digit(byte: number, field: string): string | undefined {
    if (this.digits.length === MAX_DIGITS) return `${field} longer than 9 digits`;
    this.digits += String.fromCharCode(byte);
    return undefined;
  }

  private emit(frames: RelpFrame[]): undefined {
    frames.push({ txnr: this.txnr, command: this.command, data: Buffer.concat(this.data) });
    this.state = 'txnr';
    this.command = '';
    this.data = [];
    this.dataLength = 0;
    this.dataReceived = 0;
    return undefined;
  }
}

export interface RelpResponse {
  /** 200 OK, 500 error, anything else an error too. */
  readonly code: number;
  readonly message: string;
  /** What follows the first LF (for open: the accepted offers). */
  readonly body: string;
}

/** RSP data: `RSP-CODE [SP HUMANMSG] LF [CMDDATA]`, or undefined when it does not start with a 3-digit code. */
export function parseRelpResponse(data: Buffer): RelpResponse | undefined {
  const text = data.toString('utf8');
  const lf = text.indexOf('\n');
  const head = lf === -1 ? text : text.slice(0, lf);
  const match = /^([0-9]{3})(?: (.*))?$/s.exec(head);
  if (!match) return undefined;
  return { code: Number(match[1]), message: match[2] ?? '', body: lf === -1 ? '' : text.slice(lf + 1) };
}

/** Offers `name=value,value` one per line (the open command's data and its response body). */
export function parseRelpOffers(text: string): Map<string, string[]> {
  const offers = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const eq = line.indexOf('=');
    const name = eq === -1 ? line : line.slice(0, eq);
    offers.set(name, eq === -1 ? [] : line.slice(eq + 1).split(','));
  }
  return offers;
}

function isDigit(byte: number): boolean {
  return byte >= 0x30 && byte <= 0x39;
}

function isAlpha(byte: number): boolean {
  return (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a);
}

function describe(byte: number): string {
  return byte >= 0x21 && byte <= 0x7e ? JSON.stringify(String.fromCharCode(byte)) : `0x${byte.toString(16).padStart(2, '0')}`;
}
