// A test host for the scan view: what an assistant that shows MCP Apps does, in a page of its own (bundled for the browser
// by ../host.ts). The real MCP client (@modelcontextprotocol/client) talks to the real Gatecrash MCP server through a relay
// (each JSON-RPC message crosses to Node, which writes it to `gatecrash mcp`'s stdin, and back); the view is embedded with
// the extension's own host-side bridge (AppBridge) in a sandboxed frame, under the CSP a host applies by default. Every
// message the view posts is recorded, so the tests can say exactly what reached the bridge.
import { Client, type JSONRPCMessage, type Transport } from '@modelcontextprotocol/client';
import type { McpUiHostContext, McpUiResourceMeta } from '@modelcontextprotocol/ext-apps/app-bridge';
import { AppBridge, buildAllowAttribute, getToolUiResourceUri, PostMessageTransport, RESOURCE_MIME_TYPE } from '@modelcontextprotocol/ext-apps/app-bridge';

declare global {
  interface Window {
    /** Exposed by the test (Playwright binding): one JSON-RPC message toward the server. */
    gatecrashRelaySend(text: string): Promise<void>;
    /** Called by the test with each message from the server. */
    gatecrashRelayReceive(text: string): void;
    testHost: TestHost;
    /** Set by any injected script that manages to run in the host page. */
    __gatecrashPwned?: unknown;
  }
}

/** The CSP the MCP Apps specification tells hosts to apply when a resource declares no domains. */
const HOST_DEFAULT_CSP =
  "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src " +
  "'self' data:; media-src 'self' data:; connect-src 'none'; frame-src 'none'; object-src 'none'; " +
  "base-uri 'self'";

class RelayTransport implements Transport {
  onmessage?: (message: JSONRPCMessage) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  async start(): Promise<void> {
    window.gatecrashRelayReceive = (text) => this.onmessage?.(JSON.parse(text) as JSONRPCMessage);
  }
  async send(message: JSONRPCMessage): Promise<void> {
    await window.gatecrashRelaySend(JSON.stringify(message));
  }
  async close(): Promise<void> {
    this.onclose?.();
  }
}

export interface ViewMessage {
  method: string | null;
  /** tools/call: the tool's name; resources/read: the URI. */
  target?: string;
  arguments?: Record<string, unknown>;
  isResponse: boolean;
}

export interface ShowOptions {
  theme: 'light' | 'dark';
  /** The frame's width; the host sizes its height to what the view reports (up to maxHeight). */
  width?: number;
  maxHeight?: number;
}

export class TestHost {
  readonly client = new Client(
    { name: 'gatecrash-test-host', version: '1.0.0' },
    { capabilities: { extensions: { 'io.modelcontextprotocol/ui': { mimeTypes: [RESOURCE_MIME_TYPE] } } } as never },
  );
  /** Every message the view posted to the host, in order. */
  readonly fromView: ViewMessage[] = [];
  /** Sizes the view reported. */
  readonly sizes: { width?: number; height?: number }[] = [];
  bridge: AppBridge | null = null;
  frame: HTMLIFrameElement | null = null;
  lastResult: unknown = null;

  async connect(): Promise<void> {
    await this.client.connect(new RelayTransport());
  }

  private context(options: ShowOptions): McpUiHostContext {
    const dark = options.theme === 'dark';
    return {
      theme: options.theme,
      displayMode: 'inline',
      availableDisplayModes: ['inline'],
      platform: 'web',
      locale: 'en-GB',
      containerDimensions: { width: options.width ?? 960, maxHeight: options.maxHeight ?? 20000 },
      styles: {
        variables: {
          '--color-background-primary': dark ? '#1b1c20' : '#fbfbfa',
          '--font-sans': 'system-ui, sans-serif',
        } as never,
      },
    };
  }

  /** Calls a tool the way an assistant does, and shows its result in the tool's view. */
  async show(toolName: string, args: Record<string, unknown>, options: ShowOptions): Promise<unknown> {
    document.documentElement.dataset.theme = options.theme;
    const { tools } = await this.client.listTools();
    const tool = tools.find((t) => t.name === toolName);
    const uri = tool && getToolUiResourceUri(tool);
    if (!uri) throw new Error(`${toolName} names no view`);
    const read = await this.client.readResource({ uri });
    const content = read.contents[0] as { mimeType?: string; text?: string; _meta?: { ui?: McpUiResourceMeta } };
    if (content.mimeType !== RESOURCE_MIME_TYPE || typeof content.text !== 'string') throw new Error(`${uri} is not an MCP App (${content.mimeType})`);

    this.frame?.remove();
    const frame = document.createElement('iframe');
    frame.id = 'view';
    frame.title = 'Gatecrash scan view';
    frame.setAttribute('sandbox', 'allow-scripts');
    frame.setAttribute('allow', buildAllowAttribute(content._meta?.ui?.permissions));
    frame.style.width = `${options.width ?? 960}px`;
    frame.style.height = '120px';
    frame.style.border = content._meta?.ui?.prefersBorder ? '1px solid #888' : '0';
    frame.srcdoc = content.text.replace('<head>', `<head><meta http-equiv="Content-Security-Policy" content="${HOST_DEFAULT_CSP}">`);
    this.frame = frame;

    const bridge = new AppBridge(
      this.client,
      { name: 'gatecrash-test-host', version: '1.0.0' },
      { serverTools: {}, serverResources: {}, logging: {} },
      { hostContext: this.context(options) },
    );
    this.bridge = bridge;
    bridge.onsizechange = (size) => {
      this.sizes.push(size);
      if (typeof size.height === 'number') frame.style.height = `${Math.min(size.height, options.maxHeight ?? 20000)}px`;
    };
    const initialized = new Promise<void>((resolve) => (bridge.oninitialized = () => resolve()));
    window.addEventListener('message', (event) => {
      if (event.source !== frame.contentWindow) return;
      const m = event.data as { method?: unknown; id?: unknown; params?: { name?: unknown; uri?: unknown; arguments?: Record<string, unknown> } };
      const method = typeof m?.method === 'string' ? m.method : null;
      const target = typeof m?.params?.name === 'string' ? m.params.name : typeof m?.params?.uri === 'string' ? m.params.uri : undefined;
      this.fromView.push({
        method,
        isResponse: method === null,
        ...(target ? { target } : {}),
        ...(m?.params?.arguments ? { arguments: m.params.arguments } : {}),
      });
    });
    document.getElementById('frame-slot')!.replaceChildren(frame);
    await bridge.connect(new PostMessageTransport(frame.contentWindow!, frame.contentWindow!));

    // As an assistant does: the call runs while the view starts; the view gets the input, then the result.
    const call = this.client.callTool({ name: toolName, arguments: args });
    await initialized;
    await bridge.sendToolInput({ arguments: args });
    const result = await call;
    this.lastResult = result;
    await bridge.sendToolResult(result as never);
    return result;
  }

  /** The host switches theme (the user toggled it): the view hears of it as a host-context change. */
  async setTheme(theme: 'light' | 'dark'): Promise<void> {
    document.documentElement.dataset.theme = theme;
    await this.bridge?.sendHostContextChange({
      theme,
      styles: { variables: { '--color-background-primary': theme === 'dark' ? '#1b1c20' : '#fbfbfa' } as never },
    });
  }
}

window.testHost = new TestHost();
