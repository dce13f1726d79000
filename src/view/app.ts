// The view inside an assistant (MCP Apps). The host shows it for a scan_endpoint or verify_fix call and hands it the
// tool's result; the view reads the full report through the host (the gatecrash://scans/{id} resource), and asks the
// tools for fixes (suggest_remediation) and verdicts (verify_fix) when the user does. It follows the host's theme, style
// variables and container size, and tells the host its own size.
import type { McpUiHostCapabilities, McpUiHostContext, McpUiInitializeResult } from '@modelcontextprotocol/ext-apps';
import type { Finding, ScanReport } from '../engine/types.js';
import type { ViewFix, ViewVerifyResult } from '../report/view-payload.js';
import type { FixChoice, ViewActions } from './actions.js';
import { type Bridge, BridgeError, connectHost, PROTOCOL_VERSION } from './bridge.js';
import { h, untrusted } from './dom.js';
import { frameworkName } from './fix-panel.js';
import { renderReport } from './report.js';
import { applyHostContext, reportSize } from './theme.js';
import { renderVerdictsOnly } from './verify-panel.js';

declare const __GATECRASH_VERSION__: string;

/** Scan ids are the engine's UUIDs; anything else never becomes part of a resource URI. */
const SCAN_ID = /^[A-Za-z0-9-]{1,100}$/;
const FIX_TIMEOUT_MS = 60_000;

interface ToolResult {
  content?: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const textOf = (r: ToolResult): string =>
  (r.content ?? [])
    .map((c) => (c.type === 'text' && typeof c.text === 'string' ? c.text : ''))
    .join('\n')
    .trim();

function isReport(v: unknown): v is ScanReport {
  return (
    isRecord(v) &&
    isRecord(v.target) &&
    Array.isArray(v.findings) &&
    Array.isArray(v.rules) &&
    isRecord(v.verdict) &&
    isRecord(v.fingerprint) &&
    v.findings.every((f) => isRecord(f) && isRecord(f.evidence) && isRecord(f.endpoint))
  );
}

function isVerifyResult(v: unknown): v is ViewVerifyResult & Record<string, unknown> {
  return isRecord(v) && typeof v.previousScanId === 'string' && Array.isArray(v.verdicts) && isRecord(v.summary);
}

function status(root: HTMLElement, text: string, alert = false): void {
  root.replaceChildren(h('p', { class: alert ? 'status alert' : 'status', role: alert ? 'alert' : 'status' }, untrusted(text)));
}

class HostSession {
  capabilities: McpUiHostCapabilities = {};
  context: McpUiHostContext = {};
  /** The framework each finding's first fix came for: its own stack, listed first. */
  private readonly recommended = new Map<string, string>();

  constructor(private readonly bridge: Bridge) {}

  async callTool(name: string, args: Record<string, unknown>, timeoutMs?: number): Promise<Record<string, unknown>> {
    if (!this.capabilities.serverTools) throw new BridgeError("This assistant does not let the view call Gatecrash's tools: ask the assistant instead.");
    const result = await this.bridge.request<ToolResult>('tools/call', { name, arguments: args }, timeoutMs);
    if (result.isError || !isRecord(result.structuredContent)) throw new BridgeError(textOf(result) || `${name} gave no result.`);
    return result.structuredContent;
  }

  /** The full report of a scan of this session, read through the host. */
  async readScan(scanId: string): Promise<ScanReport> {
    if (!SCAN_ID.test(scanId)) throw new BridgeError('The result names no scan this view can read.');
    if (!this.capabilities.serverResources) throw new BridgeError('This assistant does not let the view read the scan report.');
    const read = await this.bridge.request<{ contents?: { text?: string }[] }>('resources/read', { uri: `gatecrash://scans/${scanId}` });
    const text = read.contents?.[0]?.text;
    const report: unknown = typeof text === 'string' ? JSON.parse(text) : undefined;
    if (!isReport(report)) throw new BridgeError('The scan report the host returned is not a Gatecrash report.');
    return report;
  }

