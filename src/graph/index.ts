/**
 * The graph API (`flowdigest/graph`): views, DOT/SVG/HTML output, labels for people, reading
 * DOT back, and diffs.
 */
export { applyView } from './views.js';
export {
  writeGraph,
  writeView,
  dotToString,
  svgToString,
  htmlToString,
  GRAPH_FORMATS,
  GRAPHLIB_MAX_EDGES,
} from './graph.js';
export { renderHtml, renderDiffHtml, escapeHtml, jsonForScript } from './html.js';
export type { HtmlOptions } from './html.js';
export { renderSvg, SVG_SLOW_EDGES, GRAPH_MAX_EDGES, checkGraphSize } from './svg.js';
export { graphTitle } from './title.js';
export { readGraphInput } from './input.js';
export type { InputFormat, ReadGraphInputOptions } from './input.js';
export { diffDigests, diffInputs } from './diff.js';
export { writeDiff, diffToString, diffModel, DIFF_FORMATS } from './diff-output.js';
export type { DiffStyleOptions } from './diff-output.js';
export { parseCidr, parseIp, formatIp, cidrContains, PRIVATE_RANGES } from './cidr.js';
export type { Cidr, IpAddress } from './cidr.js';
export { INTERNET_NODE } from './collapse.js';
export {
  LABEL_STYLES,
  formatBytes,
  formatBytesDelta,
  formatCount,
  formatFlows,
  protocolName,
  serviceName,
  servicePort,
  serviceLabel,
  edgeLabel,
  displayAddress,
} from './labels.js';
export type { LabelStyle } from './labels.js';
export { COLOURS, LEGEND_NODE } from './look.js';
export type {
  GraphFormat,
  ClusterBy,
  GraphViewOptions,
  GraphStyleOptions,
  GraphOptions,
  GraphView,
  DiffOptions,
  DigestDiff,
  DiffFormat,
} from './types.js';
