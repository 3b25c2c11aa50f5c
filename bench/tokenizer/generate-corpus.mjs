// Generates the tokenizer bench inputs (our own synthetic text, no real data set):
//   <out>/corpus.txt       ~1.5 MB of sentences, one per line, from a seeded pseudo-language
//   <out>/tokenizer.json   a cased BERT WordPiece tokenizer with ~24k tokens over that language
//   <out>/tokenizer_config.json
// Usage: node bench/tokenizer/generate-corpus.mjs <out-dir> [megabytes]
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const out = process.argv[2] ?? 'bench/tokenizer/out';
const megabytes = Number(process.argv[3] ?? 1.5);
mkdirSync(out, { recursive: true });

// mulberry32: a small seeded generator, so every run produces the same corpus.
let seed = 12345;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (a) => a[Math.floor(random() * a.length)];

const onsets = ['b', 'c', 'd', 'f', 'g', 'h', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'w', 'z', 'br', 'st', 'tr', 'ch', 'sh', 'pl', 'gr'];
const vowels = ['a', 'e', 'i', 'o', 'u', 'ai', 'ou', 'é', 'ü', 'ö'];
const codas = ['', '', '', 'n', 'r', 's', 'l', 't', 'nd', 'st'];
const syllables = [];
for (const o of onsets) for (const v of vowels) for (const c of codas) syllables.push(o + v + c);

// A lexicon of 60k words; words are drawn with a Zipf-like law, so frequent ones are whole tokens
// and rare ones split into pieces.
const lexicon = [];
const seen = new Set();
while (lexicon.length < 60000) {
  let w = '';
  const n = 1 + Math.floor(random() * random() * 4);
  for (let i = 0; i <= n; i++) w += pick(syllables);
  if (seen.has(w)) continue;
  seen.add(w);
  lexicon.push(w);
}
const zipf = () => lexicon[Math.min(lexicon.length - 1, Math.floor(Math.exp(random() * Math.log(lexicon.length))) - 1)];
const cjk = [...'中国人日本語大学生我你好的是在東京'];
const punctuation = [',', '.', ';', ':', '!', '?', '(', ')', '"', '-'];

const lines = [];
let size = 0;
while (size < megabytes * 1_000_000) {
  const words = [];
  const n = 5 + Math.floor(random() * 30);
  for (let i = 0; i < n; i++) {
    const r = random();
    let w = zipf();
    if (r < 0.08) w = w[0].toUpperCase() + w.slice(1);
    else if (r < 0.10) w = String(Math.floor(random() * 10000));
    else if (r < 0.12) w = pick(cjk) + pick(cjk);
    if (random() < 0.08) w += pick(punctuation);
    words.push(w);
  }
  const line = words.join(' ');
  lines.push(line);
  size += Buffer.byteLength(line) + 1;
}
writeFileSync(path.join(out, 'corpus.txt'), lines.join('\n') + '\n');

const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
const set = new Set(vocab);
const addFast = (t) => { if (!set.has(t)) { set.add(t); vocab.push(t); } };
for (const c of [...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéüö', ...cjk]) { addFast(c); addFast('##' + c); }
for (const s of syllables) { addFast(s); addFast('##' + s); addFast(s[0].toUpperCase() + s.slice(1)); }
for (let i = 0; i < 100; i++) addFast(String(i));
for (const w of lexicon.slice(0, 20000)) addFast(w);
const id = (t) => vocab.indexOf(t);
const tokenizer = {
  version: '1.0', truncation: null, padding: null,
  added_tokens: vocab.slice(0, 5).map((t, i) => ({ id: i, content: t, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
  normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: false },
  pre_tokenizer: { type: 'BertPreTokenizer' },
  post_processor: {
    type: 'TemplateProcessing',
    single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
    pair: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } },
      { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } }],
    special_tokens: { '[CLS]': { id: '[CLS]', ids: [id('[CLS]')], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [id('[SEP]')], tokens: ['[SEP]'] } },
  },
  decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
  model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(vocab.map((t, i) => [t, i])) },
};
writeFileSync(path.join(out, 'tokenizer.json'), JSON.stringify(tokenizer));
writeFileSync(path.join(out, 'tokenizer_config.json'), JSON.stringify({ do_lower_case: false, model_max_length: 512, clean_up_tokenization_spaces: true }));
console.error(`corpus: ${lines.length} lines, ${(size / 1e6).toFixed(2)} MB; vocab: ${vocab.length} tokens`);
