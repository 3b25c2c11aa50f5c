#!/usr/bin/env python3
"""Reference for the SentencePiece / T5 tokenizer parity tests (tests/Shared.Tests/Text/T5TokenizerParityTests.cs).

    /usr/bin/python3 tests/parity/sentencepiece_reference.py OUT_DIR

Writes a synthetic multilingual corpus (made up here: no dataset sentences), trains small Unigram models with
Debian's `spm_train` (package `sentencepiece`) and encodes every corpus line with the sentencepiece library
(`python3-sentencepiece`), the reference. For each model OUT_DIR/<name>/ gets:
  spiece.model       the trained model
  tokenizer.json     the same model as Hugging Face's T5 converter writes it (Unigram, Precompiled, Metaspace,
                     TemplateProcessing `$A </s>` / `$A </s> $B </s>`, added tokens incl. <extra_id_N>)
and OUT_DIR/reference.json holds, per model and per test line: ids, pieces, byte offsets (begin, end) and
the library's decode of the ids. The bundled model of the embedded seq2seq default (data/t5/spiece.model, made by
data/t5/make-spiece.sh) is checked as the model "bundled", on every text of data/qa/*.csv and the test lines.
"""
import base64
import csv
import json
import os
import random
import shutil
import subprocess
import sys

import struct

import sentencepiece as spm

# Words of a few scripts, with the characters NFKC changes: accents (precomposed and combining), ligatures,
# full-width and compatibility forms, circled and superscript digits, Roman numerals.
WORDS = {
    "latin": ["alder", "brisk", "cobalt", "dune", "ember", "fjord", "gable", "harbor", "inlet", "juniper", "kettle",
              "lantern", "meadow", "nimbus", "orchard", "pebble", "quarry", "ridge", "saddle", "thistle", "umber",
              "valley", "willow", "yonder", "zephyr", "The", "A", "It's", "don't", "we're"],
    "accents": ["café", "naïve", "façade", "Zürich", "señor", "crème", "brûlée", "Ångström", "Ærøskøbing", "São",
                "cafe\u0301", "nai\u0308ve", "Łódź", "Dvořák", "İstanbul", "straße"],
    "compat": ["ﬁne", "ﬂow", "ﬀort", "Ｆｕｌｌ", "ｗｉｄｔｈ", "１２３", "ｶﾀｶﾅ", "①", "②", "x²", "H₂O", "Ⅻ", "ℌ", "㎏",
               "™", "…", "½", "µs", "Å"],
    "cjk": ["東京", "大阪", "山川", "日本語", "中文", "汉字", "漢字", "ひらがな", "カタカナ", "한국어", "서울", "𠀀字"],
    "cyrillic": ["Москва", "река", "лес", "дом", "привет", "ёлка", "Київ", "щука"],
    "arabic": ["مرحبا", "كتاب", "سلام", "بيت", "مدينة"],
    "greek": ["αλφα", "βήτα", "Ωμέγα", "σοφία"],
    "emoji": ["😀", "🚀", "👍🏽", "🇫🇷", "❤️", "👨‍👩‍👧"],
    "digits": ["0", "7", "42", "1999", "3.14", "10,000", "2026-12-02", "+33", "#12"],
    "punct": [".", ",", "!", "?", ";", ":", "...", "!!!", "?!", "--", "(", ")", "\"", "'", "«", "»", "—", "@", "&"],
}
ALL_WORDS = [w for group in WORDS.values() for w in group]


SYLLABLES = {
    "latin": ["ka", "lo", "mi", "ne", "sul", "tor", "van", "bre", "qui", "zef", "dra", "pol", "yst", "gri", "ham",
              "ché", "lüd", "rø", "ñu", "Ka", "Mo", "Ste"],
    "cyrillic": ["ко", "ла", "ми", "не", "стр", "ов", "ка", "жи", "ю", "щё"],
}


def made_up_word(rng, script):
    return "".join(rng.choice(SYLLABLES[script]) for _ in range(rng.randint(1, 4)))


def sentence(rng, n_words):
    words = []
    for _ in range(n_words):
        group = rng.choice(["made_up"] * 6 + ["latin"] * 3 + ["accents", "compat", "cjk", "cyrillic", "arabic", "greek", "emoji", "digits", "punct", "punct"])
        if group == "made_up":
            words.append(made_up_word(rng, rng.choice(["latin", "latin", "latin", "cyrillic"])))
        else:
            words.append(rng.choice(WORDS[group]))
    seps = [" "] * 12 + ["  ", "\t", " \u3000", "\u00a0"]
    text = words[0]
    for w in words[1:]:
        text += rng.choice(seps) + w
    return text


def training_corpus():
    rng = random.Random(11)
    lines = [sentence(rng, rng.randint(3, 14)) for _ in range(3000)]
    # Every word on its own too, so that each script's characters are seen.
    lines += ALL_WORDS * 3
    return lines


