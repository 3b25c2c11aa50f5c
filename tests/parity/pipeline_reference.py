#!/usr/bin/env python3
"""Reference Hugging Face pipelines in plain Python + PyTorch, for the parity tests and bench of `orchestrator predict`.

`transformers` cannot be installed here, so this re-creates, from the pipelines' documented behaviour and source
(transformers' pipelines/token_classification.py and text_classification.py, read, not copied), what
pipeline("token-classification", aggregation_strategy=..., stride=...) and pipeline("text-classification", top_k=...)
return, on the model of bert_reference.py and with a WordPiece tokenizer of its own (BertTokenizerFast's
normalizer, pre-tokenizer, model and decoder; offsets in code points, as Python indexes strings). It shares no code
with the C# side.

  make FOLDER KIND SEED [SIZE]
      Writes a small fine-tuned-looking model folder: config.json, model.safetensors, vocab.txt and
      tokenizer_config.json. KIND: token (NER labels, 40 positions), sequence (3 labels), sequence1 (one label,
      sigmoid). The classifier's weights are drawn wider than transformers' init so scores are far from ties.
      SIZE (bench only): mini or small, with 512 positions.
  expected FOLDER INPUTS OUT
      INPUTS: one JSON object per line {"text": ..., "text_pair": ...}. Writes OUT: for a token model
      {"none": [...], "simple": [...], "first": [...], "average": [...], "max": [...]}, one answer per input;
      for a sequence model {"best": [...], "top2": [...], "all": [...]}. Each input runs alone (batch size 1,
      no padding), as the pipelines run by default.
  fixture DIR
      What the C# parity tests need in one process: DIR/token, DIR/sequence and DIR/sequence1 made (seeds 7, 8, 9),
      then DIR/token.expected.json from DIR/token.jsonl and DIR/sequence{,1}.expected.json from DIR/sequence.jsonl.
  bench FOLDER INPUTS STRATEGY BATCH REPEATS
      Times the reference pipeline over INPUTS (batches of BATCH padded to their longest) and prints texts/s as JSON.
"""
import json
import os
import sys
import time
import unicodedata

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bert_reference as br  # noqa: E402
import safetensors_reference as st  # noqa: E402

# ---------------------------------------------------------------- the tiny vocabulary

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
# Whole words, and words spelled as WordPiece pieces so that sub-words occur (accents are stripped first).
WORDS = ("john smith visited and last week les de l ' ecole polytechnique : emile zola , 東 京 ! great news from - "
         "based corp . in met the a of to is was at on for with paris berlin anna maria lives works near").split()
PIECES = ["zur", "##ich", "gen", "##eve", "unbeliev", "##ably", "mikh", "##ail", "gorb", "##ache", "##v", "angel", "##a",
          "mer", "##kel", "reyk", "##javi", "##k", "tok", "##yo", "son", "##y", "ele", "##ves", "ber", "##lin", "##er",
          "##s", "##ing", "##ed"]


def vocabulary():
    return SPECIALS + WORDS + PIECES


# ---------------------------------------------------------------- BertTokenizerFast, re-created

def is_whitespace(ch):
    return ch in " \t\n\r" or unicodedata.category(ch) == "Zs"


def is_control(ch):
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch) in ("Cc", "Cf")


def is_punctuation(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def is_chinese(ch):
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in (
        (0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F), (0x2B740, 0x2B81F),
        (0x2B820, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)))


