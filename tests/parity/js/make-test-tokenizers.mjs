// Generates the small test tokenizers (cased and uncased) in tests/Shared.Tests/TestData/tokenizer/:
// vocab.txt + tokenizer_config.json + tokenizer.json for each, from the word lists below (our own).
// Run: node tests/parity/js/make-test-tokenizers.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../Shared.Tests/TestData/tokenizer');
const specials = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
const punctuation = [...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~', '«', '»', '—', '–', '…', '¿', '¡', '、', '。', '「', '」', '·', '‘', '’', '“', '”'];
const digits = [...'0123456789'];
const latin = [...'abcdefghijklmnopqrstuvwxyz'];
const words = [
  'EU', 'rejects', 'German', 'call', 'to', 'boycott', 'British', 'la', '##mb', 'the', 'The', 'a', 'A', 'of', 'and', 'in',
  'is', 'was', 'he', 'He', 'she', 'She', 'it', 'It', 'they', 'we', 'We', 'you', 'I', 'hello', 'Hello', 'world', 'World',
  'token', '##izer', '##ization', '##s', '##ed', '##ing', '##er', '##ly', 'un', '##believ', '##able', 'run', '##ning',
  'play', 'New', 'York', 'Paris', 'Berlin', 'München', 'Zürich', 'café', 'Café', 'naïve', 'résumé', 'São', 'Paulo',
  'Ångström', 'Łódź', 'señor', 'niño', 'straße', 'Straße', 'über', 'Über', 'déjà', 'vu', 'İstanbul', 'Σοφία',
  'λόγος', 'привет', 'мир', 'Москва', 'город', 'مرحبا', 'שלום', 'नमस्ते', 'ไทย', 'Việt', 'Nam', 'tiếng',
  '中', '国', '人', '日', '本', '語', '大', '学', '生', '我', '你', '好', '的', '是', '在', '東', '京', '𠀀', '𪛖', '豈',
  '한', '##국', '##어', '한국어', 'こんにちは', 'カタカナ', '##😀', '😀', '👍', '##👍', 'ok', 'OK', '##ok',
  '20', '##26', '##00', '3', '##.', 'co', '##op', 'e', '##mail', 'x', '##y', '##z', 'anti', '##dis', '##establish',
  '##ment', '##arian', '##ism', 'don', "'", 't', 's', 'm', 've', 're', 'n', '##t', 'can', 'won', 'it', 'data', 'set',
  'Data', '##base', 'model', '##ling', 'train', '##ed', 'fine', 'tun', '##e', 'BERT', 'bert', 'uncased', 'cased',
  'ı', 'ß', 'æ', 'Æ', 'ø', 'œ', 'ð', 'þ', 'ǅ', 'ﬁ', 'ℌ', '①', '²', 'µ', 'Ω', 'Å', 'K',
];

function withAccentsStripped(s) { return s.normalize('NFD').replace(/\p{Mn}/gu, ''); }

function build(cased) {
  const vocab = [];
  const seen = new Set();
  const add = (t) => { if (!seen.has(t)) { seen.add(t); vocab.push(t); } };
  specials.forEach(add);
  punctuation.forEach(add);
  digits.forEach(d => { add(d); add('##' + d); });
  latin.forEach(c => { add(c); add('##' + c); });
  if (cased) latin.forEach(c => { add(c.toUpperCase()); add('##' + c.toUpperCase()); });
  for (const w of words) {
    if (cased) add(w);
    else {
      const lower = withAccentsStripped(w.toLowerCase());
      add(lower);
    }
  }
  // Accented single letters and their continuations (cased keeps them; uncased has the stripped base letters).
  for (const c of [...'éèêëàâäáãåçíìîïñóòôöõúùûüýÿčšžłńśźż']) {
    if (cased) { add(c); add('##' + c); add(c.toUpperCase()); add('##' + c.toUpperCase()); }
  }
  for (const c of [...'αβγδεζηθικλμνξοπρστυφχψωабвгдежзийклмнопрстуфхцчшщыьэюя']) {
    add(c); add('##' + c);
    if (cased) { add(c.toUpperCase()); add('##' + c.toUpperCase()); }
  }
  return vocab;
}

function tokenizerJson(vocab, cased) {
  const id = (t) => vocab.indexOf(t);
  const special = (t) => ({ id: id(t), content: t, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const post = cased
    ? {
        type: 'TemplateProcessing',
        single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
        pair: [
          { SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } },
          { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } },
        ],
        special_tokens: {
          '[CLS]': { id: '[CLS]', ids: [id('[CLS]')], tokens: ['[CLS]'] },
          '[SEP]': { id: '[SEP]', ids: [id('[SEP]')], tokens: ['[SEP]'] },
        },
      }
    : { type: 'BertProcessing', sep: ['[SEP]', id('[SEP]')], cls: ['[CLS]', id('[CLS]')] };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specials.map(special),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: !cased },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: post,
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocab.map((t, i) => [t, i])),
    },
  };
}

for (const cased of [true, false]) {
  const dir = path.join(root, cased ? 'cased' : 'uncased');
  mkdirSync(dir, { recursive: true });
  const vocab = build(cased);
  writeFileSync(path.join(dir, 'vocab.txt'), vocab.join('\n') + '\n');
  writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson(vocab, cased), null, 2) + '\n');
  writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify({
    tokenizer_class: 'BertTokenizer', do_lower_case: !cased, tokenize_chinese_chars: true, strip_accents: null,
    model_max_length: 512, clean_up_tokenization_spaces: true,
    unk_token: '[UNK]', sep_token: '[SEP]', pad_token: '[PAD]', cls_token: '[CLS]', mask_token: '[MASK]',
  }, null, 2) + '\n');
  console.log(`${dir}: ${vocab.length} tokens`);
}
