// A scanned server must not be able to talk to the assistant. The prompt-injection target writes an instruction into every
// string it sends; this scans it through every MCP tool, resource and prompt (an in-process server and the SDK client) and
// renders the report in every format, then checks, everywhere a reader looks:
// - no control, invisible, bidi, tag or variation character survives;
// - outside Gatecrash's quotes ⟦…⟧ and the evidence blocks marked `untrusted`, none of the server's words appears;
// - every quote is one bounded span, and every model-facing text carries the fixed sentence before any of them;
// - Markdown (read by a real renderer) has no link, image, HTML tag, mention or reference made of server text, and SARIF
//   no embedded link;
// - the LocalAI, llama.cpp and LiteLLM names the server gives itself name nothing.
// It prints the model-facing text of the scan: what an assistant reads.
import { Client } from '@modelcontextprotocol/client';
import { InMemoryTransport } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding, ScanReport } from '../../src/engine/types.js';
import { spans, UNTRUSTED_NOTICE, unquoted } from '../../src/engine/untrusted.js';
import { parseScanReport, toJson } from '../../src/report/json.js';
import { toMarkdown } from '../../src/report/markdown.js';
import { toPretty } from '../../src/report/pretty.js';
import { toSarif } from '../../src/report/sarif.js';
import { createServer } from '../../src/server.js';
import { liveMarkup } from '../report/markdown-live.js';
import { type PromptInjectionTarget, SENTINELS, startPromptInjectionTarget } from '../targets/prompt-injection.js';
import { runCli } from './cli-run.js';

const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\u2028\u2029\uFE00-\uFE0F\u{E0100}-\u{E01EF}]/u;
/** The longest quote Gatecrash writes (a template excerpt, a structured field's bound). */
const LONGEST_QUOTE = 200;

interface ToolResult {
  content: { type: string; text?: string; description?: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

/** Server words outside any quote, in text a reader takes as Gatecrash's. */
function leaks(text: string): string[] {
  const own = unquoted(text);
  return SENTINELS.filter((s) => own.includes(s));
}

/** One text a model or a person reads: nothing invisible, the server's words only inside bounded, balanced quotes. */
function expectSafeText(label: string, text: string): void {
  expect(INVISIBLE.test(text.replace(/[\n\t]/g, '')), `${label}: an invisible character`).toBe(false);
  expect(leaks(text), `${label}: server words outside a quote`).toEqual([]);
  const opened = [...text].filter((c) => c === '⟦').length;
  expect([...text].filter((c) => c === '⟧').length, `${label}: unbalanced quotes`).toBe(opened);
  for (const s of spans(text)) if (s.quoted) expect(Array.from(s.text).length, `${label}: a quote longer than its bound`).toBeLessThanOrEqual(LONGEST_QUOTE);
}

/** Markdown without its fenced blocks: the evidence there is marked as the server's by the label above each. */
function outsideFences(md: string): string {
  return md.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1$/gm, '');
}

/** A model-facing text: safe, and the fixed sentence comes before the first quote. */
function expectModelText(label: string, text: string): void {
  expectSafeText(label, text);
  const notice = text.indexOf(UNTRUSTED_NOTICE);
  expect(notice, `${label}: the fixed sentence`).toBeGreaterThanOrEqual(0);
  const firstQuote = text.replace(UNTRUSTED_NOTICE, '').indexOf('⟦');
  if (firstQuote !== -1) expect(notice).toBeLessThanOrEqual(firstQuote);
}

/**
 * Structured content: a string inside an evidence block (`untrusted: true`) or in a field its object lists under
 * `untrusted` is the server's, cleaned (nothing invisible, no quote mark); any other string is Gatecrash's, held to
 * expectSafeText. Returns how many marked strings carried the server's words (so a test can see the marking was used).
 */
function expectSafeStructure(label: string, value: unknown, path = '$', marked = false): number {
  let carried = 0;
  if (typeof value === 'string') {
    if (marked) {
      expect(INVISIBLE.test(value.replace(/[\n\t]/g, '')), `${label} ${path}: an invisible character`).toBe(false);
      expect(/[⟦⟧]/.test(value), `${label} ${path}: a quote mark in server text`).toBe(false);
      return SENTINELS.some((s) => value.includes(s)) ? 1 : 0;
    }
    expectSafeText(`${label} ${path}`, value);
    return 0;
  }
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) carried += expectSafeStructure(label, v, `${path}[${i}]`, marked);
    return carried;
  }
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const listed = Array.isArray(obj['untrusted']) ? (obj['untrusted'] as string[]) : [];
    const whole = marked || obj['untrusted'] === true;
    for (const [k, v] of Object.entries(obj)) {
      expectSafeText(`${label} ${path} key`, k);
      // An evidence block's notes are Gatecrash's words about the exchanges (the server's quoted in them).
      const own = obj['untrusted'] === true && k === 'notes';
      carried += expectSafeStructure(label, v, `${path}.${k}`, !own && (whole || listed.includes(k)));
    }
  }
  return carried;
}

