//! One given name across languages and nicknames: what a folded given-name word
//! can stand for, for comparison.
//!
//! Three sources, joined once on first use:
//!
//! - **Forms of one name** in the languages an Argentine or Spanish CRM meets
//!   ([`FORMS`]): `Guillermo`, `Guillem` (Catalan), `Gilen` (Basque),
//!   `Guilherme` (Portuguese), `Guglielmo` (Italian), `William`, `Wilhelm`,
//!   `Guillaume`, `Gwilym` (Welsh) are one name, read as its Spanish form.
//! - **Nicknames**: the Spanish table ([`super::nicknames`]), the English
//!   dataset of Carlton Northern and Nick Crews (`data/nicknames.csv`, Apache
//!   2.0, 2,691 relations such as `henry` → `harry`, `john` → `jack`, `edward`
//!   → `ned`), and the nicknames of the other languages ([`OTHER_NICKNAMES`]:
//!   Catalan `Pep`, Basque `Patxi`, Portuguese `Zé`, Italian `Beppe`, German
//!   `Sepp`), and the Irish, Scottish Gaelic and Welsh forms of English names
//!   ([`CELTIC_FORMS`]: `Seán`, `Hamish`, `Liam`, `Dafydd`), each also a name
//!   of its own.
//! - A nickname reads as every name it is a nickname of, each as the form of
//!   its name above (`Bill` reads as `guillermo`); a word that is a name of its
//!   own as well as a nickname (`Jack`, `Harry`) keeps its own reading too.
//!
//! Two words are one name when their readings meet. The relation is not made
//! transitive beyond one nickname step: `Ron` is `Aaron` and `Ronald`, but
//! `Aaron` and `Ronald` stay two names.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::OnceLock;

