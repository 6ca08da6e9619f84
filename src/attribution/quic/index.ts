export { deriveInitialSecrets, type InitialSecrets, type PacketKeys } from './initial-secrets.js';
export {
  QUIC_REASONS_COUNTED_HERE,
  QUIC_TRACKER_DEFAULTS,
  QuicInitialTracker,
  type QuicInitialInfo,
  type QuicTrackerOptions,
} from './initial-tracker.js';
export { looksLikeQuicInitial } from './looks-like.js';
export { QUIC_V1, QUIC_V2, quicVersionName, quicVersionParams } from './versions.js';
export { quicAnalyzer } from './analyzer.js';