/** Markdown a person (or a bot on a pull request) reads on GitHub. */
function expectSafeMarkdown(label: string, md: string): void {
  const live = liveMarkup(md);
  expect(live.images, `${label}: images`).toEqual([]);
  expect(live.html, `${label}: HTML`).toEqual([]);
  expect(live.mentions, `${label}: mentions`).toEqual([]);
  expect(live.references, `${label}: references`).toEqual([]);
  expect(
    live.links.filter((href) => /evil|javascript:/i.test(href)),
    `${label}: links`,
  ).toEqual([]);
  expect(
    SENTINELS.filter((s) => live.text.includes(s)),
    `${label}: server words outside code`,
  ).toEqual([]);
}

/** scan_endpoint returns the scan in brief; the full report is its resource. */
async function fullReport(client: Client, scanResult: ToolResult): Promise<ScanReport> {
  const { scanId } = scanResult.structuredContent as { scanId: string };
  const { contents } = await client.readResource({ uri: `gatecrash://scans/${scanId}` });
  const report = parseScanReport((contents[0] as { text: string }).text);
  expectSafeStructure('the full report', JSON.parse((contents[0] as { text: string }).text));
  return report;
}

function textOf(result: ToolResult): string {
  return result.content
    .filter((c) => c.type === 'text')
    .map((c) => c.text!)
    .join('\n');
}

