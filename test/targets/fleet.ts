// A fleet on loopback: emulators of every product, open and keyed, answering on hundreds of distinct addresses
// (127.B.x.y; Linux routes all of 127/8 to lo) and three ports, with plain web servers, non-HTTP listeners and closed
// ports between them. One emulator per configuration serves all of its addresses (RunningTarget.serve), so the fleet
// costs a listening socket per open port and nothing more. Every accepted connection is recorded, with its time.
import { createServer, type Server, type Socket } from 'node:net';
import type { AuthState } from '../../src/engine/fleet/auth-state.js';
import type { ProductId } from '../../src/engine/types.js';
import { startFastapiWrapper, KEYED as WRAPPER_KEYED, OPEN as WRAPPER_OPEN } from './fastapi-wrapper.js';
import { type RunningTarget, sendText, startTarget } from './harness.js';
import * as kobold from './koboldcpp.js';
import * as litellm from './litellm.js';
import * as llamacpp from './llamacpp.js';
import * as lmstudio from './lmstudio.js';
import * as localai from './localai.js';
import { TEST_KEY } from './mistral-model.js';
import * as ollama from './ollama.js';
import * as openaiCompat from './openai-compatible.js';
import * as sglang from './sglang.js';
import * as textgen from './textgen-webui.js';
import * as tgi from './tgi.js';
import * as triton from './triton.js';
import * as vllm from './vllm.js';

/** What a slot of the fleet is, and what discovery must say about it (null product: an open port that is not HTTP). */
export interface FleetKind {
  name: string;
  product: ProductId | 'unknown' | null;
  auth: AuthState;
  llm: boolean;
  start: () => Promise<RunningTarget | ((socket: Socket) => void)>;
}

const NGINX_404 =
  '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not ' +
  'Found</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n';

/** A web server that is no LLM server: nginx serving a static intranet page at `/`, its own 404 page elsewhere. */
export const startIntranetPage = () =>
  startTarget(
    (req, res) =>
      req.path === '/'
        ? sendText(res, 200, '<!doctype html><title>Intranet</title>', { 'content-type': 'text/html' })
        : sendText(res, 404, NGINX_404, { 'content-type': 'text/html' }),
    { serverHeader: 'nginx/1.24.0' },
  );

/** An Express app that is no LLM server (a staff directory): Express's headers and its `Cannot GET` page. */
const startExpressApp = () =>
  startTarget((req, res) => {
    const headers = { 'x-powered-by': 'Express', 'content-type': 'text/html; charset=utf-8' };
    if (req.method === 'GET' && req.path === '/') return sendText(res, 200, '<!doctype html><title>Staff directory</title>', headers);
    const page =
      `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta ` +
      `charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot ${req.method} ` +
      `${req.path}</pre>\n</body>\n</html>\n`;
    return sendText(res, 404, page, { ...headers, 'content-security-policy': "default-src 'none'", 'x-content-type-options': 'nosniff' });
  });

/** A TCP service that is not HTTP: an SSH-style banner, then it hangs up on whatever the client says. */
const sshBanner = (socket: Socket) => {
  socket.on('error', () => undefined);
  socket.write('SSH-2.0-OpenSSH_9.6\r\n');
  socket.once('data', () => socket.end('Invalid SSH identification string.\r\n'));
};

const llm = (name: string, product: ProductId, auth: AuthState, start: () => Promise<RunningTarget>): FleetKind => ({ name, product, auth, llm: true, start });

