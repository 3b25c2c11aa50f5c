#!/usr/bin/env python3
"""Reference T5ForConditionalGeneration and generate() in plain PyTorch, for parity tests of src/Worker/Models/T5
and src/Worker/Generation.

`transformers` cannot be installed here, so this re-creates its eager T5 (transformers 4.46 modeling_t5.py: relative
position buckets, RMS layer norm, no attention scaling, shared embeddings, v1.0 tied head with the d_model ** -0.5
rescale, v1.1 gated-GELU) with torch.nn and the same parameter names, and generate()'s greedy search and beam search
for encoder-decoder models (generation/utils.py `_sample` without sampling and `_beam_search`, beam_search.py
BeamSearchScorer and BeamHypotheses, logits_process.py NoRepeatNGramLogitsProcessor) with a key/value cache:
the encoder runs once, each step feeds the newest token, self-attention keys/values are appended and reordered by
index_select, cross-attention keys/values are computed at the first step and kept. Checkpoints are read and written
with safetensors_reference.py. It shares no code with the C# side.

  make FOLDER VARIANT SEED INPUTS OUT
      Writes a randomly initialised tiny T5 (VARIANT v1.0 or v1.1; transformers' _init_weights after
      torch.manual_seed(SEED)) to FOLDER as save_pretrained does, then its eval-mode logits and loss on INPUTS to OUT.
  check FOLDER INPUTS OUT [TRAIN_SEED]
      Loads FOLDER strictly, runs INPUTS (input_ids, attention_mask, labels) in eval mode (or training mode after
      torch.manual_seed(TRAIN_SEED)), back-propagates the loss and writes logits, loss, grad/<name> and param/<name>.
  generate FOLDER INPUTS OUT NUM_BEAMS MAX_NEW_TOKENS NO_REPEAT_NGRAM LENGTH_PENALTY EARLY_STOPPING
      Generates from INPUTS (input_ids, attention_mask) in eval mode and writes `sequences` (int64) and, for beam
      search, `scores`. EARLY_STOPPING is true, false or never.
  step VARIANT BATCH SOURCE TARGET STEPS
      Times training steps of the t5-small shape (forward, loss, backward, AdamW, zero_grad); prints JSON.
  genbench VARIANT BATCH SOURCE NEW_TOKENS NUM_BEAMS REPEATS
      Times cached generation of the t5-small shape (eos never chosen, so every step runs); prints tokens/s as JSON.
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


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


ACT = {"relu": F.relu, "gelu_new": gelu_new, "gelu": F.gelu}


class Cfg:
    def __init__(self, d):
        self.vocab_size = d["vocab_size"]
        self.d_model, self.d_kv, self.d_ff = d["d_model"], d["d_kv"], d["d_ff"]
        self.num_layers = d["num_layers"]
        self.num_decoder_layers = d.get("num_decoder_layers") or self.num_layers
        self.num_heads = d["num_heads"]
        self.num_buckets = d.get("relative_attention_num_buckets", 32)
        self.max_distance = d.get("relative_attention_max_distance", 128)
        self.dropout_rate = d.get("dropout_rate", 0.1)
        self.eps = d.get("layer_norm_epsilon", 1e-6)
        self.factor = d.get("initializer_factor", 1.0)
        proj = d.get("feed_forward_proj", "relu")
        parts = proj.split("-")
        self.act = "gelu_new" if proj == "gated-gelu" else parts[-1]
        self.is_gated = parts[0] == "gated"
        self.tie = d.get("tie_word_embeddings", True)
        self.pad = d.get("pad_token_id", 0)
        self.eos = d.get("eos_token_id", 1)
        self.start = d.get("decoder_start_token_id", self.pad)


# ---------------------------------------------------------------- model (modeling_t5.py)

class T5LayerNorm(nn.Module):
    def __init__(self, size, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(size))
        self.variance_epsilon = eps

    def forward(self, h):
        variance = h.to(torch.float32).pow(2).mean(-1, keepdim=True)
        h = h * torch.rsqrt(variance + self.variance_epsilon)
        return self.weight * h


class T5DenseActDense(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.wi = nn.Linear(c.d_model, c.d_ff, bias=False)
        self.wo = nn.Linear(c.d_ff, c.d_model, bias=False)
        self.dropout = nn.Dropout(c.dropout_rate)
        self.act = ACT[c.act]

    def forward(self, h):
        return self.wo(self.dropout(self.act(self.wi(h))))


class T5DenseGatedActDense(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.wi_0 = nn.Linear(c.d_model, c.d_ff, bias=False)
        self.wi_1 = nn.Linear(c.d_model, c.d_ff, bias=False)
        self.wo = nn.Linear(c.d_ff, c.d_model, bias=False)
        self.dropout = nn.Dropout(c.dropout_rate)
        self.act = ACT[c.act]

    def forward(self, h):
        hidden_gelu = self.act(self.wi_0(h))
        hidden_linear = self.wi_1(h)
        return self.wo(self.dropout(hidden_gelu * hidden_linear))


class T5LayerFF(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.DenseReluDense = T5DenseGatedActDense(c) if c.is_gated else T5DenseActDense(c)
        self.layer_norm = T5LayerNorm(c.d_model, c.eps)
        self.dropout = nn.Dropout(c.dropout_rate)

    def forward(self, h):
        return h + self.dropout(self.DenseReluDense(self.layer_norm(h)))


class LayerCache:
    """Keys and values of one attention layer during generation."""

    def __init__(self):
        self.key = None
        self.value = None


class T5Attention(nn.Module):
    def __init__(self, c, is_decoder, has_relative_attention_bias):
        super().__init__()
        self.is_decoder = is_decoder
        self.has_relative_attention_bias = has_relative_attention_bias
        self.num_buckets, self.max_distance = c.num_buckets, c.max_distance
        self.n_heads, self.d_kv, self.dropout = c.num_heads, c.d_kv, c.dropout_rate
        inner = c.num_heads * c.d_kv
        self.q = nn.Linear(c.d_model, inner, bias=False)
        self.k = nn.Linear(c.d_model, inner, bias=False)
        self.v = nn.Linear(c.d_model, inner, bias=False)
        self.o = nn.Linear(inner, c.d_model, bias=False)
        if has_relative_attention_bias:
            self.relative_attention_bias = nn.Embedding(c.num_buckets, c.num_heads)

    @staticmethod
    def _relative_position_bucket(relative_position, bidirectional=True, num_buckets=32, max_distance=128):
        relative_buckets = 0
        if bidirectional:
            num_buckets //= 2
            relative_buckets += (relative_position > 0).to(torch.long) * num_buckets
            relative_position = torch.abs(relative_position)
        else:
            relative_position = -torch.min(relative_position, torch.zeros_like(relative_position))
        max_exact = num_buckets // 2
        is_small = relative_position < max_exact
        relative_position_if_large = max_exact + (
            torch.log(relative_position.float() / max_exact) / math.log(max_distance / max_exact) * (num_buckets - max_exact)
        ).to(torch.long)
        relative_position_if_large = torch.min(relative_position_if_large, torch.full_like(relative_position_if_large, num_buckets - 1))
        relative_buckets += torch.where(is_small, relative_position, relative_position_if_large)
        return relative_buckets

    def compute_bias(self, query_length, key_length, query_offset=0):
        context_position = torch.arange(query_offset, query_offset + query_length, dtype=torch.long)[:, None]
        memory_position = torch.arange(key_length, dtype=torch.long)[None, :]
        relative_position = memory_position - context_position
        bucket = self._relative_position_bucket(relative_position, bidirectional=not self.is_decoder,
                                                num_buckets=self.num_buckets, max_distance=self.max_distance)
        values = self.relative_attention_bias(bucket)
        return values.permute([2, 0, 1]).unsqueeze(0)

    def forward(self, hidden, mask=None, key_value_states=None, position_bias=None, cache=None, past_length=0):
        batch_size, seq_length = hidden.shape[:2]
        query = self.q(hidden).view(batch_size, -1, self.n_heads, self.d_kv).transpose(1, 2)
        if key_value_states is None:
            key = self.k(hidden).view(batch_size, -1, self.n_heads, self.d_kv).transpose(1, 2)
            value = self.v(hidden).view(batch_size, -1, self.n_heads, self.d_kv).transpose(1, 2)
            if cache is not None:
                if cache.key is not None:
                    key = torch.cat([cache.key, key], dim=2)
                    value = torch.cat([cache.value, value], dim=2)
                cache.key, cache.value = key, value
        elif cache is not None and cache.key is not None:
            key, value = cache.key, cache.value
        else:
            key = self.k(key_value_states).view(batch_size, -1, self.n_heads, self.d_kv).transpose(1, 2)
            value = self.v(key_value_states).view(batch_size, -1, self.n_heads, self.d_kv).transpose(1, 2)
            if cache is not None:
                cache.key, cache.value = key, value
        scores = torch.matmul(query, key.transpose(3, 2))
        if position_bias is None:
            key_length = key.shape[-2]
            if not self.has_relative_attention_bias:
                position_bias = torch.zeros((1, self.n_heads, seq_length, key_length), dtype=scores.dtype)
            else:
                position_bias = self.compute_bias(seq_length, key_length, past_length)
            if mask is not None:
                position_bias = position_bias + mask
        scores += position_bias
        attn_weights = F.softmax(scores.float(), dim=-1).type_as(scores)
        attn_weights = F.dropout(attn_weights, p=self.dropout, training=self.training)
        attn_output = torch.matmul(attn_weights, value).transpose(1, 2).contiguous()
        attn_output = attn_output.view(batch_size, -1, self.n_heads * self.d_kv)
        return self.o(attn_output), position_bias


class T5LayerSelfAttention(nn.Module):
    def __init__(self, c, is_decoder, has_bias):
        super().__init__()
        self.SelfAttention = T5Attention(c, is_decoder, has_bias)
        self.layer_norm = T5LayerNorm(c.d_model, c.eps)
        self.dropout = nn.Dropout(c.dropout_rate)

    def forward(self, h, mask, position_bias, cache, past_length):
        out, bias = self.SelfAttention(self.layer_norm(h), mask, None, position_bias, cache, past_length)
        return h + self.dropout(out), bias


class T5LayerCrossAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.EncDecAttention = T5Attention(c, True, False)
        self.layer_norm = T5LayerNorm(c.d_model, c.eps)
        self.dropout = nn.Dropout(c.dropout_rate)

    def forward(self, h, kv, mask, position_bias, cache):
        out, bias = self.EncDecAttention(self.layer_norm(h), mask, kv, position_bias, cache)
        return h + self.dropout(out), bias


class T5Block(nn.Module):
    def __init__(self, c, is_decoder, has_bias):
        super().__init__()
        self.is_decoder = is_decoder
        self.layer = nn.ModuleList([T5LayerSelfAttention(c, is_decoder, has_bias)])
        if is_decoder:
            self.layer.append(T5LayerCrossAttention(c))
        self.layer.append(T5LayerFF(c))

    def forward(self, h, mask, position_bias, enc, enc_mask, enc_dec_bias, self_cache, cross_cache, past_length):
        h, position_bias = self.layer[0](h, mask, position_bias, self_cache, past_length)
        if self.is_decoder and enc is not None:
            h, enc_dec_bias = self.layer[1](h, enc, enc_mask, enc_dec_bias, cross_cache)
        return self.layer[-1](h), position_bias, enc_dec_bias


class DecoderCache:
    def __init__(self, layers):
        self.self_attention = [LayerCache() for _ in range(layers)]
        self.cross_attention = [LayerCache() for _ in range(layers)]
        self.length = 0

    def reorder(self, beam_idx):
        # Beams move only within one input, whose cross-attention rows are equal: those need no reordering.
        for layer in self.self_attention:
            layer.key = layer.key.index_select(0, beam_idx)
            layer.value = layer.value.index_select(0, beam_idx)


def extended(mask):
    return (1.0 - mask[:, None, None, :].to(torch.float32)) * FINFO_MIN


class T5Stack(nn.Module):
    def __init__(self, c, is_decoder):
        super().__init__()
        self.is_decoder = is_decoder
        layers = c.num_decoder_layers if is_decoder else c.num_layers
        self.block = nn.ModuleList([T5Block(c, is_decoder, i == 0) for i in range(layers)])
        self.final_layer_norm = T5LayerNorm(c.d_model, c.eps)
        self.dropout = nn.Dropout(c.dropout_rate)

    def forward(self, embed_tokens, input_ids, attention_mask=None, enc=None, enc_attention_mask=None, cache=None):
        batch, seq = input_ids.shape
        past = cache.length if cache is not None else 0
        if self.is_decoder:
            # _update_causal_mask: 0 where visible, finfo.min elsewhere (no mask needed for one cached step)
            if seq == 1 and attention_mask is None:
                mask = None
            else:
                key_length = past + seq
                visible = torch.arange(key_length)[None, :] <= torch.arange(past, key_length)[:, None]
                visible = visible[None, None, :, :]
                if attention_mask is not None:
                    visible = visible & (attention_mask[:, None, None, :] != 0)
                mask = torch.where(visible, torch.zeros(1), torch.tensor(FINFO_MIN))
            enc_mask = extended(enc_attention_mask) if enc is not None and enc_attention_mask is not None else None
        else:
            mask = extended(attention_mask) if attention_mask is not None else None
            enc_mask = None
        h = self.dropout(embed_tokens(input_ids))
        position_bias = enc_dec_bias = None
        for i, block in enumerate(self.block):
            h, position_bias, enc_dec_bias = block(
                h, mask, position_bias, enc, enc_mask, enc_dec_bias,
                cache.self_attention[i] if cache is not None else None,
                cache.cross_attention[i] if cache is not None else None, past)
        if cache is not None:
            cache.length += seq
        return self.dropout(self.final_layer_norm(h))


class T5ForConditionalGeneration(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.shared = nn.Embedding(c.vocab_size, c.d_model)
        self.encoder = T5Stack(c, False)
        self.decoder = T5Stack(c, True)
        if not c.tie:
            self.lm_head = nn.Linear(c.d_model, c.vocab_size, bias=False)

    def _shift_right(self, labels):
        shifted = labels.new_zeros(labels.shape)
        shifted[..., 1:] = labels[..., :-1].clone()
        shifted[..., 0] = self.c.start
        shifted.masked_fill_(shifted == -100, self.c.pad)
        return shifted

    def head(self, sequence):
        if self.c.tie:
            sequence = sequence * (self.c.d_model ** -0.5)
            return F.linear(sequence, self.shared.weight)
        return self.lm_head(sequence)

    def forward(self, input_ids, attention_mask, labels):
        enc = self.encoder(self.shared, input_ids, attention_mask)
        sequence = self.decoder(self.shared, self._shift_right(labels), None, enc, attention_mask)
        logits = self.head(sequence)
        loss = F.cross_entropy(logits.view(-1, logits.size(-1)), labels.view(-1), ignore_index=-100)
        return logits, loss

    def decode_next(self, tokens, enc, enc_mask, cache):
        return self.head(self.decoder(self.shared, tokens, None, enc, enc_mask, cache))[:, -1, :]


def init_weights(model, c):
    """_init_weights through Module.apply (children before parents)."""
    factor = c.factor

    def fn(m):
        if isinstance(m, T5LayerNorm):
            m.weight.data.fill_(factor * 1.0)
        elif isinstance(m, T5ForConditionalGeneration):
            m.shared.weight.data.normal_(mean=0.0, std=factor * 1.0)
            if not c.tie:
                m.lm_head.weight.data.normal_(mean=0.0, std=factor * 1.0)
        elif isinstance(m, T5DenseActDense):
            m.wi.weight.data.normal_(mean=0.0, std=factor * (c.d_model ** -0.5))
            m.wo.weight.data.normal_(mean=0.0, std=factor * (c.d_ff ** -0.5))
        elif isinstance(m, T5DenseGatedActDense):
            m.wi_0.weight.data.normal_(mean=0.0, std=factor * (c.d_model ** -0.5))
            m.wi_1.weight.data.normal_(mean=0.0, std=factor * (c.d_model ** -0.5))
            m.wo.weight.data.normal_(mean=0.0, std=factor * (c.d_ff ** -0.5))
        elif isinstance(m, T5Attention):
            m.q.weight.data.normal_(mean=0.0, std=factor * ((c.d_model * c.d_kv) ** -0.5))
            m.k.weight.data.normal_(mean=0.0, std=factor * (c.d_model ** -0.5))
            m.v.weight.data.normal_(mean=0.0, std=factor * (c.d_model ** -0.5))
            m.o.weight.data.normal_(mean=0.0, std=factor * ((c.num_heads * c.d_kv) ** -0.5))
            if m.has_relative_attention_bias:
                m.relative_attention_bias.weight.data.normal_(mean=0.0, std=factor * (c.d_model ** -0.5))

    model.apply(fn)


# ---------------------------------------------------------------- generate (generation/utils.py, beam_search.py)

def banned_ngram_tokens(tokens, n):
    """NoRepeatNGramLogitsProcessor for one sequence (a list of ids)."""
    cur_len = len(tokens)
    if cur_len + 1 < n:
        return []
    ngrams = {}
    for ngram in zip(*[tokens[i:] for i in range(n)]):
        ngrams[tuple(ngram[:-1])] = ngrams.get(tuple(ngram[:-1]), []) + [ngram[-1]]
    return ngrams.get(tuple(tokens[cur_len + 1 - n:cur_len]), [])


def no_repeat(input_ids, scores, n):
    if n <= 0:
        return scores
    scores = scores.clone()
    for i, row in enumerate(input_ids.tolist()):
        banned = banned_ngram_tokens(row, n)
        scores[i, banned] = -float("inf")
    return scores


@torch.no_grad()
def greedy(model, input_ids, attention_mask, max_length, ngram):
    c = model.c
    enc = model.encoder(model.shared, input_ids, attention_mask)
    batch = input_ids.shape[0]
    ids = torch.full((batch, 1), c.start, dtype=torch.long)
    unfinished = torch.ones(batch, dtype=torch.long)
    cache = DecoderCache(c.num_decoder_layers)
    while True:
        logits = model.decode_next(ids[:, -1:], enc, attention_mask, cache).clone().float()
        scores = no_repeat(ids, logits, ngram)
        next_tokens = torch.argmax(scores, dim=-1)
        next_tokens = next_tokens * unfinished + c.pad * (1 - unfinished)
        ids = torch.cat([ids, next_tokens[:, None]], dim=-1)
        done = (next_tokens == c.eos) | torch.tensor(ids.shape[-1] >= max_length)
        unfinished = unfinished & ~done
        if unfinished.max() == 0:
            return ids, None


class BeamHypotheses:
    def __init__(self, num_beams, length_penalty, early_stopping, max_length):
        self.length_penalty, self.early_stopping = length_penalty, early_stopping
        self.max_length, self.num_beams = max_length, num_beams
        self.beams = []
        self.worst_score = 1e9

    def __len__(self):
        return len(self.beams)

    def add(self, hyp, sum_logprobs, generated_len):
        score = sum_logprobs / (generated_len ** self.length_penalty)
        if len(self) < self.num_beams or score > self.worst_score:
            self.beams.append((score, hyp))
            if len(self) > self.num_beams:
                sorted_next_scores = sorted([(s, idx) for idx, (s, _) in enumerate(self.beams)])
                del self.beams[sorted_next_scores[0][1]]
                self.worst_score = sorted_next_scores[1][0]
            else:
                self.worst_score = min(score, self.worst_score)

    def is_done(self, best_sum_logprobs, cur_len, decoder_prompt_len):
        if len(self) < self.num_beams:
            return False
        if self.early_stopping is True:
            return True
        if self.early_stopping is False:
            return self.worst_score >= best_sum_logprobs / (cur_len - decoder_prompt_len) ** self.length_penalty
        if self.length_penalty > 0.0:
            highest = best_sum_logprobs / (self.max_length - decoder_prompt_len) ** self.length_penalty
        else:
            highest = best_sum_logprobs / (cur_len - decoder_prompt_len) ** self.length_penalty
        return self.worst_score >= highest


@torch.no_grad()
def beam_search(model, input_ids, attention_mask, max_length, ngram, num_beams, length_penalty, early_stopping):
    c = model.c
    enc = model.encoder(model.shared, input_ids, attention_mask)
    batch = input_ids.shape[0]
    enc = enc.repeat_interleave(num_beams, dim=0)
    enc_mask = attention_mask.repeat_interleave(num_beams, dim=0)
    ids = torch.full((batch * num_beams, 1), c.start, dtype=torch.long)
    prompt_len = ids.shape[-1]
    hyps = [BeamHypotheses(num_beams, length_penalty, early_stopping, max_length) for _ in range(batch)]
    done = [False] * batch
    beam_scores = torch.zeros((batch, num_beams), dtype=torch.float)
    beam_scores[:, 1:] = -1e9
    beam_scores = beam_scores.view((batch * num_beams,))
    cache = DecoderCache(c.num_decoder_layers)
    while True:
        logits = model.decode_next(ids[:, -1:], enc, enc_mask, cache).clone().float()
        scores = F.log_softmax(logits, dim=-1)
        scores = no_repeat(ids, scores, ngram)
        scores = scores + beam_scores[:, None].expand_as(scores)
        vocab = scores.shape[-1]
        scores = scores.view(batch, num_beams * vocab)
        next_scores, next_tokens = torch.topk(scores, 2 * num_beams, dim=1, largest=True, sorted=True)
        next_indices = torch.div(next_tokens, vocab, rounding_mode="floor")
        next_tokens = next_tokens % vocab
        # BeamSearchScorer.process
        cur_len = ids.shape[-1] + 1
        next_beam_scores = torch.zeros((batch, num_beams), dtype=next_scores.dtype)
        next_beam_tokens = torch.zeros((batch, num_beams), dtype=next_tokens.dtype)
        next_beam_indices = torch.zeros((batch, num_beams), dtype=next_indices.dtype)
        for b in range(batch):
            if done[b]:
                next_beam_scores[b, :] = 0
                next_beam_tokens[b, :] = c.pad
                next_beam_indices[b, :] = 0
                continue
            beam_idx = 0
            for rank, (token, score, index) in enumerate(zip(next_tokens[b], next_scores[b], next_indices[b])):
                batch_beam_idx = b * num_beams + index
                if token.item() == c.eos:
                    if rank >= num_beams:
                        continue
                    hyps[b].add(ids[batch_beam_idx].clone(), score.item(), cur_len - prompt_len)
                else:
                    next_beam_scores[b, beam_idx] = score
                    next_beam_tokens[b, beam_idx] = token
                    next_beam_indices[b, beam_idx] = batch_beam_idx
                    beam_idx += 1
                if beam_idx == num_beams:
                    break
            done[b] = done[b] or hyps[b].is_done(next_scores[b].max().item(), cur_len, prompt_len)
        beam_scores = next_beam_scores.view(-1)
        beam_idx = next_beam_indices.view(-1)
        ids = torch.cat([ids[beam_idx, :], next_beam_tokens.view(-1).unsqueeze(-1)], dim=-1)
        cache.reorder(beam_idx)
        if all(done) or ids.shape[-1] >= max_length:
            break
    # BeamSearchScorer.finalize
    for b in range(batch):
        if done[b]:
            continue
        for j in range(num_beams):
            row = b * num_beams + j
            hyps[b].add(ids[row], beam_scores[row].item(), ids[row].shape[-1] - prompt_len)
    best, best_scores = [], torch.zeros(batch, dtype=torch.float32)
    for b in range(batch):
        top = sorted(hyps[b].beams, key=lambda x: x[0]).pop()
        best.append(top[1])
        best_scores[b] = top[0]
    lengths = [len(h) for h in best]
    sent_max_len = min(max(lengths) + 1, max_length)
    decoded = torch.full((batch, sent_max_len), c.pad, dtype=torch.long)
    for i, hypo in enumerate(best):
        decoded[i, :lengths[i]] = hypo
        if lengths[i] < sent_max_len:
            decoded[i, lengths[i]] = c.eos
    return decoded, best_scores


# ---------------------------------------------------------------- commands

def tiny_config(variant):
    cfg = {
        "model_type": "t5", "architectures": ["T5ForConditionalGeneration"], "vocab_size": 64, "d_model": 32,
        "d_kv": 8, "d_ff": 48, "num_layers": 2, "num_decoder_layers": 3, "num_heads": 4,
        "relative_attention_num_buckets": 8, "relative_attention_max_distance": 20, "dropout_rate": 0.1,
        "layer_norm_epsilon": 1e-6, "initializer_factor": 1.0, "pad_token_id": 0, "eos_token_id": 1,
        "decoder_start_token_id": 0, "is_encoder_decoder": True, "torch_dtype": "float32",
        "reference_note": "written by t5_reference.py",
    }
    if variant == "v1.0":
        cfg.update(feed_forward_proj="relu", tie_word_embeddings=True)
    else:
        cfg.update(feed_forward_proj="gated-gelu", tie_word_embeddings=False)
    return cfg


def small_config(variant):
    cfg = tiny_config(variant)
    cfg.update(vocab_size=32128, d_model=512, d_kv=64, d_ff=2048 if variant == "v1.0" else 1024, num_layers=6,
               num_decoder_layers=6, num_heads=8, relative_attention_num_buckets=32, relative_attention_max_distance=128)
    return cfg


def load(folder):
    with open(os.path.join(folder, "config.json")) as f:
        c = Cfg(json.load(f))
    model = T5ForConditionalGeneration(c)
    state, _ = st.read(os.path.join(folder, "model.safetensors"))
    model.load_state_dict(state, strict=True)
    return model


def make(folder, variant, seed, inputs_path, out):
    config = tiny_config(variant)
    c = Cfg(config)
    torch.manual_seed(seed)
    model = T5ForConditionalGeneration(c)
    init_weights(model, c)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    st.write(os.path.join(folder, "model.safetensors"), {k: v.contiguous() for k, v in model.state_dict().items()}, {"format": "pt"})
    model.eval()
    inputs, _ = st.read(inputs_path)
    with torch.no_grad():
        logits, loss = model(inputs["input_ids"], inputs["attention_mask"], inputs["labels"])
    st.write(out, {"logits": logits, "loss": loss}, {"format": "pt"})


def check(folder, inputs_path, out, train_seed=None):
    model = load(folder)
    inputs, _ = st.read(inputs_path)
    if train_seed is None:
        model.eval()
    else:
        model.train()
        torch.manual_seed(train_seed)
    logits, loss = model(inputs["input_ids"], inputs["attention_mask"], inputs["labels"])
    loss.backward()
    result = {"logits": logits.detach(), "loss": loss.detach()}
    for name, p in model.named_parameters():
        if p.grad is not None:
            result["grad/" + name] = p.grad
    for name, t in model.state_dict().items():
        result["param/" + name] = t
    st.write(out, result, {"format": "pt"})


def parse_early_stopping(value):
    return {"true": True, "false": False, "never": "never"}[value.lower()]


def generate(folder, inputs_path, out, num_beams, max_new_tokens, ngram, length_penalty, early_stopping):
    model = load(folder)
    model.eval()
    inputs, _ = st.read(inputs_path)
    max_length = max_new_tokens + 1
    if num_beams == 1:
        sequences, scores = greedy(model, inputs["input_ids"], inputs["attention_mask"], max_length, ngram)
    else:
        sequences, scores = beam_search(model, inputs["input_ids"], inputs["attention_mask"], max_length, ngram, num_beams,
                                        length_penalty, parse_early_stopping(early_stopping))
    result = {"sequences": sequences}
    if scores is not None:
        result["scores"] = scores
    st.write(out, result, {"format": "pt"})


def bench_model(variant, vocab_size):
    config = small_config(variant)
    config["vocab_size"] = vocab_size
    c = Cfg(config)
    torch.manual_seed(42)
    model = T5ForConditionalGeneration(c)
    init_weights(model, c)
    return model, c


def step(variant, batch, source, target, steps):
    model, c = bench_model(variant, 32128)
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.0)
    g = torch.Generator().manual_seed(7)
    input_ids = torch.randint(2, c.vocab_size, (batch, source), generator=g)
    attention_mask = torch.ones(batch, source, dtype=torch.int64)
    labels = torch.randint(2, c.vocab_size, (batch, target), generator=g)

    def one():
        logits, loss = model(input_ids, attention_mask, labels)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    one()  # warm-up
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        one()
        times.append(time.perf_counter() - start)
    print(json.dumps({"seconds_per_step": min(times), "all": times, "threads": torch.get_num_threads()}))


def genbench(variant, batch, source, new_tokens, num_beams, repeats):
    model, c = bench_model(variant, 32128)
    model.eval()
    # The last id plays eos with a zero row in the head (logit 0, far below the best of 32k random logits), so eos
    # never wins and every run decodes exactly new_tokens tokens per row: the same work on both sides.
    c.eos = c.vocab_size - 1
    with torch.no_grad():
        (model.shared.weight if c.tie else model.lm_head.weight)[c.eos].zero_()
    g = torch.Generator().manual_seed(7)
    input_ids = torch.randint(2, c.vocab_size, (batch, source), generator=g)
    attention_mask = torch.ones(batch, source, dtype=torch.int64)
    times = []
    for _ in range(repeats + 1):
        start = time.perf_counter()
        if num_beams == 1:
            sequences, _ = greedy(model, input_ids, attention_mask, new_tokens + 1, 0)
        else:
            sequences, _ = beam_search(model, input_ids, attention_mask, new_tokens + 1, 0, num_beams, 1.0, False)
        times.append(time.perf_counter() - start)
    generated = batch * (sequences.shape[1] - 1)
    best = min(times[1:])
    print(json.dumps({"seconds": best, "tokens": generated, "tokens_per_second": generated / best,
                      "threads": torch.get_num_threads(), "sequences": sequences.tolist()}))


def main():
    command, args = sys.argv[1], sys.argv[2:]
    if command == "make":
        make(args[0], args[1], int(args[2]), args[3], args[4])
    elif command == "check":
        check(args[0], args[1], args[2], *(int(a) for a in args[3:4]))
    elif command == "generate":
        generate(args[0], args[1], args[2], int(args[3]), int(args[4]), int(args[5]), float(args[6]), args[7])
    elif command == "step":
        step(args[0], *(int(a) for a in args[1:5]))
    elif command == "genbench":
        genbench(args[0], *(int(a) for a in args[1:6]))
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main()
