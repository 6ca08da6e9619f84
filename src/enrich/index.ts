export { GeoResolver, DEFAULT_GEO_CACHE_SIZE, type GeoOptions, type GeoDatabaseInfo } from './geo-resolver.js';
export { watchGeoDir, type GeoWatchOptions } from './watch.js';
export { classifySpecial, specialRangeOf } from './special-ranges.js';
export { OperatorTable, type OperatorInfo } from './operators.js';
export { buildAsnMmdb, ensureAsnMmdb, dataEpochFromVersion, ASN_DB_TYPE } from './asn-build.js';
