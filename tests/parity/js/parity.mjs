// Reference encodings for the C# parity tests. Reads a request JSON file (argv[2]) and prints one JSON
// object with, per case, the results of two Hugging Face JavaScript implementations:
//  - "fast": the `tokenizers` package, Hugging Face's Rust tokenizer (the one behind BertTokenizerFast),
//    which reports tokens, ids, type ids, word ids and offsets. Offsets come back in code points and are
//    converted to UTF-16 indices here, so they compare directly with JavaScript / C# string indices.
//  - "js": @huggingface/transformers (transformers.js) BertTokenizer: ids and tokens (it has no offsets).
// Pre-tokenized input: neither package accepts word lists, so it is derived exactly as the fast tokenizer
// defines is_split_into_words: every word encoded on its own without special tokens, word id = its index,
// then truncation of the concatenation and [CLS]/[SEP] added by the tokenizer's own post-processor.
// - "slow": for pairs truncated longest_first only, Hugging Face's Python (slow) tokenizer rule, which
//   tokenizers 0.23 no longer follows: the fast tokenizer's untruncated encoding, cut as transformers'
//   `truncate_sequences` cuts (one token at a time from the longer text, from the second when equal).
//   Neither JavaScript package implements it (transformers.js cuts the concatenation at max_length).
// Request: { tokenizer: dir, cases: [{ kind: "text"|"pair"|"words", text, pair, words, maxLength, strategy }],
//            normalize: [string], decode: [{ ids, skipSpecialTokens }] }
import { readFileSync } from 'node:fs';
import path from 'node:path';
import tk from 'tokenizers';
import { BertTokenizer } from '@huggingface/transformers';

const request = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const dir = request.tokenizer;
const tokenizerJson = JSON.parse(readFileSync(path.join(dir, 'tokenizer.json'), 'utf8'));
const config = JSON.parse(readFileSync(path.join(dir, 'tokenizer_config.json'), 'utf8'));
const fast = tk.Tokenizer.fromFile(path.join(dir, 'tokenizer.json'));
const js = new BertTokenizer(tokenizerJson, config);

/** Code point index -> UTF-16 index for one string. */
function utf16Index(s) {
  const map = [0];
  let u = 0;
  for (const ch of s) { u += ch.length; map.push(u); }
  return map;
}

function fastResult(e, texts) {
  const seq = e.getSequenceIds();
  const maps = texts.map(t => (t === null ? null : utf16Index(t)));
  const offsets = e.getOffsets().map(([s, end], i) => {
    const k = seq[i];
    if (k === null || k === undefined) return [s, end];
    return [maps[k][s], maps[k][end]];
  });
  return { ids: e.getIds(), tokens: e.getTokens(), typeIds: e.getTypeIds(), wordIds: e.getWordIds(), offsets };
}

function strategyName(s) { return { longest_first: 'LongestFirst', only_first: 'OnlyFirst', only_second: 'OnlySecond' }[s ?? 'longest_first']; }

async function runFast(c) {
  if (c.maxLength) fast.setTruncation(c.maxLength, { strategy: strategyName(c.strategy) }); else fast.disableTruncation();
  if (c.kind === 'text') return fastResult(await fast.encode(c.text, null), [c.text]);
  if (c.kind === 'pair') return fastResult(await fast.encode(c.text, c.pair), [c.text, c.pair]);
  // words: each word alone, without specials; then the same truncation and post-processing as a single text.
  fast.disableTruncation();
  const ids = [], tokens = [], wordIds = [], offsets = [];
  for (let w = 0; w < c.words.length; w++) {
    const e = await fast.encode(c.words[w], null, { addSpecialTokens: false });
    const map = utf16Index(c.words[w]);
    e.getIds().forEach((id, i) => { ids.push(id); tokens.push(e.getTokens()[i]); wordIds.push(w); const [s, end] = e.getOffsets()[i]; offsets.push([map[s], map[end]]); });
  }
  const keep = c.maxLength ? Math.min(ids.length, c.maxLength - 2) : ids.length;
  const cls = fast.tokenToId('[CLS]'), sep = fast.tokenToId('[SEP]');
  return {
    ids: [cls, ...ids.slice(0, keep), sep], tokens: ['[CLS]', ...tokens.slice(0, keep), '[SEP]'],
    typeIds: Array(keep + 2).fill(0), wordIds: [null, ...wordIds.slice(0, keep), null],
    offsets: [[0, 0], ...offsets.slice(0, keep), [0, 0]],
  };
}

/** transformers' PreTrainedTokenizer.truncate_sequences, longest_first, transcribed: the lengths kept. */
function slowLongestFirst(n1, n2, budget) {
  for (let remove = n1 + n2 - budget; remove > 0; remove--) {
    if (n1 > n2) n1--; else n2--;
  }
  return [n1, n2];
}

async function runSlow(c) {
  fast.disableTruncation();
  const full = fastResult(await fast.encode(c.text, c.pair), [c.text, c.pair]);
  const seq = (await fast.encode(c.text, c.pair)).getSequenceIds();
  const n = [0, 1].map(k => seq.filter(s => s === k).length);
  const specials = seq.filter(s => s === null || s === undefined).length;
  const keep = slowLongestFirst(n[0], n[1], c.maxLength - specials);
  const seen = [0, 0];
  const kept = seq.map(s => (s === null || s === undefined) ? true : seen[s]++ < keep[s]);
  const pick = (xs) => xs.filter((_, i) => kept[i]);
  return { ids: pick(full.ids), tokens: pick(full.tokens), typeIds: pick(full.typeIds), wordIds: pick(full.wordIds), offsets: pick(full.offsets) };
}

function runJs(c) {
  if (c.kind === 'words') {
    const ids = [];
    for (const w of c.words) ids.push(...js.encode(w, { add_special_tokens: false }));
    return { ids: [js.sep_token_id === undefined ? null : js._tokenizer.token_to_id('[CLS]'), ...ids, js.sep_token_id] };
  }
  const options = { text_pair: c.kind === 'pair' ? c.pair : null, return_tensor: false, return_token_type_ids: true };
  if (c.maxLength) { options.truncation = true; options.max_length = c.maxLength; }
  const e = js(c.text, options);
  return { ids: e.input_ids, typeIds: e.token_type_ids, tokens: e.input_ids.map(id => js._tokenizer.id_to_token(id)) };
}

const out = { versions: { tokenizers: 'tokenizers ' + JSON.parse(readFileSync(new URL('./node_modules/tokenizers/package.json', import.meta.url))).version,
  transformers: '@huggingface/transformers ' + JSON.parse(readFileSync(new URL('./node_modules/@huggingface/transformers/package.json', import.meta.url))).version },
  cases: [], normalize: [], decode: [] };
for (const c of request.cases ?? []) {
  const result = {};
  try { result.fast = await runFast(c); } catch (e) { result.fast = { error: String(e.message ?? e) }; }
  try { result.js = runJs(c); } catch (e) { result.js = { error: String(e.message ?? e) }; }
  if (c.kind === 'pair' && c.maxLength && (c.strategy ?? 'longest_first') === 'longest_first') result.slow = await runSlow(c);
  out.cases.push(result);
}
const normalizer = fast.getNormalizer();
for (const s of request.normalize ?? []) out.normalize.push(normalizer.normalizeString(s));
for (const d of request.decode ?? []) {
  out.decode.push({ fast: await fast.decode(d.ids, d.skipSpecialTokens), js: js.decode(d.ids, { skip_special_tokens: d.skipSpecialTokens }) });
}
process.stdout.write(JSON.stringify(out));
