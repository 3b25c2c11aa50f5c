#!/bin/sh
# Makes data/t5/spiece.model, the SentencePiece Unigram tokenizer of the embedded seq2seq default (T5 on the
# synthetic QA data in data/qa/). The model is committed; this script regenerates it after the QA data changes
# (`orchestrator data generate --output data`, then `sh data/t5/make-spiece.sh`).
#
# Built the way T5's own spiece.model is: Unigram, nmt_nfkc normalisation, pad 0, </s> 1, <unk> 2 and no BOS
# (T5Tokenizer adds the 100 <extra_id_N> sentinels on top). The vocabulary is trained on every text of
# data/qa/*.csv (contexts, questions and answers) with full character coverage, so no answer needs <unk>.
# One thread, a fixed seed and no sampling of sentences: the same data gives the same model, byte for byte.
#
# Needs Debian's `sentencepiece` (spm_train) and python3-sentencepiece (/usr/bin/python3; its csv module reads the
# RFC 4180 files). VOCAB_SIZE overrides the size (spm_train refuses more than the data supports: 348 for the committed data).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
qa="$here/../qa"
vocab_size=${VOCAB_SIZE:-340}
python=${PYTHON:-/usr/bin/python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One text per line: every field of every record (the header excluded), splits in a fixed order.
"$python" - "$qa/train.csv" "$qa/validation.csv" "$qa/test.csv" > "$work/corpus.txt" <<'PY'
import csv
import sys

for path in sys.argv[1:]:
    with open(path, encoding="utf-8", newline="") as f:
        rows = csv.reader(f)
        next(rows)
        for row in rows:
            for field in row:
                print(field)
PY

# The model records its input and prefix paths: relative ones, from inside the scratch folder, keep it reproducible.
cd "$work"
spm_train --input=corpus.txt --model_prefix=spiece \
    --model_type=unigram --vocab_size="$vocab_size" --character_coverage=1.0 \
    --normalization_rule_name=nmt_nfkc \
    --pad_id=0 --eos_id=1 --unk_id=2 --bos_id=-1 --pad_piece='<pad>' --eos_piece='</s>' --unk_piece='<unk>' \
    --num_threads=1 --random_seed=42 --input_sentence_size=0 --shuffle_input_sentence=false \
    --minloglevel=1

# Written beside, then renamed: a failed run never leaves half a model.
cp "$work/spiece.model" "$here/spiece.model.tmp"
mv "$here/spiece.model.tmp" "$here/spiece.model"
echo "$here/spiece.model: $("$python" -c 'import sentencepiece as s, sys; print(s.SentencePieceProcessor(model_file=sys.argv[1]).get_piece_size())' "$here/spiece.model") pieces"
