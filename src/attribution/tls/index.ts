export { parseClientHello, tlsVersionName, type ClientHelloInfo } from './client-hello.js';
export { isGrease } from './extensions.js';
export { TLS_REASONS_COUNTED_HERE, TlsClientHelloAssembler, looksLikeTls, type TlsAssemblerOptions } from './record-assembler.js';
export { decodeWireText } from './wire-text.js';
export { tlsAnalyzer } from './analyzer.js';
