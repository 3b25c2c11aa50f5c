#!/usr/bin/env bash
# T5 / SentencePiece Unigram tokenizer: ours (C#) vs the sentencepiece library (Debian python3-sentencepiece,
# the C++ implementation behind its Python binding), same generated corpus and spm_train model, same run.
# Prints lines/second on one core and on all cores, the ratios, and on how many lines the ids agree.
# Needs python3-sentencepiece and sentencepiece (spm_train) from apt. Usage:
#   bash bench/run-t5-tokenizer.sh [lines=20000] [repeats=5]
set -euo pipefail
cd "$(dirname "$0")/.."
lines="${1:-20000}"
repeats="${2:-5}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

/usr/bin/python3 bench/t5-tokenizer/bench_sentencepiece.py prepare "$work" "$lines"
dotnet build bench/Orchestrator.Bench -c Release -v quiet -nologo >/dev/null
# Two alternating rounds, best of each side, so a burst of other load does not favour either side.
theirs1="$(/usr/bin/python3 bench/t5-tokenizer/bench_sentencepiece.py run "$work" "$repeats")"
ours1="$(dotnet bench/Orchestrator.Bench/bin/Release/net10.0/Orchestrator.Bench.dll t5-tokenizer "$work" "$repeats")"
theirs2="$(/usr/bin/python3 bench/t5-tokenizer/bench_sentencepiece.py run "$work" "$repeats")"
ours2="$(dotnet bench/Orchestrator.Bench/bin/Release/net10.0/Orchestrator.Bench.dll t5-tokenizer "$work" "$repeats")"

/usr/bin/python3 - "$ours1" "$theirs1" "$ours2" "$theirs2" <<'PY'
import json, sys
ours1, sp1, ours2, sp2 = (json.loads(a) for a in sys.argv[1:])
best = lambda a, b: {k: (max(a[k], b[k]) if k.endswith("_lps") else a[k]) for k in a}
ours, sp = best(ours1, ours2), best(sp1, sp2)
f = lambda x: f"{x:14,.0f}"
print(f"corpus: {sp['lines']:,} lines, {sp['bytes']:,} bytes; model: {sp['pieces']:,} pieces (spm_train, nmt_nfkc); {ours['cores']} cores")
print(f"our load of spiece.model (charsmap, tries): {ours['load_seconds'] * 1000:.0f} ms")
print(f"ids agree on {ours['agree']:,} of {ours['lines']:,} lines ({ours['tokens']:,} tokens ours, {sp['tokens']:,} sentencepiece)")
for d in ours["differences"]:
    print("  " + d)
print(f"lines/s                          one core     all cores   one core per CPU-second")
print(f"ours (C#)                  {f(ours['single_lps'])}{f(ours['all_lps'])}{f(ours['single_cpu_lps'])}")
print(f"sentencepiece {sp['version']:<8}     {f(sp['single_lps'])}{f(sp['all_lps'])}{f(sp['single_cpu_lps'])}")
r = lambda k: f"{ours[k] / sp[k]:13.2f}x"
print(f"ratio ours / sentencepiece {r('single_lps')}{r('all_lps')}{r('single_cpu_lps')}")
PY
