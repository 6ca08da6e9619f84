export { parseHttpRequestHead, MAX_HTTP_HEAD, type HttpRequestHead } from './http-request-head.js';
export { looksLikeHttpRequest, HTTP_METHODS } from './http-methods.js';
export { normaliseHost, type HostValue } from './http-host.js';
export { httpAnalyzer } from './analyzer.js';