/// The forms of one given name in other languages, the Spanish form first
/// (the reading of all of them), folded. A word is in at most one group (a unit
/// test checks). Names whose forms differ by gender are separate groups.
pub(super) static FORMS: &[&[&str]] = &[
    &["agustin", "agusti", "augustine", "agostino", "augustin"],
    &["alberto", "albert"],
    &["alejandra", "alexandra", "alessandra"],
    &[
        "alejandro",
        "alexander",
        "alessandro",
        "alexandre",
        "alexandros",
    ],
    &[
        "alfonso", "alfons", "alphonse", "alfonse", "afonso", "alphonso",
    ],
    &["alfredo", "alfred"],
    &["ana", "anna", "anne", "ann", "hannah", "ane"],
    &["andres", "andreu", "andrew", "andreas", "andre", "ander"],
    &["antonia", "antonietta"],
    &[
        "antonio", "antoni", "anthony", "anton", "antoine", "antton", "antonino",
    ],
    &["arturo", "arthur", "artur"],
    &["bartolome", "bartomeu", "bartholomew", "bartolomeo"],
    &["beatriz", "beatrice", "beatrix", "beatriu"],
    &[
        "benito",
        "benedict",
        "benedetto",
        "benet",
        "benedikt",
        "benoit",
    ],
    &["bernardo", "bernard", "bernat", "bernhard"],
    &[
        "carlos", "carles", "charles", "carlo", "karl", "carl", "karlos",
    ],
    &["carolina", "caroline"],
    &[
        "catalina",
        "caterina",
        "catherine",
        "katherine",
        "katharina",
        "catarina",
        "kattalin",
        "catharine",
        "kathryn",
    ],
    &["cecilia", "cecile", "cecily"],
    &["cesar", "caesar", "cesare"],
    &["clara", "claire", "clare", "chiara", "klara"],
    &["cristina", "christina", "christine", "kristina"],
    &[
        "cristobal",
        "cristofol",
        "christopher",
        "cristoforo",
        "christoph",
        "kristobal",
    ],
    &[
        "domingo",
        "dominic",
        "domenico",
        "dominique",
        "domenec",
        "dominik",
        "txomin",
    ],
    &["eduardo", "eduard", "edward", "edoardo", "edouard"],
    &["elena", "helena", "helen", "helene", "ellen"],
    &["elias", "elijah"],
    &["emilia", "emily", "emilie"],
    &["emilio", "emil", "emile"],
    &[
        "enrique", "enric", "henry", "enrico", "heinrich", "henrique", "henri", "endika",
    ],
    &["ernesto", "ernest", "ernst"],
    &[
        "esteban", "esteve", "stephen", "steven", "stefano", "stefan", "etienne", "estevo",
        "stephan",
    ],
    &["estefania", "stephanie", "stefania"],
    &["eugenia", "uxia", "eugenie"],
    &["eva", "eve"],
    &[
        "federico",
        "frederic",
        "frederick",
        "friedrich",
        "frederico",
        "frederik",
    ],
    &[
        "felipe", "felip", "philip", "phillip", "filippo", "philipp", "philippe", "filipe",
    ],
    &["fernando", "ferran", "ferdinand", "ferdinando"],
    &[
        "francisca",
        "francesca",
        "frances",
        "franziska",
        "francoise",
    ],
    &[
        "francisco",
        "francesc",
        "francesco",
        "francis",
        "franz",
        "francois",
        "frantzisko",
    ],
    &["gregorio", "gregory", "gregori", "gregor", "gregoire"],
    &["guillermina", "wilhelmina", "guglielmina"],
    &[
        "guillermo",
        "guillem",
        "william",
        "guglielmo",
        "wilhelm",
        "guilherme",
        "guillaume",
        "gilen",
        "gwilym",
    ],
    &["gustavo", "gustav", "gustave"],
    &["hugo", "hugh", "ugo", "hugues"],
    &["humberto", "humbert", "umberto"],
    &[
        "ignacio", "ignasi", "inaki", "ignazio", "ignatius", "inacio",
    ],
    &["ines", "agnes", "agnese"],
    &[
        "isabel",
        "isabella",
        "isabelle",
        "elisabet",
        "elizabeth",
        "elisabetta",
        "elisabeth",
        "elisabete",
    ],
    &["jaime", "jaume", "james", "giacomo", "jacques"],
    &["javier", "xavier", "xabier", "saverio"],
    &["jeronimo", "jerome", "girolamo", "jeroni"],
    &["joaquin", "joaquim", "joachim", "gioacchino"],
    &[
        "jorge", "jordi", "george", "giorgio", "georg", "jurgen", "xurxo", "gorka", "georges",
    ],
    &[
        "jose", "josep", "xose", "joseba", "joseph", "giuseppe", "josef",
    ],
    &["josefa", "josepa", "giuseppina", "josepha"],
    &[
        "juan", "joao", "john", "johann", "johannes", "giovanni", "xoan",
    ],
    &[
        "juana", "joana", "joanna", "jane", "johanna", "giovanna", "jeanne", "xoana",
    ],
    &["julio", "jules", "giulio", "julius"],
    &["leonor", "eleanor", "eleonora", "elinor", "eleonore"],
    &[
        "lorenzo", "llorenc", "lawrence", "laurence", "lorenz", "laurent",
    ],
    &["lucas", "luke", "luca", "lluc", "lukas"],
    &["lucia", "lucy", "lucie", "luzia"],
    &[
        "luis", "lluis", "louis", "luigi", "ludwig", "luiz", "koldo", "lewis",
    ],
    &["luisa", "lluisa", "louise", "koldobike"],
    &[
        "manuel", "manel", "emmanuel", "emanuele", "manoel", "emanuel",
    ],
    &["marcos", "marc", "mark", "marco", "markus", "marcus"],
    &[
        "margarita",
        "margarida",
        "margaret",
        "margherita",
        "margarete",
        "marguerite",
        "margalida",
    ],
    &["maria", "mary", "marie", "miren"],
    &["marta", "martha", "marthe"],
    &["mateo", "mateu", "matthew", "matteo", "mathieu"],
    &["miguel", "miquel", "michael", "michele", "michel", "mikel"],
    &["natalia", "natalie", "nathalie"],
    &[
        "nicolas", "nicolau", "nicholas", "niccolo", "nikolaus", "nicolaus",
    ],
    &["pablo", "pau", "paulo", "paul", "paolo"],
    &["patricio", "patrick", "patrizio", "patrici", "padraig"],
    &[
        "pedro", "pere", "peter", "pietro", "pierre", "peio", "kepa", "piers",
    ],
    &["rafael", "raphael", "raffaele"],
    &["raquel", "rachel", "rachele"],
    &["ramon", "raymond", "raimon", "raimondo", "raimund"],
    &["rebeca", "rebecca"],
    &["ricardo", "richard", "riccardo", "ricard"],
    &["roberto", "robert"],
    &["rodolfo", "rudolf", "rudolph", "rodolphe"],
    &["rosa", "rose"],
    &["salvador", "salvatore"],
    &["sara", "sarah"],
    &["sebastian", "sebastia", "sebastiano", "sebastien"],
    &["sofia", "sophia", "sophie"],
    &["susana", "susanna", "susan", "suzanne", "susanne"],
    &["teresa", "theresa", "therese", "tereza"],
    &["timoteo", "timothy"],
    &["tomas", "thomas", "tommaso", "tomaz"],
    &[
        "vicente", "vicent", "vincent", "vincenzo", "vicenc", "bixente",
    ],
];