class WordPieceTokenizer:
    """BertNormalizer (clean text, CJK spacing, strip accents, lowercase), BertPreTokenizer, WordPiece, [CLS]/[SEP]."""

    def __init__(self, vocab, model_max_length):
        self.vocab = {t: i for i, t in enumerate(vocab)}
        self.inv = list(vocab)
        self.unk_id, self.cls_id, self.sep_id, self.pad_id = (self.vocab[t] for t in ("[UNK]", "[CLS]", "[SEP]", "[PAD]"))
        self.model_max_length = model_max_length

    def normalize(self, text):
        """Normalized characters, each with the code point index of the original character it came from."""
        out = []
        for i, ch in enumerate(text):
            if ord(ch) == 0 or ord(ch) == 0xFFFD or is_control(ch):
                continue
            if is_whitespace(ch):
                out.append((" ", i))
                continue
            if is_chinese(ch):
                out += [(" ", i), (ch, i), (" ", i)]
                continue
            for c in unicodedata.normalize("NFD", ch):
                if unicodedata.category(c) == "Mn":
                    continue
                for low in c.lower():
                    out.append((low, i))
        return out

    def wordpiece(self, word, start, end, chars_of_word):
        """Greedy longest-match-first; the whole word is [UNK] when any piece is missing."""
        pieces, pos = [], 0
        if len(word) > 100:
            return [(self.unk_id, start, end)]
        while pos < len(word):
            stop, found = len(word), None
            while stop > pos:
                piece = word[pos:stop] if pos == 0 else "##" + word[pos:stop]
                if piece in self.vocab:
                    found = piece
                    break
                stop -= 1
            if found is None:
                return [(self.unk_id, start, end)]
            pieces.append((self.vocab[found], chars_of_word[pos], chars_of_word[stop - 1] + 1))
            pos = stop
        return pieces

    def tokenize(self, text):
        """Content tokens (id, start, end), no special tokens."""
        result = []
        chars = self.normalize(text)
        # Rebuild each word's per-character origins to give pieces their own offsets.
        words, current = [], []

        def flush():
            if current:
                words.append(list(current))
                current.clear()
        for ch, i in chars:
            if ch == " ":
                flush()
            elif is_punctuation(ch):
                flush()
                words.append([(ch, i)])
            else:
                current.append((ch, i))
        flush()
        for w in words:
            word = "".join(c for c, _ in w)
            result += self.wordpiece(word, w[0][1], w[-1][1] + 1, [i for _, i in w])
        return result

    def encode(self, text, pair=None):
        """input_ids, token_type_ids and offsets of [CLS] A [SEP] (B [SEP])."""
        first = self.tokenize(text)
        ids = [self.cls_id] + [t[0] for t in first] + [self.sep_id]
        types = [0] * len(ids)
        offsets = [(0, 0)] + [(t[1], t[2]) for t in first] + [(0, 0)]
        if pair is not None:
            second = self.tokenize(pair)
            ids += [t[0] for t in second] + [self.sep_id]
            types += [1] * (len(second) + 1)
            offsets += [(t[1], t[2]) for t in second] + [(0, 0)]
        return ids, types, offsets

    def windows(self, text, stride):
        """return_overflowing_tokens with a stride: windows of model_max_length - 2 content tokens overlapping by stride."""
        content = self.tokenize(text)
        capacity = self.model_max_length - 2
        spans = []
        if len(content) <= capacity:
            spans = [(0, len(content))]
        else:
            start = 0
            while True:
                end = min(start + capacity, len(content))
                spans.append((start, end))
                if end == len(content):
                    break
                start += capacity - stride
        result = []
        for s, e in spans:
            part = content[s:e]
            ids = [self.cls_id] + [t[0] for t in part] + [self.sep_id]
            offsets = [(0, 0)] + [(t[1], t[2]) for t in part] + [(0, 0)]
            special = [1] + [0] * len(part) + [1]
            result.append((s, ids, [0] * len(ids), offsets, special))
        return result

    def convert_tokens_to_string(self, tokens):
        """The WordPiece decoder: `##` pieces glued, others joined by a space, each token cleaned up."""
        out = []
        for i, token in enumerate(tokens):
            if i != 0:
                token = token[2:] if token.startswith("##") else " " + token
            for a, b in ((" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"),
                         (" 'm", "'m"), (" do not", " don't"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re")):
                token = token.replace(a, b)
            out.append(token)
        return "".join(out)


def load_tokenizer(folder):
    with open(os.path.join(folder, "vocab.txt"), encoding="utf-8") as f:
        vocab = [line.rstrip("\n") for line in f]
    with open(os.path.join(folder, "tokenizer_config.json")) as f:
        config = json.load(f)
    return WordPieceTokenizer(vocab, config["model_max_length"])


# ---------------------------------------------------------------- the token classification pipeline

def softmax(logits):
    maxes = np.max(logits, axis=-1, keepdims=True)
    shifted = np.exp(logits - maxes)
    return shifted / shifted.sum(axis=-1, keepdims=True)


def split_tag(label):
    """B-X -> (B, X); I-X -> (I, X); a label without a prefix continues itself: (I, label)."""
    if label.startswith("B-"):
        return "B", label[2:]
    if label.startswith("I-"):
        return "I", label[2:]
    return "I", label


class TokenPipeline:
    def __init__(self, tokenizer, model, id2label):
        self.tok, self.model, self.id2label = tokenizer, model, id2label

    def pre_entities(self, sentence, ids, offsets, special, scores, index_base):
        """Special tokens skipped; a token is a sub-word when its string and the text it covers differ in length;
        [UNK] shows the text it covers and starts a word."""
        result = []
        for idx, token_scores in enumerate(scores):
            if special[idx]:
                continue
            word = self.tok.inv[ids[idx]]
            start, end = offsets[idx]
            covered = sentence[start:end]
            is_subword = len(word) != len(covered)
            if ids[idx] == self.tok.unk_id:
                word, is_subword = covered, False
            result.append({"word": word, "scores": token_scores, "start": start, "end": end,
                           "index": idx + index_base, "is_subword": is_subword})
        return result

    def word_of(self, group, strategy):
        if strategy == "first":
            scores = group[0]["scores"]
        elif strategy == "max":
            best = group[0]
            for token in group[1:]:
                if token["scores"].max() > best["scores"].max():
                    best = token
            scores = best["scores"]
        else:  # average
            scores = np.nanmean(np.stack([t["scores"] for t in group]), axis=0)
        label = int(scores.argmax())
        return {"entity": self.id2label[label], "score": scores[label],
                "word": self.tok.convert_tokens_to_string([t["word"] for t in group]),
                "start": group[0]["start"], "end": group[-1]["end"]}

    def group(self, members):
        tag = members[0]["entity"].split("-", 1)[-1]
        return {"entity_group": tag, "score": np.mean(np.nanmean([m["score"] for m in members])),
                "word": self.tok.convert_tokens_to_string([m["word"] for m in members]),
                "start": members[0]["start"], "end": members[-1]["end"]}

    def aggregate(self, pre, strategy):
        if strategy in ("none", "simple"):
            entities = []
            for p in pre:
                label = int(p["scores"].argmax())
                entities.append({"entity": self.id2label[label], "score": p["scores"][label], "index": p["index"],
                                 "word": p["word"], "start": p["start"], "end": p["end"]})
        else:
            entities, current = [], []
            for p in pre:
                if current and not p["is_subword"]:
                    entities.append(self.word_of(current, strategy))
                    current = []
                current.append(p)
            if current:
                entities.append(self.word_of(current, strategy))
        if strategy == "none":
            return entities
        groups, current = [], []
        for e in entities:
            if current:
                bi, tag = split_tag(e["entity"])
                _, last_tag = split_tag(current[-1]["entity"])
                if not (tag == last_tag and bi != "B"):
                    groups.append(self.group(current))
                    current = []
            current.append(e)
        if current:
            groups.append(self.group(current))
        return groups

    @staticmethod
    def merge_overlapping(entities):
        if not entities:
            return entities
        entities = sorted(entities, key=lambda e: e["start"])
        merged, previous = [], entities[0]
        for e in entities:
            if previous["start"] <= e["start"] < previous["end"]:
                length, previous_length = e["end"] - e["start"], previous["end"] - previous["start"]
                if length > previous_length or (length == previous_length and e["score"] > previous["score"]):
                    previous = e
            else:
                merged.append(previous)
                previous = e
        merged.append(previous)
        return merged

    def postprocess(self, sentence, chunks, logits, strategy):
        found = []
        for (start, ids, _, offsets, special), chunk_logits in zip(chunks, logits):
            scores = softmax(chunk_logits)
            pre = self.pre_entities(sentence, ids, offsets, special, scores, start)
            key = "entity" if strategy == "none" else "entity_group"
            found += [e for e in self.aggregate(pre, strategy) if e[key] != "O"]
        return self.merge_overlapping(found) if len(chunks) > 1 else found

    def __call__(self, sentences, strategy, stride, batch_size=1):
        work = [(n, chunk) for n, s in enumerate(sentences) for chunk in self.tok.windows(s, stride)]
        logits = run_batches(self.model, [(c[1], c[2]) for _, c in work], self.tok.pad_id, batch_size)
        answers = []
        for n, sentence in enumerate(sentences):
            mine = [i for i, (m, _) in enumerate(work) if m == n]
            answers.append(self.postprocess(sentence, [work[i][1] for i in mine], [logits[i] for i in mine], strategy))
        return answers


MODEL_SECONDS = [0.0]  # time spent in the model (bench: the pipeline's floor with PyTorch, whatever its tokenizer)


def run_batches(model, inputs, pad_id, batch_size):
    """Logits per input (trimmed to its length): batches padded to their longest, masked, under no_grad."""
    result = []
    with torch.no_grad():
        for b in range(0, len(inputs), batch_size):
            batch = inputs[b:b + batch_size]
            width = max(len(ids) for ids, _ in batch)
            ids = torch.full((len(batch), width), pad_id, dtype=torch.int64)
            types = torch.zeros((len(batch), width), dtype=torch.int64)
            mask = torch.zeros((len(batch), width), dtype=torch.int64)
            for i, (row_ids, row_types) in enumerate(batch):
                ids[i, :len(row_ids)] = torch.tensor(row_ids)
                types[i, :len(row_types)] = torch.tensor(row_types)
                mask[i, :len(row_ids)] = 1
            started = time.perf_counter()
            logits = model(ids, mask, types)[0].numpy()
            MODEL_SECONDS[0] += time.perf_counter() - started
            for i, (row_ids, _) in enumerate(batch):
                result.append(logits[i, :len(row_ids)] if logits.ndim == 3 else logits[i])
    return result


# ---------------------------------------------------------------- the text classification pipeline

def text_classification(tok, model, config, inputs, top_k, batch_size=1):
    """top_k "": the pipeline's default single {label, score}; an int: that many, sorted; None: all, sorted."""
    encoded = [tok.encode(i["text"], i.get("text_pair")) for i in inputs]
    logits = run_batches(model, [(e[0], e[1]) for e in encoded], tok.pad_id, batch_size)
    id2label = {int(k): v for k, v in config["id2label"].items()}
    problem = config.get("problem_type")
    answers = []
    for out in logits:
        if problem == "regression":
            scores = out
        elif problem == "multi_label_classification" or len(id2label) == 1:
            scores = 1.0 / (1.0 + np.exp(-out))
        else:
            scores = softmax(out)
        if top_k == "":
            answers.append({"label": id2label[int(scores.argmax())], "score": float(scores.max())})
            continue
        rows = sorted(({"label": id2label[i], "score": float(s)} for i, s in enumerate(scores)), key=lambda r: r["score"], reverse=True)
        answers.append(rows if top_k is None else rows[:top_k])
    return answers


# ---------------------------------------------------------------- commands

NER_LABELS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "MISC"]


def make(folder, kind, seed, size=None):
    vocab = vocabulary()
    labels = NER_LABELS if kind == "token" else (["score"] if kind == "sequence1" else ["negative", "neutral", "positive"])
    config, name = br.small_config("bert", "token" if kind == "token" else "sequence", len(labels))
    config.update(vocab_size=len(vocab), id2label={str(i): n for i, n in enumerate(labels)},
                  label2id={n: i for i, n in enumerate(labels)})
    if kind != "token":
        config["max_position_embeddings"] = 64
    if size is not None:
        layers, hidden, heads, inter = br.SIZES[size]
        config.update(max_position_embeddings=512, hidden_size=hidden, num_hidden_layers=layers,
                      num_attention_heads=heads, intermediate_size=inter)
    config["reference_note"] = "written by pipeline_reference.py"
    c = br.Cfg(config)
    torch.manual_seed(seed)
    model = br.ARCHITECTURES[name](c)
    br.init_weights(model, c)
    # A fine-tuned head is confident: wide classifier weights keep scores far from ties between labels.
    model.classifier.weight.data.normal_(mean=0.0, std=0.5)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    st.write(os.path.join(folder, "model.safetensors"), {k: v.contiguous() for k, v in model.state_dict().items()}, {"format": "pt"})
    with open(os.path.join(folder, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(vocab) + "\n")
    tokenizer_config = {"do_lower_case": True, "model_max_length": config["max_position_embeddings"], "tokenize_chinese_chars": True,
                        "strip_accents": None, "cls_token": "[CLS]", "sep_token": "[SEP]", "pad_token": "[PAD]",
                        "unk_token": "[UNK]", "mask_token": "[MASK]", "clean_up_tokenization_spaces": True,
                        "tokenizer_class": "BertTokenizer"}
    with open(os.path.join(folder, "tokenizer_config.json"), "w") as f:
        json.dump(tokenizer_config, f, indent=2)


def load(folder):
    with open(os.path.join(folder, "config.json")) as f:
        config = json.load(f)
    model = br.ARCHITECTURES[config["architectures"][0]](br.Cfg(config))
    state, _ = st.read(os.path.join(folder, "model.safetensors"))
    model.load_state_dict(state, strict=True)
    model.eval()
    return config, model, load_tokenizer(folder)


def read_inputs(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def plain(value):
    """numpy scalars to JSON numbers (float32 scores keep their float32 value)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def default_stride(tok):
    return min(128, (tok.model_max_length - 2) // 2)


def expected(folder, inputs_path, out):
    config, model, tok = load(folder)
    inputs = read_inputs(inputs_path)
    if config["architectures"][0].endswith("TokenClassification"):
        pipe = TokenPipeline(tok, model, {int(k): v for k, v in config["id2label"].items()})
        texts = [i["text"] for i in inputs]
        result = {s: pipe(texts, s, default_stride(tok)) for s in ("none", "simple", "first", "average", "max")}
    else:
        result = {"best": text_classification(tok, model, config, inputs, ""),
                  "top2": text_classification(tok, model, config, inputs, 2),
                  "all": text_classification(tok, model, config, inputs, None)}
    with open(out, "w", encoding="utf-8") as f:
        json.dump(plain(result), f, ensure_ascii=False, indent=1)


def bench(folder, inputs_path, strategy, batch, repeats):
    config, model, tok = load(folder)
    texts = [i["text"] for i in read_inputs(inputs_path)]
    token = config["architectures"][0].endswith("TokenClassification")
    pipe = TokenPipeline(tok, model, {int(k): v for k, v in config["id2label"].items()}) if token else None

    def once():
        if token:
            pipe(texts, strategy, default_stride(tok), batch)
        else:
            text_classification(tok, model, config, [{"text": t} for t in texts], "", batch)
    once()  # warm-up
    times, model_times = [], []
    for _ in range(repeats):
        MODEL_SECONDS[0] = 0.0
        start = time.perf_counter()
        once()
        times.append(time.perf_counter() - start)
        model_times.append(MODEL_SECONDS[0])
    # The minimum is the least disturbed by other processes on a shared machine. The model-only rate is what a
    # pipeline with a free tokenizer and postprocessing (Hugging Face's Rust tokenizer comes close) would reach.
    print(json.dumps({"texts_per_second": len(texts) / min(times), "model_texts_per_second": len(texts) / min(model_times),
                      "texts": len(texts), "seconds": times, "threads": torch.get_num_threads()}))


def main():
    command = sys.argv[1]
    if command == "make":
        make(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5] if len(sys.argv) > 5 else None)
    elif command == "expected":
        expected(*sys.argv[2:5])
    elif command == "fixture":
        root = sys.argv[2]
        for kind, seed in (("token", 7), ("sequence", 8), ("sequence1", 9)):
            make(os.path.join(root, kind), kind, seed)
        expected(os.path.join(root, "token"), os.path.join(root, "token.jsonl"), os.path.join(root, "token.expected.json"))
        for kind in ("sequence", "sequence1"):
            expected(os.path.join(root, kind), os.path.join(root, "sequence.jsonl"), os.path.join(root, kind + ".expected.json"))
    elif command == "bench":
        folder, inputs_path, strategy, batch, repeats = sys.argv[2:7]
        bench(folder, inputs_path, strategy, int(batch), int(repeats))
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main()
