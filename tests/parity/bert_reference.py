#!/usr/bin/env python3
"""Reference BERT / DistilBERT classifiers in plain PyTorch, for parity tests of src/Worker/Models.

`transformers` cannot be installed here, so this re-creates its eager modelling code (transformers 4.x,
modeling_bert.py and modeling_distilbert.py) with torch.nn and the same module and parameter names, and reads and
writes checkpoints with the independent safetensors implementation next to it. It shares no code with the C# side.

  check FOLDER INPUTS OUT [TRAIN_SEED]
      Builds the architecture named in FOLDER/config.json, loads FOLDER/model.safetensors strictly (every name must
      match), runs the inputs in eval mode, back-propagates the loss and writes to OUT: logits, loss,
      grad/<parameter> and param/<name> (the loaded state dict, to compare bytes and dtypes). With TRAIN_SEED the
      model runs in training mode after torch.manual_seed(TRAIN_SEED), so dropout masks come from that seed.
  make FOLDER ARCH TASK LABELS SEED INPUTS OUT
      Writes a randomly initialised checkpoint (transformers' _init_weights, torch.manual_seed(SEED)) of a small
      ARCH (bert|distilbert) for TASK (token|sequence) with LABELS labels to FOLDER (config.json, model.safetensors),
      then writes its eval-mode logits and loss on INPUTS to OUT.
  step ARCH SIZE BATCH SEQ STEPS
      Times training steps (forward, loss, backward, clip 1.0, AdamW, zero_grad) and prints seconds per step (and of
      the AdamW step alone) as JSON.

INPUTS is a safetensors file with input_ids, attention_mask, optional token_type_ids and labels.
"""
import json
import math
import os
import sys
import time

import torch
from torch import nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_reference as st  # noqa: E402

FINFO_MIN = torch.finfo(torch.float32).min


def activation(name):
    if name == "gelu":
        return F.gelu
    if name == "gelu_pytorch_tanh":
        return lambda x: F.gelu(x, approximate="tanh")
    if name == "gelu_new":
        return lambda x: 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))
    if name == "relu":
        return F.relu
    if name in ("silu", "swish"):
        return F.silu
    raise ValueError(f"unknown activation {name}")


class Cfg:
    """Normalised config (BERT names), read from a config.json dictionary."""

    def __init__(self, d):
        self.model_type = d["model_type"]
        self.distil = self.model_type == "distilbert"
        if self.distil:
            self.hidden_size, self.layers, self.heads = d["dim"], d["n_layers"], d["n_heads"]
            self.intermediate, self.act = d["hidden_dim"], d["activation"]
            self.dropout, self.attn_dropout = d["dropout"], d["attention_dropout"]
            self.eps, self.type_vocab = 1e-12, 0
            self.sinusoidal = d.get("sinusoidal_pos_embds", False)
            self.seq_dropout = d.get("seq_classif_dropout", 0.2)
            self.classifier_dropout = None
        else:
            self.hidden_size, self.layers, self.heads = d["hidden_size"], d["num_hidden_layers"], d["num_attention_heads"]
            self.intermediate, self.act = d["intermediate_size"], d["hidden_act"]
            self.dropout, self.attn_dropout = d["hidden_dropout_prob"], d["attention_probs_dropout_prob"]
            self.eps, self.type_vocab = d["layer_norm_eps"], d["type_vocab_size"]
            self.classifier_dropout = d.get("classifier_dropout")
            self.sinusoidal = False
        self.vocab, self.max_pos = d["vocab_size"], d["max_position_embeddings"]
        self.pad, self.std = d.get("pad_token_id", 0), d.get("initializer_range", 0.02)
        self.num_labels = len(d["id2label"]) if "id2label" in d else d.get("num_labels", 2)
        self.problem_type = d.get("problem_type")


# ---------------------------------------------------------------- BERT (modeling_bert.py, eager attention)

class BertEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.word_embeddings = nn.Embedding(c.vocab, c.hidden_size, padding_idx=c.pad)
        self.position_embeddings = nn.Embedding(c.max_pos, c.hidden_size)
        self.token_type_embeddings = nn.Embedding(c.type_vocab, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.eps)
        self.dropout = nn.Dropout(c.dropout)

    def forward(self, input_ids, token_type_ids):
        position_ids = torch.arange(input_ids.shape[1]).unsqueeze(0)
        if token_type_ids is None:
            token_type_ids = torch.zeros_like(input_ids)
        embeddings = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids)
        embeddings = embeddings + self.position_embeddings(position_ids)
        return self.dropout(self.LayerNorm(embeddings))


class BertSelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.heads, self.head_dim = c.heads, c.hidden_size // c.heads
        self.query = nn.Linear(c.hidden_size, c.hidden_size)
        self.key = nn.Linear(c.hidden_size, c.hidden_size)
        self.value = nn.Linear(c.hidden_size, c.hidden_size)
        self.dropout = nn.Dropout(c.attn_dropout)

    def split(self, x):
        return x.view(x.size()[:-1] + (self.heads, self.head_dim)).permute(0, 2, 1, 3)

    def forward(self, hidden, mask):
        q = self.split(self.query(hidden))
        k = self.split(self.key(hidden))
        v = self.split(self.value(hidden))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim)
        scores = scores + mask
        probs = self.dropout(F.softmax(scores, dim=-1))
        context = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        return context.view(context.size()[:-2] + (self.heads * self.head_dim,))


class BertSelfOutput(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.eps)
        self.dropout = nn.Dropout(c.dropout)

    def forward(self, hidden, input_tensor):
        return self.LayerNorm(self.dropout(self.dense(hidden)) + input_tensor)


class BertAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.self = BertSelfAttention(c)
        self.output = BertSelfOutput(c)

    def forward(self, hidden, mask):
        return self.output(self.self(hidden, mask), hidden)


class BertIntermediate(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.intermediate)
        self.act = activation(c.act)

    def forward(self, hidden):
        return self.act(self.dense(hidden))


class BertOutput(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.intermediate, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.eps)
        self.dropout = nn.Dropout(c.dropout)

    def forward(self, hidden, input_tensor):
        return self.LayerNorm(self.dropout(self.dense(hidden)) + input_tensor)


class BertLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = BertAttention(c)
        self.intermediate = BertIntermediate(c)
        self.output = BertOutput(c)

    def forward(self, hidden, mask):
        attended = self.attention(hidden, mask)
        return self.output(self.intermediate(attended), attended)


class BertEncoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList([BertLayer(c) for _ in range(c.layers)])

    def forward(self, hidden, mask):
        for layer in self.layer:
            hidden = layer(hidden, mask)
        return hidden


class BertPooler(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.hidden_size)

    def forward(self, hidden):
        return torch.tanh(self.dense(hidden[:, 0]))


class BertModel(nn.Module):
    def __init__(self, c, add_pooling_layer=True):
        super().__init__()
        self.embeddings = BertEmbeddings(c)
        self.encoder = BertEncoder(c)
        self.pooler = BertPooler(c) if add_pooling_layer else None

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        extended = attention_mask[:, None, None, :].to(torch.float32)
        extended = (1.0 - extended) * FINFO_MIN
        sequence = self.encoder(self.embeddings(input_ids, token_type_ids), extended)
        return sequence, (self.pooler(sequence) if self.pooler is not None else None)


# ---------------------------------------------------------------- DistilBERT (modeling_distilbert.py)