/// Nicknames of the other languages (Catalan, Basque, Galician, Portuguese,
/// Italian, German), with the English nicknames the English dataset lacks
/// (`Topher`), folded, with the names they stand for in that language; the
/// names are read as their [`FORMS`].
pub(super) static OTHER_NICKNAMES: &[(&str, &[&str])] = &[
    ("bepi", &["giuseppe"]),
    ("beppe", &["giuseppe"]),
    ("biel", &["gabriel"]),
    ("cesc", &["francesc"]),
    ("chico", &["francisco"]),
    ("enzo", &["vincenzo", "lorenzo"]),
    ("franco", &["francesco"]),
    ("fritz", &["friedrich"]),
    ("gianni", &["giovanni"]),
    ("gigi", &["luigi"]),
    ("gretchen", &["margarete"]),
    ("grete", &["margarete"]),
    ("hannes", &["johannes"]),
    ("hans", &["johannes"]),
    ("heiner", &["heinrich"]),
    ("heinz", &["heinrich"]),
    ("josu", &["jesus"]),
    ("jupp", &["josef"]),
    ("kiko", &["francisco"]),
    ("klaus", &["nikolaus"]),
    ("liesel", &["elisabeth"]),
    ("lutz", &["ludwig"]),
    ("mimmo", &["domenico"]),
    ("nanni", &["giovanni"]),
    ("patxi", &["francisco"]),
    ("pep", &["josep"]),
    ("peppe", &["giuseppe"]),
    ("peppino", &["giuseppe"]),
    ("peru", &["pedro"]),
    ("pino", &["giuseppe"]),
    ("pippo", &["filippo"]),
    ("quim", &["joaquim"]),
    ("rui", &["rodrigo"]),
    ("sandro", &["alessandro"]),
    ("sepp", &["josef"]),
    ("seppi", &["josef"]),
    ("tonet", &["antoni"]),
    ("tonho", &["antonio"]),
    ("tonino", &["antonio"]),
    ("topher", &["christopher"]),
    ("toto", &["salvatore"]),
    ("turi", &["salvatore"]),
    ("txema", &["jose maria"]),
    ("willi", &["wilhelm"]),
    ("xabi", &["xabier"]),
    ("xan", &["xoan"]),
    ("xavi", &["xavier"]),
    ("xisco", &["francisco"]),
    ("ze", &["jose"]),
    ("zeca", &["jose"]),
];

/// The Irish, Scottish Gaelic and Welsh forms of English names that
/// English-speaking records carry (`Seán` and `Eoin` for John, `Séamus` and
/// `Hamish` for James, `Liam` for William, `Dafydd` for David, `Siobhán` for
/// Jane), folded, with the English name each is a form of (read as its
/// [`FORMS`]). Each is also a name of its own, as `Jack` is: `Seán` and
/// `John` are one name, but `Seán` and `Eoin`, or `Siobhán` and `Sinéad`,
/// are two people's names, and so are `Seán` and `Ian`.
pub(super) static CELTIC_FORMS: &[(&str, &[&str])] = &[
    ("alasdair", &["alexander"]),
    ("alastair", &["alexander"]),
    ("alistair", &["alexander"]),
    ("caitriona", &["catherine"]),
    ("dafydd", &["david"]),
    ("eilidh", &["helen"]),
    ("eoin", &["john"]),
    ("hamish", &["james"]),
    ("ieuan", &["john"]),
    ("ioan", &["john"]),
    ("liam", &["william"]),
    ("maire", &["mary"]),
    ("mairead", &["margaret"]),
    ("padraic", &["patrick"]),
    ("seamus", &["james"]),
    ("sean", &["john"]),
    ("seonaid", &["janet"]),
    ("seosamh", &["joseph"]),
    ("seumas", &["james"]),
    ("shamus", &["james"]),
    ("sian", &["jane"]),
    ("sinead", &["jane"]),
    ("siobhan", &["jane"]),
];

/// The English dataset: `name,has_nickname,nickname` lines after a header.
static ENGLISH: &str = include_str!("data/nicknames.csv");

/// Word to readings.
type Readings = HashMap<&'static str, Vec<&'static str>, foldhash::fast::FixedState>;

/// The readings of a folded given-name word other than itself alone: the form
/// of its name, and for a nickname the forms of the names it stands for (its
/// own reading first when it is a name as well). `None` for a word that stands
/// only for itself.
pub(super) fn readings(word: &str) -> Option<&'static [&'static str]> {
    table().get(word).map(Vec::as_slice)
}