export const FLEET_KINDS: FleetKind[] = [
  llm('vLLM, open', 'vllm', 'open', () => vllm.startVllm(vllm.OPEN)),
  // vLLM 0.27-0.29 with --api-key leaves /invocations open: the inventory says open, which is the point of it.
  llm('vLLM, --api-key (/invocations open)', 'vllm', 'open', () => vllm.startVllm(vllm.KEYED)),
  llm('vLLM, --api-key, /invocations guarded', 'vllm', 'keyed', () => vllm.startVllm({ apiKey: TEST_KEY, invocationsOpen: false })),
  llm('TGI, open', 'tgi', 'open', () => tgi.startTgi(tgi.OPEN)),
  llm('TGI, keyed', 'tgi', 'keyed', () => tgi.startTgi(tgi.KEYED)),
  llm('Ollama', 'ollama', 'open', () => ollama.startOllama(ollama.OPEN)),
  llm('llama.cpp, open', 'llamacpp', 'open', () => llamacpp.startLlamaCpp(llamacpp.OPEN)),
  llm('llama.cpp, keyed', 'llamacpp', 'keyed', () => llamacpp.startLlamaCpp(llamacpp.KEYED)),
  llm('SGLang, open', 'sglang', 'open', () => sglang.startSglang(sglang.OPEN)),
  llm('SGLang, keyed', 'sglang', 'keyed', () => sglang.startSglang(sglang.KEYED)),
  llm('LiteLLM, open', 'litellm', 'open', () => litellm.startLitellm(litellm.OPEN)),
  llm('LiteLLM, keyed', 'litellm', 'keyed', () => litellm.startLitellm(litellm.KEYED)),
  llm('LocalAI, open', 'localai', 'open', () => localai.startLocalai(localai.OPEN)),
  llm('LocalAI, keyed', 'localai', 'keyed', () => localai.startLocalai(localai.KEYED)),
  llm('KoboldCpp, open', 'koboldcpp', 'open', () => kobold.startKoboldcpp(kobold.OPEN)),
  llm('KoboldCpp, keyed', 'koboldcpp', 'keyed', () => kobold.startKoboldcpp(kobold.KEYED)),
  // Reachable on an address other than localhost only with --listen, which also lifts its Host check.
  llm('text-generation-webui, open', 'textgen-webui', 'open', () => textgen.startTextgenWebui({ ...textgen.OPEN, listen: true })),
  llm('text-generation-webui, keyed', 'textgen-webui', 'keyed', () => textgen.startTextgenWebui({ ...textgen.KEYED, listen: true })),
  llm('LM Studio, open', 'lmstudio', 'open', () => lmstudio.startLmstudio(lmstudio.OPEN)),
  llm('LM Studio, keyed', 'lmstudio', 'keyed', () => lmstudio.startLmstudio(lmstudio.KEYED)),
  llm('Triton, open', 'triton', 'open', () => triton.startTriton(triton.OPEN)),
  llm('Triton, keyed', 'triton', 'keyed', () => triton.startTriton(triton.KEYED)),
  llm('OpenAI-compatible, open', 'openai-compatible', 'open', () => openaiCompat.startOpenAICompatible(openaiCompat.OPEN)),
  llm('OpenAI-compatible, keyed', 'openai-compatible', 'keyed', () => openaiCompat.startOpenAICompatible(openaiCompat.KEYED)),
  llm('FastAPI wrapper, open', 'fastapi', 'open', () => startFastapiWrapper(WRAPPER_OPEN)),
  llm('FastAPI wrapper, keyed', 'fastapi', 'keyed', () => startFastapiWrapper(WRAPPER_KEYED)),
  { name: 'intranet web page (no LLM)', product: 'unknown', auth: 'unknown', llm: false, start: startIntranetPage },
  // A web framework Gatecrash names is still no LLM server until an inference route shows.
  { name: 'Express app (no LLM)', product: 'express', auth: 'unknown', llm: false, start: startExpressApp },
  { name: 'SSH banner (not HTTP)', product: null, auth: 'unknown', llm: false, start: async () => sshBanner },
];

export interface FleetSlot {
  address: string;
  port: number;
  kind: FleetKind;
}

export interface Connection {
  address: string;
  port: number;
  openedAt: number;
  closedAt?: number;
}

