// The report layer: pure functions of a ScanReport (no I/O, no clock). The CLI, the MCP tools and the Action render through here.
export { ScanReportSchema, FindingSchema, FingerprintSchema, EvidenceSchema, EvidenceMessageSchema, RuleResultSchema } from './schema.js';
export { toJson, parseScanReport, scanReportJsonSchema, scanReportJsonSchemaText, SCAN_REPORT_SCHEMA_PATH } from './json.js';
export {
  toSarif,
  toSarifJson,
  sarifLevel,
  defaultRuleHelp,
  FINGERPRINT_KEY,
  GATECRASH_INFORMATION_URI,
  type SarifLog,
  type SarifOptions,
  type RuleHelp,
  type HelpProvider,
} from './sarif.js';
export { toMarkdown, escapeMarkdown, type MarkdownOptions } from './markdown.js';
export { toPretty, type PrettyOptions } from './pretty.js';
export { toHtml, viewHtml, scriptSafeJson, type HtmlOptions, type HtmlFixProvider } from './html.js';
export { VIEW_RESOURCE_URI, VIEW_DATA_ELEMENT_ID, type ViewPayload, type ViewFix } from './view-payload.js';
export { SECURITY_SEVERITY, findingSecurityScore, neutralizeControls } from './format.js';
export {
  BatchReportSchema,
  BatchErrorSchema,
  toBatchJson,
  toBatchSarif,
  toBatchSarifJson,
  toBatchMarkdown,
  toBatchPretty,
  renderBatch,
  batchExitCode,
  parseBatchReport,
  batchReportJsonSchema,
  type BatchReport,
  type BatchError,
  type BatchShard,
  BatchShardSchema,
  type BatchFormat,
} from './batch.js';
export {
  InventorySchema,
  FleetServiceSchema,
  buildInventory,
  parseInventory,
  inventoryJsonSchema,
  toInventoryJson,
  toInventoryCsv,
  toInventoryMarkdown,
  toInventoryPretty,
  renderInventory,
  productSummary,
  type Inventory,
  type InventoryFormat,
} from './inventory.js';
export { mergeBatches, mergeInventories, MergeError } from './merge.js';
export { gateCode, gateSentence, gateLine, batchGateLine, gatingFindings, batchGateCode, type FailOn, type GateCode } from './gate.js';
export { renderReport, type ReportFormat, type RenderOptions } from './render.js';
