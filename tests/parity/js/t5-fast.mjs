// Hugging Face's fast tokenizer (the `tokenizers` package: the Rust engine of T5TokenizerFast) on a
// tokenizer.json with a Unigram model, for the C# T5 tokenizer parity tests. Reads a request JSON file
// (argv[2]): { tokenizer: path of tokenizer.json, cases: [{ text, pair, maxLength, strategy }],
// decode: [[ids]] } and prints { cases: [{ ids, tokens } | { error }], decoded: [string] } (decode with
// skip_special_tokens; the Metaspace decoder's output).
import { readFileSync } from 'node:fs';
import tk from 'tokenizers';

const request = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const fast = tk.Tokenizer.fromFile(request.tokenizer);
const strategies = { longest_first: 'LongestFirst', only_first: 'OnlyFirst', only_second: 'OnlySecond' };

const cases = [];
for (const c of request.cases) {
  try {
    if (c.maxLength) fast.setTruncation(c.maxLength, { strategy: strategies[c.strategy ?? 'longest_first'] });
    else fast.disableTruncation();
    const e = await fast.encode(c.text, c.pair ?? null);
    cases.push({ ids: e.getIds(), tokens: e.getTokens() });
  } catch (error) {
    cases.push({ error: String(error) });
  }
}
const decoded = [];
for (const ids of request.decode ?? []) decoded.push(await fast.decode(ids, true));
process.stdout.write(JSON.stringify({ cases, decoded }));