def test_lines():
    rng = random.Random(12)
    lines = [sentence(rng, rng.randint(1, 20)) for _ in range(200)]
    lines += [
        "", " ", "   ", "\t", "\n", " \t\n ", "a", " a", "a ", "  leading and trailing  ", "many     spaces   inside",
        "tab\tseparated\tvalues", "line one\nline two\r\nline three", "control\u0001chars\u0007here\u001f", "nul\u0000byte",
        "zero\u200bwidth\u200djoiner", "soft\u00adhyphen", "bidi\u202emark", "\ufeffbom at start", "replacement \ufffd char",
        "ﬁﬂﬀﬃﬄ ligatures", "ＦＵＬＬ　ＷＩＤＴＨ　ｔｅｘｔ", "①②③ ⑩ ⒈", "x² y³ H₂O", "Ⅰ Ⅱ Ⅲ Ⅻ", "㍻ ㋿ ㌔", "™ ℠ ℡ №",
        "e\u0301 a\u0300 o\u0308 combining", "ÅÅ Å ångström", "Ǆ ǅ ǆ", "ﾊﾝｶｸ ｶﾅ", "…‥", "½ ¼ ¾", "µ μ",
        "東京は日本の首都です。", "汉字和漢字", "한국어 텍스트", "𠀀𠀁 rare CJK", "Москва — столица.", "مرحبا بالعالم",
        "😀😀😀", "👨‍👩‍👧 family", "🇫🇷🇩🇪 flags", "mixed東京Москва😀café",
        "!!!???...", "((([[[{{{", "a.b,c;d:e", "--- ### ***", "'quoted' \"double\" «guillemets»",
        "12345678901234567890", "3.14159 2.71828", "1,000,000", "x" * 120, "é" * 50, "😀" * 30,
        "unseen Ѯ ꙮ ᚠᛇᚻ runes", "Ωμέγα ΣΟΦΙΑ σοφία", "İstanbul straße STRASSE",
        "user<sep>defined @@ symbols<sep><sep>", "@@@ ﬁﬁ <sep", "fine ﬁne",
    ]
    return lines


def train(name, out_dir, corpus_path, extra_args):
    model_dir = os.path.join(out_dir, name)
    os.makedirs(model_dir, exist_ok=True)
    prefix = os.path.join(model_dir, "spiece")
    args = ["spm_train", f"--input={corpus_path}", f"--model_prefix={prefix}", "--model_type=unigram",
            "--pad_id=0", "--eos_id=1", "--unk_id=2", "--bos_id=-1", "--character_coverage=0.995",
            "--num_threads=1", "--minloglevel=2", "--hard_vocab_limit=false", "--input_sentence_size=0", "--shuffle_input_sentence=false"] + extra_args
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.remove(prefix + ".vocab")
    return model_dir


