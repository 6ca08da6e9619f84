/**
 * Checkpoints and signed notes against independent oracles: a real checkpoint
 * of the Go checksum database (sum.golang.org, tree size 63096908, signed by
 * its published key), Python's `cryptography` package (Ed25519 over the note
 * text, key ID recomputed with hashlib) and OpenSSL's pkeyutl on the raw
 * signature. The CVE-2023-31439 case: a signature over one size must never
 * vouch for another.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatCheckpoint, parseCheckpoint } from '../../src/integrity/checkpoint.js';
import { leafHash, rootOf } from '../../src/integrity/merkle.js';
import { encodeSignerKey, encodeVerifierKey, generateSigner, parseSignerKey, parseVerifierKey } from '../../src/integrity/note-keys.js';
import { verifyNote } from '../../src/integrity/signed-note.js';

/** Published verifier key of sum.golang.org (cmd/go's built-in default) and one checkpoint it signed. */
const SUMDB_KEY = 'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8';
const SUMDB_CHECKPOINT =
  'go.sum database tree\n63096908\n8lHrQPRYe4KT4WQ9/Qk8/taKnD6IRHbFgfN7vQE2Y54=\n\n' +
  '\u2014 sum.golang.org Az3gri/oVBN1jAhNZ/iS+W31psFAWRT20/GyrhpU6taFwulQGetBkH5S7wpGXdS935jiIGiUUAXBVHzT/P6fYhqAmAk=\n';

const root = rootOf([leafHash(Buffer.from('a')), leafHash(Buffer.from('b')), leafHash(Buffer.from('c'))]);

describe('a real sum.golang.org checkpoint', () => {
  it('parses and its signature verifies with the published key', () => {
    const cp = parseCheckpoint(SUMDB_CHECKPOINT);
    expect(cp.origin).toBe('go.sum database tree');
    expect(cp.size).toBe(63096908);
    expect(verifyNote(cp, parseVerifierKey(SUMDB_KEY))).toEqual({ ok: true });
  });
  it('fails once its tree size is changed', () => {
    const cp = parseCheckpoint(SUMDB_CHECKPOINT.replace('63096908', '63096909'));
    expect(verifyNote(cp, parseVerifierKey(SUMDB_KEY))).toEqual({ ok: false, reason: 'bad_signature' });
  });
  it('refuses a verifier key whose stated ID does not match its name and key', () => {
    expect(() => parseVerifierKey(SUMDB_KEY.replace('033de0ae', '033de0af'))).toThrow(/key ID/);
  });
});

describe('groundwatch checkpoints', () => {
  const signer = generateSigner('groundwatch/test-box');

  it('round-trip through the signer key text and verify with the verifier key text', () => {
    const again = parseSignerKey(encodeSignerKey(signer));
    const note = formatCheckpoint({ origin: signer.name, size: 3, root }, [again]);
    const cp = parseCheckpoint(note);
    expect(cp.size).toBe(3);
    expect(cp.root.equals(root)).toBe(true);
    expect(verifyNote(cp, parseVerifierKey(encodeVerifierKey(signer)))).toEqual({ ok: true });
  });

  it('are checked by Python cryptography (Ed25519 over the note text, key ID by hashlib)', () => {
    const note = formatCheckpoint({ origin: signer.name, size: 3, root }, [signer]);
    const py = String.raw`
import sys, base64, hashlib
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
vkey, note = sys.argv[1], sys.argv[2]
name, keyhash, data = vkey.split('+', 2)
raw = base64.b64decode(data)
assert raw[0] == 1 and len(raw) == 33
assert hashlib.sha256(name.encode() + b'\n' + raw).digest()[:4].hex() == keyhash
text, sigs = note.rsplit('\n\n', 1)
text += '\n'
line = sigs.strip('\n').split('\n')[0]
assert line.startswith('\u2014 ' + name + ' ')
sig = base64.b64decode(line.split(' ')[2])
assert sig[:4].hex() == keyhash
lines = text.split('\n')
Ed25519PublicKey.from_public_bytes(raw[1:]).verify(sig[4:], text.encode())
print(lines[0], lines[1], base64.b64decode(lines[2]).hex())
`;
    const out = execFileSync('python3', ['-c', py, encodeVerifierKey(signer), note], { encoding: 'utf8' });
    expect(out.trim()).toBe(`${signer.name} 3 ${root.toString('hex')}`);
    // The same script must reject a note whose size was changed after signing.
    expect(() => execFileSync('python3', ['-c', py, encodeVerifierKey(signer), note.replace('\n3\n', '\n4\n')], { stdio: 'pipe' })).toThrow();
  });

  it('are checked by openssl pkeyutl -verify -rawin on the raw signature', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-cp-'));
    const note = formatCheckpoint({ origin: signer.name, size: 3, root }, [signer]);
    const cp = parseCheckpoint(note);
    writeFileSync(join(dir, 'text'), cp.text);
    writeFileSync(join(dir, 'sig'), cp.signatures[0]?.signature ?? Buffer.alloc(0));
    writeFileSync(join(dir, 'pub.pem'), signer.key.export({ format: 'pem', type: 'spki' }));
    const out = execFileSync('openssl', ['pkeyutl', '-verify', '-rawin', '-pubin', '-inkey', join(dir, 'pub.pem'), '-in', join(dir, 'text'), '-sigfile', join(dir, 'sig')], { encoding: 'utf8' });
    expect(out).toMatch(/Signature Verified Successfully/);
  });

  it('never accept an older signature replayed over a new tree size and root (CVE-2023-31439)', () => {
    const old = formatCheckpoint({ origin: signer.name, size: 3, root }, [signer]);
    const newer = rootOf([leafHash(Buffer.from('a')), leafHash(Buffer.from('b')), leafHash(Buffer.from('c')), leafHash(Buffer.from('d'))]);
    const sigLines = old.slice(old.indexOf('\n\n') + 2);
    const forged = `${signer.name}\n4\n${newer.toString('base64')}\n\n${sigLines}`;
    const cp = parseCheckpoint(forged);
    expect(cp.size).toBe(4);
    expect(verifyNote(cp, signer)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('ignore a signature by another key, and say the given key did not sign', () => {
    const other = generateSigner('groundwatch/test-box');
    const note = formatCheckpoint({ origin: signer.name, size: 3, root }, [other]);
    expect(verifyNote(parseCheckpoint(note), signer)).toEqual({ ok: false, reason: 'no_signature_from_key' });
  });

  it('unsigned: the text and a blank line, parsed with no signature', () => {
    const cp = parseCheckpoint(formatCheckpoint({ origin: 'groundwatch/unsigned', size: 0, root: rootOf([]) }, []));
    expect(cp.signatures).toEqual([]);
    expect(cp.size).toBe(0);
  });

  it('refuse sizes with leading zeros, bad base64 roots and missing lines', () => {
    expect(() => parseCheckpoint(`o\n03\n${root.toString('base64')}\n\n`)).toThrow(/leading zeros/);
    expect(() => parseCheckpoint('o\n3\nAAAA\n\n')).toThrow(/32 bytes/);
    expect(() => parseCheckpoint('o\n3\n\n')).toThrow();
  });
});