def sinusoidal_(out):
    n_pos, dim = out.shape
    position_enc = torch.tensor([[pos / (10000 ** (2 * (j // 2) / dim)) for j in range(dim)] for pos in range(n_pos)], dtype=torch.float64)
    with torch.no_grad():
        out[:, 0::2] = torch.sin(position_enc[:, 0::2]).float()
        out[:, 1::2] = torch.cos(position_enc[:, 1::2]).float()
    out.requires_grad = False


class Embeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.word_embeddings = nn.Embedding(c.vocab, c.hidden_size, padding_idx=c.pad)
        self.position_embeddings = nn.Embedding(c.max_pos, c.hidden_size)
        if c.sinusoidal:
            sinusoidal_(self.position_embeddings.weight)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=1e-12)
        self.dropout = nn.Dropout(c.dropout)

    def forward(self, input_ids):
        position_ids = torch.arange(input_ids.size(1)).unsqueeze(0).expand_as(input_ids)
        return self.dropout(self.LayerNorm(self.word_embeddings(input_ids) + self.position_embeddings(position_ids)))


class MultiHeadSelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.n_heads, self.dim = c.heads, c.hidden_size
        self.dropout = nn.Dropout(p=c.attn_dropout)
        self.q_lin = nn.Linear(c.hidden_size, c.hidden_size)
        self.k_lin = nn.Linear(c.hidden_size, c.hidden_size)
        self.v_lin = nn.Linear(c.hidden_size, c.hidden_size)
        self.out_lin = nn.Linear(c.hidden_size, c.hidden_size)

    def forward(self, x, mask):
        bs, k_length = x.size(0), x.size(1)
        dim_per_head = self.dim // self.n_heads

        def shape(t):
            return t.view(bs, -1, self.n_heads, dim_per_head).transpose(1, 2)

        q = shape(self.q_lin(x)) / math.sqrt(dim_per_head)
        k = shape(self.k_lin(x))
        v = shape(self.v_lin(x))
        scores = torch.matmul(q, k.transpose(2, 3))
        mask = (mask == 0).view(bs, 1, 1, k_length).expand_as(scores)
        scores = scores.masked_fill(mask, torch.tensor(FINFO_MIN))
        weights = self.dropout(F.softmax(scores, dim=-1))
        context = torch.matmul(weights, v).transpose(1, 2).contiguous().view(bs, -1, self.n_heads * dim_per_head)
        return self.out_lin(context)


class FFN(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dropout = nn.Dropout(p=c.dropout)
        self.lin1 = nn.Linear(c.hidden_size, c.intermediate)
        self.lin2 = nn.Linear(c.intermediate, c.hidden_size)
        self.activation = activation(c.act)

    def forward(self, x):
        return self.dropout(self.lin2(self.activation(self.lin1(x))))


class TransformerBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = MultiHeadSelfAttention(c)
        self.sa_layer_norm = nn.LayerNorm(c.hidden_size, eps=1e-12)
        self.ffn = FFN(c)
        self.output_layer_norm = nn.LayerNorm(c.hidden_size, eps=1e-12)

    def forward(self, x, mask):
        sa = self.sa_layer_norm(self.attention(x, mask) + x)
        return self.output_layer_norm(self.ffn(sa) + sa)


class Transformer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList([TransformerBlock(c) for _ in range(c.layers)])

    def forward(self, x, mask):
        for layer in self.layer:
            x = layer(x, mask)
        return x


class DistilBertModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embeddings = Embeddings(c)
        self.transformer = Transformer(c)

    def forward(self, input_ids, attention_mask):
        return self.transformer(self.embeddings(input_ids), attention_mask)


# ---------------------------------------------------------------- heads and losses

def sequence_loss(c, logits, labels):
    regression = c.problem_type == "regression" or (c.problem_type is None and c.num_labels == 1)
    if regression:
        return F.mse_loss(logits.squeeze(), labels.float().squeeze()) if c.num_labels == 1 else F.mse_loss(logits, labels.float())
    return F.cross_entropy(logits.view(-1, c.num_labels), labels.view(-1))


class BertForTokenClassification(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.bert = BertModel(c, add_pooling_layer=False)
        self.dropout = nn.Dropout(c.classifier_dropout if c.classifier_dropout is not None else c.dropout)
        self.classifier = nn.Linear(c.hidden_size, c.num_labels)

    def forward(self, input_ids, attention_mask, token_type_ids=None, labels=None):
        logits = self.classifier(self.dropout(self.bert(input_ids, attention_mask, token_type_ids)[0]))
        loss = None if labels is None else F.cross_entropy(logits.view(-1, self.c.num_labels), labels.view(-1))
        return logits, loss


class BertForSequenceClassification(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.bert = BertModel(c)
        self.dropout = nn.Dropout(c.classifier_dropout if c.classifier_dropout is not None else c.dropout)
        self.classifier = nn.Linear(c.hidden_size, c.num_labels)

    def forward(self, input_ids, attention_mask, token_type_ids=None, labels=None):
        logits = self.classifier(self.dropout(self.bert(input_ids, attention_mask, token_type_ids)[1]))
        return logits, None if labels is None else sequence_loss(self.c, logits, labels)


class DistilBertForTokenClassification(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.distilbert = DistilBertModel(c)
        self.dropout = nn.Dropout(c.dropout)
        self.classifier = nn.Linear(c.hidden_size, c.num_labels)

    def forward(self, input_ids, attention_mask, token_type_ids=None, labels=None):
        logits = self.classifier(self.dropout(self.distilbert(input_ids, attention_mask)))
        loss = None if labels is None else F.cross_entropy(logits.view(-1, self.c.num_labels), labels.view(-1))
        return logits, loss


class DistilBertForSequenceClassification(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.distilbert = DistilBertModel(c)
        self.pre_classifier = nn.Linear(c.hidden_size, c.hidden_size)
        self.classifier = nn.Linear(c.hidden_size, c.num_labels)
        self.dropout = nn.Dropout(c.seq_dropout)

    def forward(self, input_ids, attention_mask, token_type_ids=None, labels=None):
        pooled = self.distilbert(input_ids, attention_mask)[:, 0]
        logits = self.classifier(self.dropout(nn.ReLU()(self.pre_classifier(pooled))))
        return logits, None if labels is None else sequence_loss(self.c, logits, labels)


ARCHITECTURES = {cls.__name__: cls for cls in (
    BertForTokenClassification, BertForSequenceClassification,
    DistilBertForTokenClassification, DistilBertForSequenceClassification)}


def init_weights(model, c):
    """transformers' _init_weights."""
    for module in model.modules():
        if isinstance(module, nn.Linear):
            module.weight.data.normal_(mean=0.0, std=c.std)
            if module.bias is not None:
                module.bias.data.zero_()
        elif isinstance(module, nn.Embedding):
            module.weight.data.normal_(mean=0.0, std=c.std)
            if module.padding_idx is not None:
                module.weight.data[module.padding_idx].zero_()
        elif isinstance(module, nn.LayerNorm):
            module.bias.data.zero_()
            module.weight.data.fill_(1.0)
    if c.sinusoidal:
        sinusoidal_(model.distilbert.embeddings.position_embeddings.weight)


def small_config(arch, task, labels):
    names = [f"TAG_{i}" for i in range(labels)]
    common = {
        "vocab_size": 50, "max_position_embeddings": 40, "initializer_range": 0.02, "pad_token_id": 0,
        "id2label": {str(i): n for i, n in enumerate(names)}, "label2id": {n: i for i, n in enumerate(names)},
        "torch_dtype": "float32", "reference_note": "written by bert_reference.py",
    }
    if arch == "bert":
        cfg = dict(common, model_type="bert", hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                   intermediate_size=64, hidden_act="gelu", type_vocab_size=2, layer_norm_eps=1e-12,
                   hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1, classifier_dropout=None)
        name = "BertForTokenClassification" if task == "token" else "BertForSequenceClassification"
    else:
        cfg = dict(common, model_type="distilbert", dim=32, n_layers=2, n_heads=4, hidden_dim=64, activation="gelu",
                   dropout=0.1, attention_dropout=0.1, sinusoidal_pos_embds=True, seq_classif_dropout=0.2, qa_dropout=0.1)
        name = "DistilBertForTokenClassification" if task == "token" else "DistilBertForSequenceClassification"
    cfg["architectures"] = [name]
    return cfg, name


def run(model, inputs):
    return model(inputs["input_ids"], inputs["attention_mask"], inputs.get("token_type_ids"), inputs.get("labels"))


def check(folder, inputs_path, out, train_seed=None):
    with open(os.path.join(folder, "config.json")) as f:
        config = json.load(f)
    c = Cfg(config)
    model = ARCHITECTURES[config["architectures"][0]](c)
    state, _ = st.read(os.path.join(folder, "model.safetensors"))
    model.load_state_dict(state, strict=True)
    inputs, _ = st.read(inputs_path)
    if train_seed is None:
        model.eval()
    else:
        model.train()
        torch.manual_seed(train_seed)
    logits, loss = run(model, inputs)
    loss.backward()
    result = {"logits": logits.detach(), "loss": loss.detach()}
    for name, p in model.named_parameters():
        if p.grad is not None:
            result["grad/" + name] = p.grad
    for name, t in model.state_dict().items():
        result["param/" + name] = t
    st.write(out, result, {"format": "pt"})


def make(folder, arch, task, labels, seed, inputs_path, out):
    config, name = small_config(arch, task, labels)
    c = Cfg(config)
    torch.manual_seed(seed)
    model = ARCHITECTURES[name](c)
    init_weights(model, c)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    st.write(os.path.join(folder, "model.safetensors"), {k: v.contiguous() for k, v in model.state_dict().items()}, {"format": "pt"})
    model.eval()
    inputs, _ = st.read(inputs_path)
    with torch.no_grad():
        logits, loss = run(model, inputs)
    st.write(out, {"logits": logits, "loss": loss}, {"format": "pt"})


SIZES = {"tiny": (2, 128, 2, 512), "mini": (4, 256, 4, 1024), "small": (4, 512, 8, 2048), "base": (12, 768, 12, 3072)}


def sized_token_model(arch, size, vocab_size=30522, seed=42):
    """A randomly initialised token classifier (9 labels) of one of SIZES (transformers' _init_weights after
    torch.manual_seed(seed)); also used by the benches."""
    layers, hidden, heads, inter = SIZES[size]
    config, name = small_config(arch, "token", 9)
    config.update(vocab_size=vocab_size, max_position_embeddings=512)
    if arch == "bert":
        config.update(hidden_size=hidden, num_hidden_layers=layers, num_attention_heads=heads, intermediate_size=inter)
    else:
        config.update(dim=hidden, n_layers=layers, n_heads=heads, hidden_dim=inter)
    c = Cfg(config)
    torch.manual_seed(seed)
    model = ARCHITECTURES[name](c)
    init_weights(model, c)
    return model


def step(arch, size, batch, seq, steps):
    model = sized_token_model(arch, size)
    model.train()
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=2e-5, weight_decay=0.0)
    g = torch.Generator().manual_seed(7)
    input_ids = torch.randint(1, 30522, (batch, seq), generator=g)
    attention_mask = torch.ones(batch, seq, dtype=torch.int64)
    labels = torch.randint(0, 9, (batch, seq), generator=g)

    phases = os.environ.get("BENCH_PHASES") is not None

    def one():
        t0 = time.perf_counter()
        logits, loss = model(input_ids, attention_mask, None, labels)
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        t3 = time.perf_counter()
        optimizer.step()
        t4 = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        if phases:
            print(f"fwd {t1-t0:.3f} bwd {t2-t1:.3f} clip {t3-t2:.3f} adam {t4-t3:.3f}", file=sys.stderr)
        return t4 - t3

    one()  # warm-up
    times, adamw = [], []
    for _ in range(steps):
        start = time.perf_counter()
        adamw.append(one())
        times.append(time.perf_counter() - start)
    # The minimum is the least disturbed by other processes on a shared machine.
    print(json.dumps({"seconds_per_step": min(times), "adamw_seconds": min(adamw), "all": times, "threads": torch.get_num_threads()}))


def main():
    command = sys.argv[1]
    if command == "check":
        check(*sys.argv[2:5], *(int(a) for a in sys.argv[5:6]))
    elif command == "make":
        folder, arch, task, labels, seed, inputs_path, out = sys.argv[2:9]
        make(folder, arch, task, int(labels), int(seed), inputs_path, out)
    elif command == "step":
        arch, size, batch, seq, steps = sys.argv[2:7]
        step(arch, size, int(batch), int(seq), int(steps))
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main()
