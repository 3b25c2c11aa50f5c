using System.Text;
using Orchestrator.Shared.Data;
using Orchestrator.Shared.Data.Readers;

namespace Orchestrator.Shared.Tests.Data;

/// <summary>A corpus of broken files, each with the file, line and field its error must name.</summary>
public class BrokenFileTests
{
    private static readonly LabelSet ConllLabels = new(new[] { "O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC" });
    private static readonly LabelSet Binary = new(new[] { "0", "1" });

    public sealed record Case(string Name, string File, byte[] Content, Func<string, System.Collections.IEnumerable> Read, int Line, string Field, string Reason)
    {
        public override string ToString() => Name;
    }

    private static byte[] Utf8(string s) => new UTF8Encoding(false).GetBytes(s);

    private static System.Collections.IEnumerable Conll(string path) => ConllReader.Read(path);
    private static System.Collections.IEnumerable ConllChecked(string path) => ConllReader.Read(path, new ConllOptions { Reader = new ReaderOptions { Labels = ConllLabels } });
    private static System.Collections.IEnumerable Tokens(string path) => JsonlTokenReader.Read(path, new JsonlTokenOptions { Reader = new ReaderOptions { Labels = ConllLabels } });
    private static System.Collections.IEnumerable TokensNoLabels(string path) => JsonlTokenReader.Read(path);
    private static System.Collections.IEnumerable Tsv(string path) => ClassificationReader.ReadTsv(path, new ClassificationOptions { Reader = new ReaderOptions { Labels = Binary } });
    private static System.Collections.IEnumerable Csv(string path) => ClassificationReader.ReadCsv(path);
    private static System.Collections.IEnumerable Jsonl(string path) => ClassificationReader.ReadJsonl(path, new ClassificationOptions { Reader = new ReaderOptions { Labels = Binary } });

    private const string Mrpc = "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n";

