export { parseClientHello, tlsVersionName, type ClientHelloInfo } from './client-hello.js';
export { isGrease } from './extensions.js';
export { TlsClientHelloAssembler, looksLikeTls, type TlsAssemblerOptions } from './record-assembler.js';
export { decodeWireText } from './wire-text.js';