def read_fields(data):
    """(field number, value) of a protobuf message: bytes for length-delimited fields, ints for varints, floats
    for 32-bit ones (Debian has no python3-protobuf beside python3-sentencepiece, and these few fields suffice)."""
    pos = 0
    while pos < len(data):
        key, pos = read_varint(data, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = read_varint(data, pos)
        elif wire == 2:
            length, pos = read_varint(data, pos)
            value, pos = data[pos:pos + length], pos + length
        elif wire == 5:
            value, pos = struct.unpack("<f", data[pos:pos + 4])[0], pos + 4
        elif wire == 1:
            value, pos = data[pos:pos + 8], pos + 8
        else:
            raise ValueError(f"wire type {wire}")
        yield field, value


def read_varint(data, pos):
    result = shift = 0
    while True:
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return result, pos


def write_tokenizer_json(model_dir, extra_ids=100):
    """What transformers' T5Converter (an SpmConverter) writes, reproduced without transformers."""
    with open(os.path.join(model_dir, "spiece.model"), "rb") as f:
        data = f.read()
    pieces, charsmap = [], b""
    normalizer = {"add_dummy_prefix": True, "remove_extra_whitespaces": True}
    trainer = {"unk_id": 0, "eos_id": 2, "byte_fallback": False}
    for field, value in read_fields(data):
        if field == 1:
            piece = {"piece": "", "score": 0.0, "type": 1}
            for f, v in read_fields(value):
                if f == 1:
                    piece["piece"] = v.decode("utf-8")
                elif f == 2:
                    piece["score"] = v
                elif f == 3:
                    piece["type"] = v
            pieces.append(piece)
        elif field == 2:
            for f, v in read_fields(value):
                if f == 40:
                    trainer["unk_id"] = v
                elif f == 42:
                    trainer["eos_id"] = v
                elif f == 35:
                    trainer["byte_fallback"] = bool(v)
        elif field == 3:
            for f, v in read_fields(value):
                if f == 2:
                    charsmap = v
                elif f == 3:
                    normalizer["add_dummy_prefix"] = bool(v)
                elif f == 4:
                    normalizer["remove_extra_whitespaces"] = bool(v)
    vocab = [[p["piece"], p["score"]] for p in pieces]
    vocab += [[f"<extra_id_{i}>", 0.0] for i in range(extra_ids - 1, -1, -1)]
    added = []
    for i, p in enumerate(pieces):
        if p["type"] in (2, 3):  # unknown and control pieces are special added tokens
            added.append({"id": i, "content": p["piece"], "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": False, "special": True})
        elif p["type"] == 4:
            added.append({"id": i, "content": p["piece"], "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": False, "special": False})
    for i in range(extra_ids - 1, -1, -1):
        added.append({"id": len(vocab) - 1 - i, "content": f"<extra_id_{i}>", "single_word": False, "lstrip": False,
                      "rstrip": False, "normalized": False, "special": True})
    # The converter's whitespace clean-up stands for remove_extra_whitespaces, and Metaspace's prepend scheme
    # for add_dummy_prefix (T5's models have both; the identity test model has neither).
    normalizers = []
    if normalizer["remove_extra_whitespaces"]:
        normalizers = [{"type": "Strip", "strip_left": False, "strip_right": True},
                       {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": "\u2581"}]
    prepend_scheme = "always" if normalizer["add_dummy_prefix"] else "never"
    if charsmap:
        normalizers.insert(0, {"type": "Precompiled", "precompiled_charsmap": base64.b64encode(charsmap).decode("ascii")})
    eos = pieces[trainer["eos_id"]]["piece"]
    special = lambda name: {"SpecialToken": {"id": name, "type_id": 0}}
    sequence = lambda name: {"Sequence": {"id": name, "type_id": 0}}
    tokenizer = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": {"type": "Sequence", "normalizers": normalizers},
        "pre_tokenizer": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": prepend_scheme, "split": True},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [sequence("A"), special(eos)],
            "pair": [sequence("A"), special(eos), sequence("B"), special(eos)],
            "special_tokens": {eos: {"id": eos, "ids": [trainer["eos_id"]], "tokens": [eos]}},
        },
        "decoder": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": prepend_scheme, "split": True},
        "model": {"type": "Unigram", "unk_id": trainer["unk_id"], "vocab": vocab,
                  "byte_fallback": trainer["byte_fallback"]},
    }
    with open(os.path.join(model_dir, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer, f, ensure_ascii=False)


def reference(model_dir, lines):
    sp = spm.SentencePieceProcessor(model_file=os.path.join(model_dir, "spiece.model"))
    cases = []
    for text in lines:
        proto = sp.encode(text, out_type="immutable_proto")
        ids = [p.id for p in proto.pieces]
        cases.append({
            "text": text,
            "ids": ids,
            "pieces": [p.piece for p in proto.pieces],
            "begins": [p.begin for p in proto.pieces],
            "ends": [p.end for p in proto.pieces],
            "decoded": sp.decode(ids),
        })
    return {"piece_size": sp.get_piece_size(), "cases": cases}


MODELS = {
    # T5's conventions: pad 0, eos 1, unk 2, no BOS; nmt_nfkc normalisation.
    "t5_like": ["--vocab_size=400", "--normalization_rule_name=nmt_nfkc"],
    # Byte fallback and user-defined symbols (matched before normalisation, always one piece).
    "byte_fallback": ["--vocab_size=700", "--normalization_rule_name=nmt_nfkc", "--byte_fallback=true",
                      "--user_defined_symbols=<sep>,@@,ﬁ"],
    # No normalisation rules, no dummy prefix, whitespace kept as it is.
    "identity": ["--vocab_size=300", "--normalization_rule_name=identity", "--add_dummy_prefix=false",
                 "--remove_extra_whitespaces=false"],
}


REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def qa_texts():
    """Contexts, questions and answers of the bundled QA data, in file order."""
    texts = []
    for split in ("train", "validation", "test"):
        with open(os.path.join(REPO, "data", "qa", split + ".csv"), encoding="utf-8", newline="") as f:
            rows = csv.reader(f)
            next(rows)
            for row in rows:
                texts.extend(row)
    return texts


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    corpus_path = os.path.join(out_dir, "corpus.txt")
    with open(corpus_path, "w", encoding="utf-8") as f:
        f.write("\n".join(training_corpus()) + "\n")
    lines = test_lines()
    result = {"models": {}}
    for name, args in MODELS.items():
        model_dir = train(name, out_dir, corpus_path, args)
        write_tokenizer_json(model_dir)
        result["models"][name] = reference(model_dir, lines)
    bundled_dir = os.path.join(out_dir, "bundled")
    os.makedirs(bundled_dir, exist_ok=True)
    shutil.copyfile(os.path.join(REPO, "data", "t5", "spiece.model"), os.path.join(bundled_dir, "spiece.model"))
    write_tokenizer_json(bundled_dir)
    result["models"]["bundled"] = reference(bundled_dir, qa_texts() + lines)
    with open(os.path.join(out_dir, "reference.json"), "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False)


if __name__ == "__main__":
    main()