  actions(): ViewActions {
    return {
      fix: async (finding: Finding, framework?: string) => {
        const sc = await this.callTool('suggest_remediation', { finding, ...(framework ? { framework } : {}) }, FIX_TIMEOUT_MS);
        const fix = toViewFix(sc);
        if (!this.recommended.has(finding.id)) this.recommended.set(finding.id, fix.framework);
        const first = this.recommended.get(finding.id);
        const ids = Array.isArray(sc.applicableFrameworks) ? sc.applicableFrameworks.filter((f): f is string => typeof f === 'string') : [fix.framework];
        const choices: FixChoice[] = [...ids].sort((a, b) => Number(b === first) - Number(a === first)).map((f) => ({ framework: f, name: frameworkName(f) }));
        return { fix, choices };
      },
      ...(this.capabilities.serverTools
        ? {
            verify: async (report: ScanReport, findingIds: string[] | null, url: string) => {
              const sc = await this.callTool('verify_fix', { url, previousScan: report.scanId, ...(findingIds ? { findingIds } : {}) });
              if (!isVerifyResult(sc)) throw new BridgeError('verify_fix gave a result this view cannot read.');
              return sc;
            },
          }
        : { verifyHint: 'This assistant does not let the view call verify_fix: ask the assistant to verify the fix.' }),
    };
  }
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}

function toViewFix(sc: Record<string, unknown>): ViewFix {
  const s = (k: string) => (typeof sc[k] === 'string' ? (sc[k] as string) : '');
  if (!s('code')) throw new BridgeError('suggest_remediation gave no code.');
  return {
    framework: s('framework'),
    frameworkName: frameworkName(s('framework')),
    title: s('title'),
    summary: s('summary'),
    language: s('language'),
    file: s('file'),
    code: s('code'),
    apply: strings(sc.apply),
    verify: strings(sc.verify),
    notes: strings(sc.notes),
  };
}

async function showResult(root: HTMLElement, session: HostSession, result: ToolResult): Promise<void> {
  if (result.isError) return status(root, textOf(result) || 'The tool failed.', true);
  const sc = result.structuredContent;
  try {
    if (isVerifyResult(sc)) {
      status(root, 'Reading the scan that was verified…');
      const report = await session.readScan(sc.previousScanId).catch(() => null);
      root.replaceChildren(report ? renderReport(report, 1, { actions: session.actions(), verified: sc }) : renderVerdictsOnly(sc));
      return;
    }
    if (!isRecord(sc) || typeof sc.scanId !== 'string') return status(root, textOf(result) || 'This result holds no scan to show.');
    status(root, 'Reading the report…');
    let report: ScanReport;
    try {
      report = await session.readScan(sc.scanId);
    } catch (e) {
      // A host that cannot read resources may still have handed over the whole report.
      if (!isReport(sc)) throw e;
      report = sc;
    }
    root.replaceChildren(renderReport(report, 1, { actions: session.actions() }));
  } catch (e) {
    status(root, `The report cannot be shown: ${(e as Error).message}`, true);
  }
}

export async function startApp(root: HTMLElement): Promise<void> {
  const bridge = connectHost();
  const session = new HostSession(bridge);
  status(root, 'Waiting for the scan…');
  // Registered before the handshake: the host sends the tool's input and result right after it.
  bridge.on('ui/notifications/host-context-changed', (params) => {
    session.context = { ...session.context, ...params };
    applyHostContext(params as McpUiHostContext);
  });
  bridge.on('ui/notifications/tool-input', (params) => {
    const url = isRecord(params.arguments) ? params.arguments.url : undefined;
    status(root, typeof url === 'string' ? `Scanning ${url}…` : 'Scanning…');
  });
  bridge.on('ui/notifications/tool-result', (params) => void showResult(root, session, params as ToolResult));
  bridge.on('ui/notifications/tool-cancelled', (params) =>
    status(root, `The scan was cancelled${typeof params.reason === 'string' ? `: ${params.reason}` : ''}.`, true),
  );
  try {
    const init = await bridge.request<McpUiInitializeResult>(
      'ui/initialize',
      { appInfo: { name: 'gatecrash-scan-view', version: __GATECRASH_VERSION__ }, appCapabilities: {}, protocolVersion: PROTOCOL_VERSION },
      30_000,
    );
    session.capabilities = isRecord(init.hostCapabilities) ? init.hostCapabilities : {};
    session.context = isRecord(init.hostContext) ? init.hostContext : {};
    applyHostContext(session.context);
    bridge.notify('ui/notifications/initialized', {});
    reportSize((size) => bridge.notify('ui/notifications/size-changed', size));
  } catch (e) {
    status(root, `This view needs an assistant that shows MCP Apps: ${(e as Error).message}`, true);
  }
}