    public static IEnumerable<object[]> Cases()
    {
        var cases = new List<Case>
        {
            new("conll wrong column count", "a.conll", Utf8("EU NNP B-NP B-ORG\nrejects VBZ B-VP\n"), Conll, 2, "columns", "found 3 columns, expected 4"),
            new("conll unknown label", "a.conll", Utf8("-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP B-FOO\n"), ConllChecked, 4, "column 4 (tag)", "unknown label 'B-FOO'"),
            new("conll empty file", "a.conll", Array.Empty<byte>(), Conll, 0, "file", "is empty"),
            new("conll only docstart", "a.conll", Utf8("-DOCSTART- -X- -X- O\n\n\n"), Conll, 0, "file", "has no sentences"),
            new("conll invalid utf-8", "a.conll", Utf8("EU NNP B-NP B-ORG\n\n").Concat(new byte[] { (byte)'x', 0xC3, 0x28, (byte)' ', (byte)'N', (byte)'N', (byte)' ', (byte)'O', (byte)' ', (byte)'O', (byte)'\n' }).ToArray(), Conll, 3, "text", "invalid UTF-8"),
            new("conll tag column missing", "a.conll", Utf8("EU NNP\n"), path => ConllReader.Read(path, new ConllOptions { Task = DataTask.Chunk }), 1, "columns", "tag column 3"),
            new("jsonl invalid json", "a.jsonl", Utf8("{\"tokens\":[\"a\"],\"ner_tags\":[0]}\n{\"tokens\":[\"a\"],\n"), Tokens, 2, "json", "invalid JSON"),
            new("jsonl count mismatch", "a.jsonl", Utf8("{\"tokens\":[\"a\",\"b\"],\"ner_tags\":[0]}\n"), Tokens, 1, "ner_tags", "1 tags for 2 tokens"),
            new("jsonl empty sentence", "a.jsonl", Utf8("{\"tokens\":[\"a\"],\"ner_tags\":[0]}\n\n{\"tokens\":[],\"ner_tags\":[]}\n"), Tokens, 3, "tokens", "empty sentence"),
            new("jsonl missing tags", "a.jsonl", Utf8("{\"tokens\":[\"a\"],\"pos_tags\":[0]}\n"), Tokens, 1, "ner_tags", "missing"),
            new("jsonl label id out of range", "a.jsonl", Utf8("{\"tokens\":[\"a\",\"b\"],\"ner_tags\":[0,9]}\n"), Tokens, 1, "ner_tags[1]", "unknown label id 9"),
            new("jsonl integer tags without names", "a.jsonl", Utf8("{\"tokens\":[\"a\"],\"ner_tags\":[3]}\n"), TokensNoLabels, 1, "ner_tags[0]", "need label names"),
            new("jsonl unknown label name", "a.jsonl", Utf8("{\"tokens\":[\"a\"],\"ner_tags\":[\"B-XYZ\"]}\n"), Tokens, 1, "ner_tags[0]", "unknown label 'B-XYZ'"),
            new("jsonl token not a string", "a.jsonl", Utf8("{\"tokens\":[\"a\",7],\"ner_tags\":[0,0]}\n"), Tokens, 1, "tokens[1]", "expected a string"),
            new("jsonl not an object", "a.jsonl", Utf8("[1,2]\n"), Tokens, 1, "json", "expected an object"),
            new("jsonl empty file", "a.jsonl", Utf8("\n\n"), Tokens, 0, "file", "has no records"),
            new("tsv wrong column count", "a.tsv", Utf8(Mrpc + "1\t1\t2\tOne .\tTwo .\n0\t3\t4\tThree .\n"), Tsv, 3, "columns", "found 4 columns, expected 5"),
            new("tsv no label column", "a.tsv", Utf8("Index\t#1 ID\t#2 ID\t#1 String\t#2 String\n1\t1\t2\tOne .\tTwo .\n"), Tsv, 1, "header", "no label column"),
            new("tsv unknown label", "a.tsv", Utf8(Mrpc + "1\t1\t2\tOne .\tTwo .\n2\t3\t4\tThree .\tFour .\n"), Tsv, 3, "Quality", "unknown label '2'"),
            new("tsv empty text", "a.tsv", Utf8(Mrpc + "1\t1\t2\t \tTwo .\n"), Tsv, 2, "#1 String", "empty text"),
            new("tsv invalid utf-8", "a.tsv", Utf8(Mrpc).Concat(new byte[] { (byte)'1', (byte)'\t', 0xFF, (byte)'\n' }).ToArray(), Tsv, 2, "text", "invalid UTF-8"),
            new("csv unterminated quote", "a.csv", Utf8("label,text\n1,fine\n0,\"never closed\nstill open\n"), Csv, 3, "field 2", "never closed"),
            new("csv text after closing quote", "a.csv", Utf8("text,label\n\"a\"b,1\n"), Csv, 2, "field 1", "after a closing quote"),
            new("csv missing file", "missing.csv", Array.Empty<byte>(), Csv, 0, "file", "not found"),
            new("classification jsonl missing text", "a.jsonl", Utf8("{\"text\":\"good\",\"label\":1}\n{\"label\":0}\n"), Jsonl, 2, "text", "missing"),
            new("classification jsonl label object", "a.jsonl", Utf8("{\"text\":\"good\",\"label\":{\"x\":1}}\n"), Jsonl, 1, "label", "expected a label name or integer"),
            new("classification jsonl unknown label", "a.jsonl", Utf8("{\"text\":\"good\",\"label\":5}\n"), Jsonl, 1, "label", "unknown label '5'"),
            new("labels file duplicate", "labels.txt", Utf8("O\nB-PER\nO\n"), path => new[] { LabelSet.Load(path) }, 3, "label", "appears twice"),
            new("dataset_info without names", "dataset_info.json", Utf8("{\"features\":{\"ner_tags\":{\"feature\":{\"dtype\":\"int64\"}}}}"),
                path => new[] { LabelSet.LoadDatasetInfo(path, "ner_tags") }, 0, "features.ner_tags.feature.names", "missing"),
        };
        return cases.Select(c => new object[] { c });
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Broken_file_error_names_file_line_and_field(Case broken)
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, broken.File);
        if (broken.File != "missing.csv")
            folder.WriteBytes(broken.File, broken.Content);

        var error = Assert.Throws<DataFormatException>(() =>
        {
            foreach (var _ in broken.Read(path)) { }
        });

        Assert.Equal(path, error.File);
        Assert.Equal(broken.Line, error.Line);
        Assert.Equal(broken.Field, error.Field);
        Assert.Contains(broken.Reason, error.Reason);
        Assert.StartsWith(broken.Line > 0 ? $"{path}:{broken.Line}: {broken.Field}: " : $"{path}: {broken.Field}: ", error.Message);
    }
}
