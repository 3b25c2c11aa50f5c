using TokenizerComparison;

// Our WordPiece tokenizer next to Microsoft.ML.Tokenizers 2.0.1's BertTokenizer, the package the original design named:
//   throughput DIR [repeats]   words/s on one thread, DIR/corpus.txt with DIR/tokenizer.json (bench/run-tokenizer.sh)
//   parity                     how many of our tokenizer parity cases each passes against Hugging Face
//                              (bench/tokenizer-parity.sh; needs `npm ci` in tests/parity/js)
return args.FirstOrDefault() switch
{
    "throughput" => Throughput.Run(args[1..]),
    "parity" => ParityReport.Run(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: TokenizerComparison throughput DIR [repeats] | parity");
    return 2;
}