fn table() -> &'static Readings {
    static TABLE: OnceLock<Readings> = OnceLock::new();
    TABLE.get_or_init(build)
}

/// The nicknames of a reading (`miguel`: `mike`, `mikey`, `mick`, `miki`,
/// ...), from every table: the other way round from [`readings`]. Empty for a
/// reading with no nicknames.
pub(super) fn nicknames_of(reading: &str) -> &'static [&'static str] {
    static TABLE: OnceLock<Readings> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut out = Readings::default();
        for (&word, readings) in table() {
            for &r in readings {
                if r != word {
                    let nicks = out.entry(r).or_default();
                    if !nicks.contains(&word) {
                        nicks.push(word);
                    }
                }
            }
        }
        out.values_mut().for_each(|v| v.sort_unstable());
        out
    });
    table.get(reading).map_or(&[], Vec::as_slice)
}

/// Whether a folded word is a nickname only: it has readings, none of them
/// its own.
pub(super) fn is_nickname_only(word: &str) -> bool {
    readings(word).is_some_and(|r| !r.contains(&word) && !is_form(word))
}

/// Whether a folded word is a form of a name across languages ([`FORMS`]).
pub(super) fn is_form(word: &str) -> bool {
    static WORDS: OnceLock<HashSet<&'static str, foldhash::fast::FixedState>> = OnceLock::new();
    WORDS
        .get_or_init(|| FORMS.iter().flat_map(|g| g.iter().copied()).collect())
        .contains(word)
}

/// Whether a folded word is a name or nickname any table knows.
pub(super) fn is_known(word: &str) -> bool {
    static NAMES: OnceLock<HashSet<&'static str, foldhash::fast::FixedState>> = OnceLock::new();
    readings(word).is_some()
        || NAMES
            .get_or_init(|| english().flat_map(|(n, k)| [n, k]).collect())
            .contains(word)
}

/// The English relations: `(name, nickname)`, folded words only.
pub(super) fn english() -> impl Iterator<Item = (&'static str, &'static str)> {
    ENGLISH.lines().skip(1).filter_map(|line| {
        let mut parts = line.trim_end_matches('\r').split(',');
        let (name, rel, nick) = (parts.next()?, parts.next()?, parts.next()?);
        let word = |w: &str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase());
        (rel == "has_nickname" && word(name) && word(nick)).then_some((name, nick))
    })
}

