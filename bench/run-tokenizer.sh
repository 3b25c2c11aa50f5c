#!/usr/bin/env bash
# Tokenizer throughput: ours (C#) vs Hugging Face's JavaScript tokenizers, same generated corpus and
# tokenizer, same run, then ours vs Microsoft.ML.Tokenizers 2.0.1's BertTokenizer on one thread (bench/TokenizerComparison).
# Prints words/second and the ratios. Runs `npm ci` in tests/parity/js when needed.
# Usage: bash bench/run-tokenizer.sh [megabytes=1.5] [repeats=5]
set -euo pipefail
cd "$(dirname "$0")/.."
megabytes="${1:-1.5}"
repeats="${2:-5}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

[ -d tests/parity/js/node_modules/tokenizers ] || (cd tests/parity/js && npm ci --no-audit --no-fund >&2)
node bench/tokenizer/generate-corpus.mjs "$work" "$megabytes"
dotnet build bench/Orchestrator.Bench -c Release -v quiet -nologo >/dev/null
dotnet build bench/TokenizerComparison -c Release -v quiet -nologo >/dev/null
# Two alternating rounds, best of each side, so a burst of other load does not favour either side.
ours1="$(dotnet bench/Orchestrator.Bench/bin/Release/net10.0/Orchestrator.Bench.dll tokenizer "$work" "$repeats")"
theirs1="$(node bench/tokenizer/bench-js.mjs "$work" "$repeats")"
ours2="$(dotnet bench/Orchestrator.Bench/bin/Release/net10.0/Orchestrator.Bench.dll tokenizer "$work" "$repeats")"
theirs2="$(node bench/tokenizer/bench-js.mjs "$work" "$repeats")"

node -e '
const best = (a, b) => Object.fromEntries(Object.keys(a).map(k => [k, k.endsWith("_wps") ? Math.max(a[k], b[k]) : a[k]]));
const ours = best(JSON.parse(process.argv[1]), JSON.parse(process.argv[3]));
const js = best(JSON.parse(process.argv[2]), JSON.parse(process.argv[4]));
if (ours.tokens !== js.tokens) throw new Error(`token counts differ: ours ${ours.tokens}, transformers.js ${js.tokens}`);
const f = (x) => Math.round(x).toLocaleString("en-US").padStart(12);
const r = (x) => x.toFixed(2) + "x";
console.log(`corpus: ${js.lines} lines, ${js.words} words, ${js.tokens} tokens (equal in both); ${js.cores} cores`);
console.log(`words/s                         single core     all cores  single core per CPU-second`);
console.log(`ours (C#)                      ${f(ours.ours_single_wps)}  ${f(ours.ours_all_wps)}  ${f(ours.ours_single_cpu_wps)}`);
console.log(`transformers.js                ${f(js.transformersjs_single_wps)}  ${f(js.transformersjs_all_wps)}  ${f(js.transformersjs_single_cpu_wps)}`);
console.log(`tokenizers (Rust, Node API)    ${f(js.rust_tokenizers_single_wps)}  ${f(js.rust_tokenizers_all_wps)}`);
console.log(`ratio ours / transformers.js   ${r(ours.ours_single_wps / js.transformersjs_single_wps).padStart(12)}  ${r(ours.ours_all_wps / js.transformersjs_all_wps).padStart(12)}  ${r(ours.ours_single_cpu_wps / js.transformersjs_single_cpu_wps).padStart(12)}`);
console.log(`ratio ours / tokenizers (Rust) ${r(ours.ours_single_wps / js.rust_tokenizers_single_wps).padStart(12)}  ${r(ours.ours_all_wps / js.rust_tokenizers_all_wps).padStart(12)}`);
' "$ours1" "$theirs1" "$ours2" "$theirs2"

# Microsoft.ML.Tokenizers: one thread, the same corpus and vocabulary, alternating with ours in one process.
dotnet bench/TokenizerComparison/bin/Release/net10.0/TokenizerComparison.dll throughput "$work" "$repeats" | node -e '
const m = JSON.parse(require("fs").readFileSync(0, "utf8"));
const f = (x) => Math.round(x).toLocaleString("en-US").padStart(12);
console.log(`\nsingle core, one process, alternating: ours ${f(m.ours_single_wps)} words/s, Microsoft.ML.Tokenizers 2.0.1 ${f(m.mltokenizers_single_wps)} words/s: ours ${(m.ours_single_wps / m.mltokenizers_single_wps).toFixed(2)}x`);
console.log(`(${m.lines} lines; tokens: ours ${m.ours_tokens}, Microsoft.ML.Tokenizers ${m.mltokenizers_tokens}; lines with different ids: ${m.lines_with_different_ids})`);
'
