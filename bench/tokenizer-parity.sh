#!/usr/bin/env bash
# How many of our tokenizer parity cases (tests/Shared.Tests/Text/ParityCorpus.cs, cased and uncased test vocabularies)
# ours and Microsoft.ML.Tokenizers 2.0.1's BertTokenizer pass against Hugging Face (tests/parity/js), by kind of input,
# with Microsoft.ML.Tokenizers' failures by category. Usage: bash bench/tokenizer-parity.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d tests/parity/js/node_modules/tokenizers ] || (cd tests/parity/js && npm ci --no-audit --no-fund >&2)
dotnet build bench/TokenizerComparison -c Release -v quiet -nologo >&2
dotnet bench/TokenizerComparison/bin/Release/net10.0/TokenizerComparison.dll parity