fn build() -> Readings {
    let mut form: HashMap<&'static str, &'static str> = HashMap::new();
    for group in FORMS {
        for &w in *group {
            form.insert(w, group[0]);
        }
    }
    // Each word of a (possibly two-word) name as its form.
    let form_of = |name: &'static str| -> Vec<&'static str> {
        name.split(' ')
            .map(|w| *form.get(w).unwrap_or(&w))
            .collect()
    };
    // Nickname to names, in the order of the tables: Spanish, other
    // languages, English.
    let mut names_of: HashMap<&'static str, Vec<&'static str>> = HashMap::new();
    let mut add_name = |nick: &'static str, name: &'static str| {
        let names = names_of.entry(nick).or_default();
        if !names.contains(&name) {
            names.push(name);
        }
    };
    for (nick, names) in super::nicknames::NICKNAMES {
        names.iter().for_each(|n| add_name(nick, n));
    }
    for (nick, names) in OTHER_NICKNAMES.iter().chain(CELTIC_FORMS) {
        names.iter().for_each(|n| add_name(nick, n));
    }
    // Words that are names in their own right.
    let mut own: HashSet<&'static str> = form.keys().copied().collect();
    own.extend(CELTIC_FORMS.iter().map(|(word, _)| *word));
    for (name, nick) in english() {
        own.insert(name);
        add_name(nick, name);
    }
    let spanish: HashSet<&'static str> = super::given_names::GIVEN_NAMES.iter().copied().collect();
    own.extend(spanish.iter().copied());
    let mut table = Readings::default();
    let words: BTreeSet<&'static str> = form.keys().chain(names_of.keys()).copied().collect();
    for word in words {
        let mut out: Vec<&'static str> = Vec::new();
        let mut add = |reading: &'static str| {
            if !out.contains(&reading) {
                out.push(reading);
            }
        };
        let grouped = form.get(word);
        if let Some(f) = grouped {
            add(f);
        } else if own.contains(word) && names_of.contains_key(word) {
            add(word);
        }
        // A form of a name across languages reads only as that name: the
        // English list's looser links (`emil` to `emily`, `patrick` to
        // `peter`) would read two people's names as one. A common given name
        // of its own (`maria`, which the English list also gives as a
        // nickname of `mariah`) is read as another name only through that
        // name's forms in other languages (`alex` as `alejandro`): otherwise
        // every María would read as three names.
        let own_name = grouped.is_some() || spanish.contains(word);
        for name in names_of.get(word).into_iter().flatten() {
            if grouped.is_some() && !super::nicknames::is_spanish_nickname(word) {
                break;
            }
            if own_name && !form.contains_key(name) && !super::nicknames::is_spanish_nickname(word)
            {
                continue;
            }
            match form_of(name).as_slice() {
                [one] => add(one),
                parts => add(Box::leak(parts.join(" ").into_boxed_str())),
            }
        }
        if out != [word] && !out.is_empty() {
            table.insert(word, out);
        }
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_is_in_one_group_at_most() {
        let mut seen = std::collections::HashSet::new();
        for group in FORMS {
            for w in *group {
                assert!(seen.insert(*w), "{w} in two groups");
                assert!(
                    w.bytes().all(|b| b.is_ascii_lowercase() || b == b' '),
                    "{w}"
                );
            }
        }
        assert!(OTHER_NICKNAMES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(CELTIC_FORMS.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn the_english_dataset_reads_whole() {
        assert!(english().count() >= 2_680, "{}", english().count());
    }

    #[test]
    fn readings_meet_across_languages_and_nicknames() {
        let r = |w: &str| readings(w).map(<[_]>::to_vec).unwrap_or_default();
        let r = move |w: &str| -> Vec<&'static str> { r(w) };
        // As matching reads two given names (`compare::one_name`).
        let meet = |a: &str, b: &str| {
            let (x, y) = (r(a), r(b));
            let x: Vec<String> = if x.is_empty() {
                vec![a.into()]
            } else {
                x.iter().map(|w| w.to_string()).collect()
            };
            let y: Vec<String> = if y.is_empty() {
                vec![b.into()]
            } else {
                y.iter().map(|w| w.to_string()).collect()
            };
            let own = |w: &str, r: &[String]| (!is_nickname_only(w)).then(|| r[0].clone());
            match (own(a, &x), own(b, &y)) {
                (None, None) => x.iter().any(|w| y.contains(w)),
                (p, q) => p.is_some_and(|p| y.contains(&p)) || q.is_some_and(|q| x.contains(&q)),
            }
        };
        for (a, b) in [
            ("harry", "henry"),
            ("jack", "john"),
            ("jim", "james"),
            ("bill", "william"),
            ("ed", "edward"),
            ("bob", "robert"),
            ("ned", "edward"),
            ("gwilym", "william"),
            ("william", "guillermo"),
            ("ian", "john"),
            ("bill", "guillem"),
            ("jordi", "jorge"),
            ("pep", "jose"),
            ("beppe", "jose"),
            ("patxi", "francisco"),
            ("pepe", "joseph"),
            ("inaki", "ignacio"),
            ("peggy", "margarita"),
            ("sean", "john"),
            ("seamus", "james"),
            ("hamish", "jaime"),
            ("eoin", "john"),
            ("liam", "william"),
            ("topher", "christopher"),
        ] {
            assert!(meet(a, b), "{a} {b}: {:?} {:?}", r(a), r(b));
        }
        for (a, b) in [
            ("jane", "john"),
            ("peter", "patrick"),
            ("hannah", "susan"),
            ("ellen", "eleanor"),
            ("sean", "ian"),
            ("evan", "sean"),
            ("jack", "ian"),
            ("sean", "iain"),
            ("sean", "eoin"),
            ("siobhan", "sinead"),
            ("sinead", "sian"),
            ("seamus", "hamish"),
            ("louise", "louis"),
            ("emily", "emil"),
            ("juan", "juana"),
            ("joan", "john"),
            ("jean", "john"),
            ("jose", "josefa"),
            ("aaron", "ronald"),
            ("maria", "mario"),
            ("juan", "juana"),
            ("joan", "john"),
            ("jean", "john"),
            ("jose", "josefa"),
            ("ana", "pedro"),
        ] {
            assert!(!meet(a, b), "{a} {b}: {:?} {:?}", r(a), r(b));
        }
        assert!(r("jack").contains(&"juan"));
        // A common name of its own is not read as another name's nickname.
        assert!(r("maria").is_empty());
        assert!(r("alex").contains(&"alejandro"));
        assert_eq!(r("pepe"), ["jose"]);
    }
}
