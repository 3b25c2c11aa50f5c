namespace Orchestrator.Shared.Data.Synthetic;

/// <summary>
/// Sentence templates for the synthetic NER corpus, written for this project. Slots: {PER} a person
/// (first name, surname, both, or title and surname), {ORG}, {LOC}, {MISC}, {DAY}, {MONTH}, {NUM}.
/// Every other word must be in <see cref="Lexicon"/>, which gives its part-of-speech tag.
/// </summary>
internal static class NerTemplates
{
    public static readonly string[] Sentences =
    {
        "{PER} , the chief executive of {ORG} , arrived in {LOC} on {DAY} .",
        "{ORG} said on {DAY} that it would open a new office in {LOC} .",
        "{PER} scored twice as {ORG} beat {ORG} {NUM} - {NUM} in {LOC} .",
        "The {MISC} team won the {MISC} after a close final in {LOC} .",
        "{PER} told reporters in {LOC} that talks with {ORG} had failed .",
        "Shares in {ORG} rose {NUM} percent after the company agreed to buy {ORG} .",
        "Police in {LOC} said {PER} was released on {DAY} .",
        "The {MISC} minister , {PER} , will visit {LOC} in {MONTH} .",
        "{PER} and {PER} signed the {MISC} in {LOC} last {MONTH} .",
        "Rain delayed the start of the {MISC} in {LOC} for two hours .",
        "{ORG} will cut {NUM} jobs at its plant near {LOC} , a spokesman said .",
        "{PER} , who joined {ORG} in {MONTH} , resigned on {DAY} .",
        "Fans of {ORG} travelled from {LOC} to {LOC} for the match .",
        "{PER} won the {MISC} for a novel set in {LOC} .",
        "The new {MISC} car from {ORG} goes on sale in {MONTH} .",
        "Flights between {LOC} and {LOC} were cancelled on {DAY} .",
        "{ORG} hired {PER} as its new coach .",
        "Officials from {LOC} and {LOC} met in {LOC} to discuss the border .",
        "{PER} finished third in the {MISC} behind {PER} .",
        "According to the {ORG} , prices in {LOC} fell in {MONTH} .",
        "{PER} said the {MISC} community in {LOC} had grown quickly .",
        "A storm hit {LOC} on {DAY} , leaving {NUM} homes without power .",
        "{PER} will lead the {MISC} delegation at the talks in {LOC} .",
        "The court in {LOC} fined {ORG} for breaking safety rules .",
        "{PER} thanked the people of {LOC} for their support .",
        "{ORG} and {ORG} agreed to merge , the companies said on {DAY} .",
        "Thousands gathered in {LOC} for the {MISC} .",
        "{PER} , a {MISC} citizen , was arrested at the airport in {LOC} .",
        "{ORG} reported a profit of {NUM} million for the year .",
        "Local farmers near {LOC} expect a poor harvest this year .",
        "The {MISC} government named {PER} as ambassador to {LOC} .",
        "{PER} joined {ORG} after leaving {ORG} in {MONTH} .",
        "Train services run by {ORG} between {LOC} and {LOC} will resume on {DAY} .",
        "{PER} beat {PER} in straight sets to reach the final .",
        "Students at {ORG} protested against higher fees on {DAY} .",
        "The river flooded parts of {LOC} after heavy rain .",
        "{PER} wrote in the {ORG} that the plan would cost {NUM} million .",
        "Voters in {LOC} go to the polls in {MONTH} .",
        "{PER} left the meeting early , {PER} said .",
        "The museum in {LOC} will show {MISC} art until {MONTH} .",
        "Nobody was hurt when the bridge near {LOC} collapsed .",
        "The talks ended without agreement on {DAY} .",
        "{ORG} denied the report .",
        "{PER} , {NUM} , is the youngest player in the squad .",
        "Results of the {MISC} will be announced in {MONTH} .",
    };

    /// <summary>Part-of-speech tags (Penn Treebank) of the template words.</summary>
    public static readonly IReadOnlyDictionary<string, string> Lexicon = Parse(
        ", , . . - : the DT The DT a DT A DT its PRP$ their PRP$ it PRP that IN on IN in IN at IN of IN for IN from IN to TO " +
        "after IN near IN between IN behind IN against IN until IN without IN According VBG as IN and CC with IN who WP " +
        "chief JJ executive NN arrived VBD said VBD would MD open VB new JJ office NN scored VBD twice RB beat VBD team NN " +
        "won VBD after IN close JJ final NN told VBD reporters NNS talks NNS had VBD failed VBN Shares NNS rose VBD percent NN " +
        "company NN agreed VBD buy VB Police NNS was VBD released VBN minister NN will MD visit VB signed VBD last JJ " +
        "Rain NN delayed VBD start NN two CD hours NNS cut VB jobs NNS plant NN spokesman NN joined VBD resigned VBD " +
        "Fans NNS travelled VBD match NN novel NN set VBN car NN goes VBZ sale NN Flights NNS were VBD cancelled VBN " +
        "hired VBD coach NN Officials NNS met VBD discuss VB border NN finished VBD third JJ prices NNS fell VBD " +
        "community NN had VBD grown VBN quickly RB storm NN hit VBD leaving VBG homes NNS power NN lead VB delegation NN " +
        "court NN fined VBD breaking VBG safety NN rules NNS thanked VBD people NNS support NN companies NNS merge VB " +
        "Thousands NNS gathered VBD citizen NN arrested VBN airport NN reported VBD profit NN million CD year NN " +
        "Local JJ farmers NNS expect VBP poor JJ harvest NN this DT government NN named VBD ambassador NN leaving VBG " +
        "Train NN services NNS run VBN by IN resume VB straight JJ sets NNS reach VB Students NNS protested VBD higher JJR " +
        "fees NNS river NN flooded VBD parts NNS heavy JJ rain NN wrote VBD plan NN cost VB Voters NNS go VBP polls NNS " +
        "left VBD meeting NN early RB museum NN show VB art NN Nobody NN hurt VBN when WRB bridge NN collapsed VBD " +
        "ended VBD agreement NN denied VBD report NN is VBZ youngest JJS player NN squad NN Results NNS be VB announced VBN " +
        "reach VB");

    private static IReadOnlyDictionary<string, string> Parse(string pairs)
    {
        var parts = pairs.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i + 1 < parts.Length; i += 2)
            result[parts[i]] = parts[i + 1];
        return result;
    }
}
