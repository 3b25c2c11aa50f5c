namespace Orchestrator.Shared.Tests.Text;

/// <summary>Access to the tokenizer's internal character classes for test predicates.</summary>
internal static class CharClassesProbe
{
    public static bool IsChinese(int cp) => Orchestrator.Shared.Text.CharClasses.IsChinese(cp);
}