export interface Fleet {
  /** `127.B.0.0/23` */
  cidr: string;
  ports: number[];
  /** The open slots; every other address × port of the range is closed. */
  slots: FleetSlot[];
  /** Every connection any slot accepted, in order. */
  connections: Connection[];
  close(): Promise<void>;
}

/** A small deterministic generator (mulberry32), so a fleet is laid out the same way on every run. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function listen(server: Server, port: number, host: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * Ports nobody on this machine listens on, on any address: a wildcard listener would answer on our "closed" slots,
 * and binding the wildcard address is refused exactly when anyone holds the port.
 */
export async function freePorts(count: number, rnd: () => number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = 20_000 + Math.floor(rnd() * 12_000); // below the ephemeral range (32768+): no client socket takes it meanwhile
    if (ports.includes(port)) continue;
    const probe = createServer();
    try {
      await listen(probe, port, '0.0.0.0');
      ports.push(port);
    } catch {
      // taken: try another
    } finally {
      await new Promise<void>((r) => probe.close(() => r()));
    }
  }
  return ports;
}

export interface FleetLayout {
  /** Addresses: 127.B.0.0 and the following ones (a power of two, at most 65536). */
  addresses: number;
  /** Open slots of each LLM kind. */
  perKind: number;
  /** Open slots of the non-LLM kinds (web page, banner). */
  others: number;
  seed: number;
  /** The kinds to lay out (default: all of FLEET_KINDS). */
  kinds?: FleetKind[];
}

/** Starts the fleet: one emulator per kind, then a listener per open slot handing its connections to that emulator. */
export async function startFleet(layout: FleetLayout): Promise<Fleet> {
  const rnd = random(layout.seed);
  const kinds = layout.kinds ?? FLEET_KINDS;
  const emulators = await Promise.all(kinds.map((k) => k.start()));
  const listeners: Server[] = [];
  const connections: Connection[] = [];
  const sockets = new Set<Socket>();
  const bits = Math.log2(layout.addresses);
  for (let attempt = 0; ; attempt++) {
    // A second octet nobody else is likely to use at the same moment; another try on a clash.
    const b = 100 + Math.floor(Math.random() * 140);
    const ports = await freePorts(3, Math.random);
    const slotIndexes = Array.from({ length: layout.addresses * ports.length }, (_, i) => i);
    for (let i = slotIndexes.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [slotIndexes[i], slotIndexes[j]] = [slotIndexes[j]!, slotIndexes[i]!];
    }
    const plan: FleetKind[] = kinds.flatMap((k) => Array.from({ length: k.llm ? layout.perKind : layout.others }, () => k));
    const slots: FleetSlot[] = plan.map((kind, n) => {
      const i = slotIndexes[n]!;
      const host = Math.floor(i / ports.length);
      return { address: `127.${b}.${host >> 8}.${host & 255}`, port: ports[i % ports.length]!, kind };
    });
    try {
      for (const slot of slots) {
        const emulator = emulators[kinds.indexOf(slot.kind)]!;
        const server = createServer((socket) => {
          const c: Connection = { address: slot.address, port: slot.port, openedAt: performance.now() };
          connections.push(c);
          sockets.add(socket);
          socket.on('close', () => {
            c.closedAt = performance.now();
            sockets.delete(socket);
          });
          if (typeof emulator === 'function') emulator(socket);
          else emulator.serve(socket);
        });
        await listen(server, slot.port, slot.address);
        listeners.push(server);
      }
      return {
        cidr: `127.${b}.0.0/${32 - bits}`,
        ports: [...ports].sort((x, y) => x - y),
        slots,
        connections,
        close: async () => {
          for (const s of sockets) s.destroy();
          await Promise.all(listeners.map((l) => new Promise<void>((r) => l.close(() => r()))));
          await Promise.all(emulators.map((e) => (typeof e === 'function' ? undefined : e.close())));
        },
      };
    } catch (e) {
      await Promise.all(listeners.splice(0).map((l) => new Promise<void>((r) => l.close(() => r()))));
      if (attempt >= 4) throw e;
    }
  }
}
