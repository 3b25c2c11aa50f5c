namespace Orchestrator.Shared.Data.Synthetic;

/// <summary>
/// Invented names for the synthetic corpora. Every person, place, organisation and event here is made
/// up for this project; none is taken from a real dataset.
/// </summary>
internal static class WordPools
{
    public static readonly string[] FirstNames =
    {
        "Tamsin", "Orrin", "Belka", "Idris", "Marguerite", "Soren", "Ysolde", "Caspar", "Nadira", "Fenwick",
        "Liesl", "Joral", "Quenby", "Ansel", "Petra", "Tobiah", "Wren", "Dario", "Elsbeth", "Kestrel",
        "Halvor", "Mireille", "Osric", "Sabine", "Teodor", "Yara", "Bram", "Celandine", "Emeric", "Ilse",
        "Rafferty", "Zuleika", "Anouk", "Lorcan", "Perpetua", "Vasco", "Odile", "Gideon", "Saoirse", "Tycho",
    };

    public static readonly string[] Surnames =
    {
        "Varnholt", "Quillane", "Drossel", "Mirrow", "Ashgrove", "Tennisch", "Okonkarra", "Bellweather", "Strand-Ivers", "Pellucci",
        "Harrowgate", "Dunleavy", "Castellane", "Morrisette", "Vandermeer", "Kallistrov", "Fairclough", "Oyelaran", "Brannagh", "Thistlewood",
        "Renzetti", "Albrecht-Noor", "Galloway", "Sventsky", "Marchbanks", "Lindqvast", "Abernethy", "Corvino", "Haldane", "Ostrowick",
        "Penhallow", "Quaresma", "Rothwell", "Szabrin", "Trevanion", "Umberfield", "Wexley", "Yarborough", "Zelenko", "Elphick",
    };

    public static readonly string[] Titles = { "Dr.", "Mr.", "Ms.", "Judge", "Captain", "Professor", "Senator", "Coach" };

    /// <summary>Places; some have several words.</summary>
    public static readonly string[] Places =
    {
        "Korvath", "Elmsport", "Dunmoor", "Veskaria", "Port Alsend", "Lake Verrin", "Brightcombe", "Tallowmere", "Osterfell", "Caldera Bay",
        "Norwick", "Saint Ambrel", "Quarrytown", "Marisco", "Halden Vale", "Vellmouth", "Isle of Brann", "Greywater", "Rustavel", "Fenmarch",
        "Kettleby", "New Ardith", "Sorrento Ridge", "Thornbury", "Lunderholm", "Cape Merrow", "Ashdown Heath", "Pellmora", "Trisk", "Wyndale",
        "Eastern Veskaria", "Saltmarsh Coast", "Mount Oderra", "Carrowfield", "Belisar", "Zanthe",
    };

    /// <summary>Organisations; most have several words.</summary>
    public static readonly string[] Organisations =
    {
        "Halvard Systems", "Brightwater Bank", "Northline Rail", "Korvath Rovers", "Union of Tide Workers", "Velmont Pharmaceuticals",
        "Ashgrove Mining", "Dunmoor United", "Veskarian Broadcasting Corporation", "Pellmora Times", "Saltmarsh Energy", "Orrery Labs",
        "Greywater Insurance", "Fenmarch City Council", "Tallowmere Athletic", "Quarrytown Cooperative", "Cinder and Vane", "Lumen Freight",
        "Ministry of Harbours", "Marisco Airways", "Kettleby Foods", "Thornbury Institute", "Halden Vale Wanderers", "Copperleaf Software",
        "Osterfell Steelworks", "Zanthe Observer", "Wyndale Telecom", "Belisar Motors",
    };

    /// <summary>Nationalities, events, products, languages.</summary>
    public static readonly string[] Miscellaneous =
    {
        "Veskarian", "Korvathi", "Dunmoorish", "Pellmoran", "Zanthean", "Marisconian", "Silver Cup", "Lantern Festival", "Harbour Games",
        "Tidewater Open", "Ardith Accord", "Quill Prize", "Falcon X2", "Meridian Series", "Osterfell Marathon", "Belisari", "Greywater Charter",
        "Copperleaf Studio", "Trisken", "Winter Regatta",
    };

    public static readonly string[] Days = { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday" };

    public static readonly string[] Months =
    {
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    };
}
