// Writes a tiny llama-architecture GGUF (about 320 KB, random weights) that a real llama-server loads, tokenizes with and
// generates from in microseconds, so the bench can scan the real server's HTTP layer, routing and key check without a
// downloaded model. Its vocabulary is SentencePiece-style: three control tokens, the 256 byte tokens (any text encodes)
// and a few word pieces. The hidden state is the same for every input (a constant embedding; attention and FFN outputs
// zeroed), so the output layer alone sets the distribution: word pieces likely, end of text less so, byte and control
// tokens never (a lone byte token is not valid UTF-8, which llama-server refuses to return).
//   node bench/tiny-gguf.mjs OUT.gguf
import { writeFileSync } from 'node:fs';

const N_EMBD = 64;
const N_HEAD = 4;
const N_FF = 128;
const N_CTX = 2048;

/** A small deterministic generator (mulberry32), so the file is the same on every machine. */
function random(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function tinyGguf() {
  const rand = random(7);
  const gauss = (sd) => sd * Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const pieces = ['▁', ...'abcdefghijklmnopqrstuvwxyz', ...'the a an is of to and hello world I am Mistral'.split(' ').map((w) => `▁${w}`)];
  const tokens = ['<unk>', '<s>', '</s>', ...Array.from({ length: 256 }, (_, b) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`), ...pieces];
  const firstPiece = 3 + 256;
  const types = tokens.map((_, i) => (i === 0 ? 2 : i < 3 ? 3 : i < firstPiece ? 6 : 1)); // unknown, control, byte, normal
  const scores = tokens.map((_, i) => (i < firstPiece ? 0 : -(i - firstPiece)));
  const logits = tokens.map((_, i) => (i === 2 ? -1 : i < firstPiece ? -20 : gauss(1.5)));

  const chunks = [];
  const u32 = (v) => chunks.push(Buffer.from(new Uint32Array([v]).buffer));
  const u64 = (v) => chunks.push(Buffer.from(new BigUint64Array([BigInt(v)]).buffer));
  const str = (s) => {
    const b = Buffer.from(s, 'utf8');
    u64(b.length);
    chunks.push(b);
  };
  const T = { u32: 4, i32: 5, f32: 6, string: 8, array: 9 };
  const scalar = (type, v) =>
    type === T.string
      ? str(v)
      : chunks.push(Buffer.from((type === T.f32 ? new Float32Array([v]) : type === T.i32 ? new Int32Array([v]) : new Uint32Array([v])).buffer));
  const kv = [
    ['general.architecture', T.string, 'llama'],
    ['general.name', T.string, 'tiny-random'],
    ['general.alignment', T.u32, 32],
    ['llama.context_length', T.u32, N_CTX],
    ['llama.embedding_length', T.u32, N_EMBD],
    ['llama.block_count', T.u32, 1],
    ['llama.feed_forward_length', T.u32, N_FF],
    ['llama.attention.head_count', T.u32, N_HEAD],
    ['llama.attention.head_count_kv', T.u32, N_HEAD],
    ['llama.attention.layer_norm_rms_epsilon', T.f32, 1e-5],
    ['llama.rope.dimension_count', T.u32, N_EMBD / N_HEAD],
    ['llama.vocab_size', T.u32, tokens.length],
    ['tokenizer.ggml.model', T.string, 'llama'],
    ['tokenizer.ggml.tokens', [T.array, T.string], tokens],
    ['tokenizer.ggml.scores', [T.array, T.f32], scores],
    ['tokenizer.ggml.token_type', [T.array, T.i32], types],
    ['tokenizer.ggml.bos_token_id', T.u32, 1],
    ['tokenizer.ggml.eos_token_id', T.u32, 2],
    ['tokenizer.ggml.unknown_token_id', T.u32, 0],
  ];
  const [V, E, F] = [tokens.length, N_EMBD, N_FF];
  const tensors = [
    ['token_embd.weight', [E, V], () => 1],
    ['output_norm.weight', [E], () => 1],
    ['output.weight', [E, V], (i) => logits[Math.floor(i / E)] / E],
    ['blk.0.attn_norm.weight', [E], () => 1],
    ['blk.0.attn_q.weight', [E, E], () => gauss(0.2)],
    ['blk.0.attn_k.weight', [E, E], () => gauss(0.2)],
    ['blk.0.attn_v.weight', [E, E], () => gauss(0.2)],
    ['blk.0.attn_output.weight', [E, E], () => 0],
    ['blk.0.ffn_norm.weight', [E], () => 1],
    ['blk.0.ffn_gate.weight', [E, F], () => gauss(0.2)],
    ['blk.0.ffn_down.weight', [F, E], () => 0],
    ['blk.0.ffn_up.weight', [E, F], () => gauss(0.2)],
  ];

  chunks.push(Buffer.from('GGUF'));
  u32(3);
  u64(tensors.length);
  u64(kv.length);
  for (const [key, type, value] of kv) {
    str(key);
    if (Array.isArray(type)) {
      u32(T.array);
      u32(type[1]);
      u64(value.length);
      for (const v of value) scalar(type[1], v);
    } else {
      u32(type);
      scalar(type, value);
    }
  }
  const data = [];
  let offset = 0;
  for (const [name, dims, value] of tensors) {
    const n = dims.reduce((a, b) => a * b, 1);
    const values = Float32Array.from({ length: n }, (_, i) => value(i));
    str(name);
    u32(dims.length);
    for (const d of dims) u64(d);
    u32(0); // F32
    u64(offset);
    data.push(Buffer.from(values.buffer));
    offset += values.byteLength; // every tensor is a multiple of 32 bytes long, so each stays aligned
  }
  const header = Buffer.concat(chunks);
  return Buffer.concat([header, Buffer.alloc((32 - (header.length % 32)) % 32), ...data]);
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: node bench/tiny-gguf.mjs OUT.gguf');
    process.exit(2);
  }
  writeFileSync(out, tinyGguf());
}