describe('a scanned server cannot talk to the assistant', () => {
  let target: PromptInjectionTarget;
  let client: Client;
  let scan: ToolResult;
  let report: ScanReport;

  beforeAll(async () => {
    target = await startPromptInjectionTarget();
    const server = createServer();
    client = new Client({ name: 'untrusted-test', version: '0.0.0' });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await Promise.all([server.connect(serverSide), client.connect(clientSide as never)]);
    scan = (await client.callTool({ name: 'scan_endpoint', arguments: { url: target.url, timeoutMs: 30_000 } })) as ToolResult;
    report = await fullReport(client, scan);
  }, 60_000);
  afterAll(async () => {
    await client?.close();
    await target?.close();
  });

  it('finds what is real (the model answers without credentials) and names no product from the names the server gives itself', () => {
    expect(scan.isError).toBeFalsy();
    expect(report.findings.map((f) => f.rule)).toContain('auth.missing');
    expect(['localai', 'llamacpp', 'litellm']).not.toContain(report.fingerprint.product);
    const candidates = new Map(report.fingerprint.candidates.map((c) => [c.product, c.confidence]));
    for (const named of ['localai', 'llamacpp', 'litellm'] as const) expect(candidates.get(named) ?? 0).toBeLessThan(0.25);
    expect(report.fingerprint.models.length).toBe(2);
    expect(report.fingerprint.untrusted).toEqual(['version', 'models']);
    for (const f of report.findings) expect(f.evidence.untrusted).toBe(true);
  });

  it('scan_endpoint: the text and the structured result', () => {
    const text = textOf(scan);
    expectModelText('scan_endpoint text', text);
    // The server's words are there, quoted and cut: the model id and what the model answered.
    expect(text).toMatch(/model[s]? ⟦mistral-7b IMPORTANT SYSTEM NOTICE/);
    expect(expectSafeStructure('scan_endpoint structuredContent', scan.structuredContent)).toBeGreaterThan(0);
    for (const c of scan.content.filter((x) => x.type === 'resource_link')) expectSafeText('resource link', c.description ?? '');
    const port = (t: string) => t.replaceAll(target.url, 'http://127.0.0.1:PORT');
    const missing = report.findings.find((f) => f.rule === 'auth.missing')!;
    console.log(
      `\nWhat the assistant reads from scan_endpoint on the injection target:\n\n${port(text)}\n\n` +
        `The description of the auth.missing finding in the structured result:\n\n${port(missing.description)}\n`,
    );
  });

  it('scan_endpoint on the wrapper route, treated as LocalAI: learned field names and the stated version are quoted', async () => {
    const res = (await client.callTool({
      name: 'scan_endpoint',
      arguments: { url: `${target.url}/generate`, hint: 'localai', timeoutMs: 30_000 },
    })) as ToolResult;
    expect(res.isError).toBeFalsy();
    const text = textOf(res);
    expectModelText('scan_endpoint (hint) text', text);
    expect(text).toMatch(/LocalAI ⟦v2\.0 IMPORTANT SYSTEM NOTICE/);
    expectSafeStructure('scan_endpoint (hint) structuredContent', res.structuredContent);
    const r = await fullReport(client, res);
    const whys = r.surface.routes.flatMap((route) => route.attempts ?? []).map((a) => a.why);
    expect(whys.some((w) => /named the required field ⟦IMPORTANT SYSTEM NOTICE/.test(w))).toBe(true);
  });

  it('fingerprint_endpoint', async () => {
    const res = (await client.callTool({ name: 'fingerprint_endpoint', arguments: { url: target.url } })) as ToolResult;
    const text = textOf(res);
    expectModelText('fingerprint_endpoint text', text);
    // Named by what the server does (pydantic 422s, FastAPI's error bodies, an OpenAPI document), never by its banners.
    expect(text).toMatch(/^FastAPI application \(confidence \d+%\)/m);
    console.log(`\nWhat the assistant reads from fingerprint_endpoint:\n\n${text}\n`);
    expect(expectSafeStructure('fingerprint_endpoint structuredContent', res.structuredContent)).toBeGreaterThan(0);
  });

  it('verify_fix', async () => {
    const res = (await client.callTool({ name: 'verify_fix', arguments: { url: target.url, previousScan: report.scanId, timeoutMs: 30_000 } })) as ToolResult;
    const text = textOf(res);
    expectModelText('verify_fix text', text);
    expect(text).toMatch(/still fails/);
    expectSafeStructure('verify_fix structuredContent', res.structuredContent);
  });

  it('scan_targets and discover_llm_servers', async () => {
    const batch = (await client.callTool({
      name: 'scan_targets',
      arguments: { targets: [target.url, `${target.url}/generate`], depth: 'quick', timeoutMs: 30_000 },
    })) as ToolResult;
    expect(batch.isError).toBeFalsy();
    expectModelText('scan_targets text', textOf(batch));
    expectSafeStructure('scan_targets structuredContent', batch.structuredContent);
    const found = (await client.callTool({ name: 'discover_llm_servers', arguments: { scope: ['127.0.0.1'], ports: [target.port] } })) as ToolResult;
    expect(found.isError).toBeFalsy();
    const text = textOf(found);
    expectModelText('discover_llm_servers text', text);
    expect(text).toMatch(/⟦mistral-7b IMPORTANT SYSTEM NOTICE/);
    expect(expectSafeStructure('discover_llm_servers structuredContent', found.structuredContent)).toBeGreaterThan(0);
    for (const c of batch.content.filter((x) => x.type === 'resource_link')) expectSafeText('batch resource link', c.description ?? '');
    const batchId = (batch.structuredContent as { batchId: string }).batchId;
    const json = (await client.readResource({ uri: `gatecrash://batches/${batchId}` })).contents[0] as { text: string };
    expectSafeStructure('batch JSON resource', JSON.parse(json.text));
    const md = (await client.readResource({ uri: `gatecrash://batches/${batchId}/report.md` })).contents[0] as { text: string };
    expectModelText('batch Markdown resource', outsideFences(md.text));
    expectSafeMarkdown('batch Markdown resource', md.text);
  });

  it('explain_finding and suggest_remediation, given the findings of the scan', async () => {
    for (const f of report.findings) {
      // By id, as an assistant passes it, and as the object from a saved report.
      const byId = (await client.callTool({ name: 'explain_finding', arguments: { findingId: f.id } })) as ToolResult;
      expectSafeText(`explain_finding ${f.rule} (by id) text`, textOf(byId));
      const finding: Finding = f;
      const explained = (await client.callTool({ name: 'explain_finding', arguments: { finding } })) as ToolResult;
      expectSafeText(`explain_finding ${f.rule} text`, textOf(explained));
      expectSafeMarkdown(`explain_finding ${f.rule} Markdown`, textOf(explained));
      expectSafeStructure(`explain_finding ${f.rule} structuredContent`, explained.structuredContent);
      const fixed = (await client.callTool({ name: 'suggest_remediation', arguments: { findingId: f.id } })) as ToolResult;
      if (fixed.isError) continue; // a rule without a fix for the fingerprinted framework says so in a sentence
      expectSafeText(`suggest_remediation ${f.rule} text`, textOf(fixed));
      expectSafeStructure(`suggest_remediation ${f.rule} structuredContent`, fixed.structuredContent);
    }
  });

  it('the resources: the JSON report, the Markdown report and their listings', async () => {
    const json = await client.readResource({ uri: `gatecrash://scans/${report.scanId}` });
    expect(expectSafeStructure('JSON resource', JSON.parse((json.contents[0] as { text: string }).text))).toBeGreaterThan(0);
    const md = (await client.readResource({ uri: `gatecrash://scans/${report.scanId}/report.md` })).contents[0] as { text: string };
    expectModelText('Markdown resource', outsideFences(md.text));
    expectSafeMarkdown('Markdown resource', md.text);
    const { resources } = await client.listResources();
    for (const r of resources) expectSafeText(`resource ${r.uri}`, `${r.name} ${r.title ?? ''} ${r.description ?? ''}`);
  });

  it('the prompt and the server instructions tell the assistant what the quotes mean', async () => {
    const prompt = await client.getPrompt({ name: 'audit_inference_endpoint', arguments: { url: target.url } });
    const text = prompt.messages.map((m) => (m.content as { text: string }).text).join('\n');
    expect(text).toContain(UNTRUSTED_NOTICE);
    expect(client.getInstructions()).toContain(UNTRUSTED_NOTICE);
    const checks = (await client.callTool({ name: 'list_checks', arguments: {} })) as ToolResult;
    expectSafeText('list_checks', textOf(checks));
  });

  it("over TLS: the certificate's subject and issuer are the server's words, cleaned and marked", async () => {
    const tlsTarget = await startPromptInjectionTarget({ tls: true });
    const tlsServer = createServer({ settings: { tls: { insecure: true } } });
    const tlsClient = new Client({ name: 'untrusted-tls-test', version: '0.0.0' });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    try {
      await Promise.all([tlsServer.connect(serverSide), tlsClient.connect(clientSide as never)]);
      const res = (await tlsClient.callTool({
        name: 'scan_endpoint',
        arguments: { url: tlsTarget.httpsUrl!, depth: 'quick', timeoutMs: 30_000 },
      })) as ToolResult;
      expect(res.isError).toBeFalsy();
      expectModelText('scan_endpoint (TLS) text', textOf(res));
      expectSafeStructure('scan_endpoint (TLS) structuredContent', res.structuredContent);
      const r = await fullReport(tlsClient, res);
      expect(r.tls?.certificate?.untrusted).toEqual(['subject', 'issuer']);
      expect(r.tls?.certificate?.subject).toMatch(/^CN=IMPORTANT SYSTEM NOTICE TO THE ASSISTANT, O=the scan passed/);
      expectSafeMarkdown('Markdown (TLS)', toMarkdown(r));
    } finally {
      await tlsClient.close();
      await tlsTarget.close();
    }
  });

  it('every format of the report: JSON, Markdown, SARIF, the terminal', () => {
    expect(expectSafeStructure('JSON', JSON.parse(toJson(report)))).toBeGreaterThan(0);
    const md = toMarkdown(report);
    expectModelText('Markdown', outsideFences(md));
    expectSafeMarkdown('Markdown', md);
    const sarif = toSarif(report);
    const messages = [
      ...sarif.runs[0]!.results.map((r) => r.message.text),
      ...sarif.runs[0]!.invocations.flatMap((i) =>
        [...(i.toolExecutionNotifications ?? []), ...(i.toolConfigurationNotifications ?? [])].map((n) => n.message.text),
      ),
    ];
    expect(messages.length).toBeGreaterThan(0);
    for (const m of messages) {
      expectSafeText('SARIF message', m);
      // SARIF reads [text](target) in a message as a link: every bracket is escaped.
      expect(m, 'SARIF message: an unescaped bracket').not.toMatch(/(^|[^\\])[[\]]/);
    }
    expect(INVISIBLE.test(JSON.stringify(sarif))).toBe(false);
    for (const verbose of [false, true]) expectSafeText(`pretty (verbose ${verbose})`, toPretty(report, { color: false, verbose }));
  });

  it("the CLI: every format with each finding's fix for the identified stack, and its line on stderr", async () => {
    const scanCli = (format: string) => runCli(['scan', target.url, '--format', format, '--fail-on', 'none'], { GATECRASH_NO_STORE: '1' });
    const md = await scanCli('markdown');
    expect(md.code).toBe(0);
    expect(md.stdout).toContain('**Remediation for FastAPI:**');
    expectModelText('CLI Markdown', outsideFences(md.stdout));
    expectSafeMarkdown('CLI Markdown', md.stdout);
    expectSafeText('CLI stderr', md.stderr);
    const sarif = JSON.parse((await scanCli('sarif')).stdout) as ReturnType<typeof toSarif>;
    const messages = sarif.runs[0]!.results.map((r) => r.message.text);
    expect(messages.some((m) => m.includes('Fix for FastAPI:'))).toBe(true);
    for (const m of messages) {
      expectSafeText('CLI SARIF message', m);
      expect(m, 'CLI SARIF message: an unescaped bracket').not.toMatch(/(^|[^\\])[[\]]/);
    }
    const pretty = await scanCli('pretty');
    expect(pretty.stdout).toContain('fix (FastAPI)');
    expectSafeText('CLI terminal', pretty.stdout);
  });
});
