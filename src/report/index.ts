/**
 * flowdigest/report: the answers security teams ask of flow logs (talkers, rejected traffic,
 * exposed services, probes, new tuples) as data, JSON, text or an HTML page.
 */
export { report, readReportInputs, reportToHtml } from './report.js';
export { reportToText, TEXT_WIDTH } from './text.js';
export type { ReportHtmlOptions } from './html.js';
export type { ReportRunOptions } from './report.js';
export { buildReport, INTERNAL_RANGES, servicePortsOf, TRAFFIC_FIELDS } from './model.js';
export { reportToJson } from './json.js';
export type {
  Count,
  Ranked,
  Report,
  ReportExposed,
  ReportNewTuple,
  ReportOptions,
  ReportProbe,
  ReportRejectedPort,
  ReportRejectedSource,
  ReportTalker,
  ReportTotals,
  ReportTraffic,
  ReportTrafficGroup,
  ReportWindow,
} from './types.js';
