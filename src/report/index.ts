// The report layer: pure functions of a ScanReport (no I/O, no clock). The CLI, the MCP tools and the Action render through here.

export {
  type BatchError,
  BatchErrorSchema,
  type BatchFormat,
  type BatchReport,
  BatchReportSchema,
  type BatchShard,
  BatchShardSchema,
  batchExitCode,
  batchReportJsonSchema,
  parseBatchReport,
  renderBatch,
  toBatchJson,
  toBatchMarkdown,
  toBatchPretty,
  toBatchSarif,
  toBatchSarifJson,
} from './batch.js';
export { findingSecurityScore, neutralizeControls, SECURITY_SEVERITY } from './format.js';
export { batchGateCode, batchGateLine, type FailOn, type GateCode, gateCode, gateLine, gateSentence, gatingFindings } from './gate.js';
export { type HtmlFixProvider, type HtmlOptions, scriptSafeJson, toHtml, viewHtml } from './html.js';
export {
  buildInventory,
  FleetServiceSchema,
  type Inventory,
  type InventoryFormat,
  InventorySchema,
  inventoryJsonSchema,
  parseInventory,
  productSummary,
  renderInventory,
  toInventoryCsv,
  toInventoryJson,
  toInventoryMarkdown,
  toInventoryPretty,
} from './inventory.js';
export { parseScanReport, SCAN_REPORT_SCHEMA_PATH, scanReportJsonSchema, scanReportJsonSchemaText, toJson } from './json.js';
export { escapeMarkdown, type MarkdownOptions, toMarkdown } from './markdown.js';
export { MergeError, mergeBatches, mergeInventories } from './merge.js';
export { type PrettyOptions, toPretty } from './pretty.js';
export { type RenderOptions, type ReportFormat, renderReport } from './render.js';
export {
  defaultRuleHelp,
  FINGERPRINT_KEY,
  GATECRASH_INFORMATION_URI,
  type HelpProvider,
  type RuleHelp,
  type SarifLog,
  type SarifOptions,
  sarifLevel,
  toSarif,
  toSarifJson,
} from './sarif.js';
export { EvidenceMessageSchema, EvidenceSchema, FindingSchema, FingerprintSchema, RuleResultSchema, ScanReportSchema } from './schema.js';
export { VIEW_DATA_ELEMENT_ID, VIEW_RESOURCE_URI, type ViewFix, type ViewPayload } from './view-payload.js';
