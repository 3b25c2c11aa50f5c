// Throughput of Hugging Face's JavaScript tokenizers on the bench corpus, in words per second:
// transformers.js (BertTokenizer, the pure-JS one) and, for reference, the `tokenizers` package (the
// Rust fast tokenizer behind a Node binding). Single core: one thread, line by line. All cores: one
// worker thread per core over equal slices (transformers.js), encodeBatch (Rust, its own thread pool).
// Single core is also given per CPU-second of the process, which other jobs on the machine do not disturb.
// Usage: node bench/tokenizer/bench-js.mjs <dir with tokenizer.json, tokenizer_config.json, corpus.txt> [repeats]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const jsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../tests/parity/js');
const require = createRequire(path.join(jsDir, 'package.json'));
const { BertTokenizer } = await import(require.resolve('@huggingface/transformers'));

function load(dir) {
  return new BertTokenizer(
    JSON.parse(readFileSync(path.join(dir, 'tokenizer.json'), 'utf8')),
    JSON.parse(readFileSync(path.join(dir, 'tokenizer_config.json'), 'utf8')));
}

function encodeAll(tokenizer, lines) {
  let tokens = 0;
  for (const line of lines) tokens += tokenizer(line, { return_tensor: false }).input_ids.length;
  return tokens;
}

if (!isMainThread) {
  const tokenizer = load(workerData.dir);
  encodeAll(tokenizer, workerData.lines); // warm-up
  parentPort.on('message', () => parentPort.postMessage(encodeAll(tokenizer, workerData.lines)));
  parentPort.postMessage('ready');
} else {
  const dir = process.argv[2];
  const repeats = Number(process.argv[3] ?? 3);
  const lines = readFileSync(path.join(dir, 'corpus.txt'), 'utf8').split('\n').filter(l => l.length > 0);
  const words = lines.reduce((n, l) => n + l.split(/\s+/).filter(Boolean).length, 0);
  const best = (xs) => Math.min(...xs); // the least disturbed repeat
  const time = async (f) => { const t = process.hrtime.bigint(); await f(); return Number(process.hrtime.bigint() - t) / 1e9; };

  const tokenizer = load(dir);
  const tokens = encodeAll(tokenizer, lines);
  const single = [], singleCpu = [];
  for (let r = 0; r < repeats; r++) {
    const cpu = process.cpuUsage();
    single.push(await time(() => encodeAll(tokenizer, lines)));
    const used = process.cpuUsage(cpu);
    singleCpu.push((used.user + used.system) / 1e6);
  }

  const cores = os.availableParallelism();
  const slice = Math.ceil(lines.length / cores);
  const workers = [];
  for (let w = 0; w < cores; w++) {
    const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { dir, lines: lines.slice(w * slice, (w + 1) * slice) } });
    await new Promise(resolve => worker.once('message', resolve));
    workers.push(worker);
  }
  const all = [];
  for (let r = 0; r < repeats; r++) {
    all.push(await time(() => Promise.all(workers.map(w => new Promise(resolve => { w.once('message', resolve); w.postMessage('go'); })))));
  }
  workers.forEach(w => w.terminate());

  const tk = require('tokenizers');
  const fast = tk.Tokenizer.fromFile(path.join(dir, 'tokenizer.json'));
  await fast.encodeBatch(lines);
  const rustSingle = [], rustAll = [];
  for (let r = 0; r < repeats; r++) {
    rustSingle.push(await time(async () => { for (const line of lines) await fast.encode(line); }));
    rustAll.push(await time(() => fast.encodeBatch(lines)));
  }
  console.log(JSON.stringify({
    lines: lines.length, words, tokens, cores,
    transformersjs_single_wps: words / best(single), transformersjs_single_cpu_wps: words / best(singleCpu),
    transformersjs_all_wps: words / best(all),
    rust_tokenizers_single_wps: words / best(rustSingle), rust_tokenizers_all_wps: words / best(rustAll),
  }));
}
