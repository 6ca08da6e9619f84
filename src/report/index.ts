/** The report: a ReportModel built from the store or a replay, written as HTML or JSON. */
export { ReportBuilder, type ReportContext } from './builder.js';
export { reportFromStore, type StoreReportOptions } from './from-store.js';
export { ReportSink, type SessionFacts } from './report-sink.js';
export { renderReportHtml, REPORT_CSP } from './html/render.js';
export { reportSchema, reportJsonSchema, type ReportModel } from './schema.js';
export { writeReport, REPORT_FORMATS, type ReportFormat } from './write.js';
