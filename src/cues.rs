//! Cue-word features: one indicator per family of words that signal a kind of claim.
//!
//! Bag-of-words features learn each word on its own; a cue family pools the
//! synonyms of one speech act ("accuse", "blame", "allege"...) into one feature, so
//! that a rare synonym still counts, and pairs them with reporting and future cues
//! ("said", "will") that turn a word into a claim someone makes. Clause cues say
//! where a claim word sits: in the main clause, or just after a linking word
//! ("expelled diplomats *over their alleged* spying", which reports an expulsion),
//! and which claim family the sentence names first.

use crate::text::NEGATED;
use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// Prefix of every cue feature name; it cannot collide with a word, which is lowercase.
pub const CUE_PREFIX: &str = "CUE_";

/// What [`CueMatcher::family`] returns for a term of no family.
pub const NO_FAMILY: u8 = u8::MAX;

/// The cue families and the words that belong to each.
const FAMILIES: &[(&str, &[&str])] = &[
    (
        "accuse",
        &[
            "accuse",
            "accusation",
            "blame",
            "allege",
            "allegation",
            "condemn",
            "violate",
            "violation",
            "culprit",
            "complicit",
            "orchestrate",
            "liar",
            "lying",
            "denounce",
            "slam",
            "lambast",
            "perpetrator",
            "sabotage",
            "interference",
            "meddling",
            "aggression",
            "provocation",
            "abuses",
            "illegally",
            "fraud",
            "rigged",
            "extortion",
            "bribes",
            "guilty",
            "indicted",
            "indictment",
            "lawsuit",
            "domination",
            "dictate",
            "hegemony",
            "blackmail",
            "responsible",
            "behind",
            "smear",
            "criticize",
            "criticise",
            "complain",
            "faulted",
            "misled",
            "embezzled",
            "colluding",
            "plotting",
        ],
    ),
    (
        "deny",
        &[
            "deny",
            "denial",
            "reject",
            "dismiss",
            "refute",
            "baseless",
            "unfounded",
            "groundless",
            "fabricated",
            "fabrication",
            "false",
            "fake",
            "untrue",
            "lies",
            "absurd",
            "nonsense",
            "slander",
            "innocent",
            "rebuff",
            "fiction",
            "falsehood",
            "slanderous",
            "rubbish",
            "disinformation",
            "misinformation",
        ],
    ),
    (
        "threat",
        &[
            "threaten",
            "threat",
            "warn",
            "retaliate",
            "retaliation",
            "ultimatum",
            "countermeasures",
            "consequences",
            "reprisal",
            "punish",
            "revenge",
            "retribution",
            "crush",
            "respond",
            "oppose",
            "unanswered",
            "unacceptable",
            "force",
            "strike",
            "sanctions",
            "tariffs",
            "kill",
            "destroy",
            "eliminate",
            "vow",
            "hit",
            "boycott",
            "expel",
            "sue",
            "block",
            "tighten",
            "cut",
            "halt",
            "suspend",
            "resist",
        ],
    ),
    (
        "offer",
        &[
            "offer",
            "propose",
            "proposal",
            "pledge",
            "promise",
            "ready",
            "willing",
            "prepared",
            "invite",
            "invitation",
            "provide",
            "support",
            "help",
            "assist",
            "mediate",
            "mediation",
            "negotiate",
            "talks",
            "dialogue",
            "donate",
            "aid",
            "commit",
            "commitment",
            "send",
            "release",
            "return",
            "allow",
            "cooperate",
            "cooperation",
            "assistance",
            "reward",
            "concession",
            "lift",
            "grant",
            "host",
            "open",
            "extend",
            "guarantee",
            "fund",
            "contribute",
        ],
    ),
    (
        "report",
        &[
            "said",
            "says",
            "say",
            "told",
            "according",
            "stated",
            "added",
            "claimed",
            "insisted",
            "announced",
            "statement",
            "spokesman",
            "spokeswoman",
            "spokesperson",
            "reporters",
            "quoted",
            "wrote",
            "tweeted",
            "declared",
            "asserted",
            "stressed",
            "noted",
        ],
    ),
    (
        "future",
        &[
            "will", "would", "'ll", "shall", "going", "ready", "vowed", "intends",
        ],
    ),
    (
        "link",
        &[
            "after",
            "over",
            "amid",
            "following",
            "into",
            "for",
            "despite",
            "since",
            "when",
            "because",
            "while",
            "as",
            "who",
            "which",
            "whom",
            "whose",
            "against",
            "about",
            "of",
            "before",
        ],
    ),
];

/// How many words after a linking word ("after", "over", "who"...) a claim cue counts
/// as subordinate: "expelled diplomats over their alleged spying" reports an expulsion.
const LINK_REACH: u8 = 3;

/// Claim families that are also paired with the reporting and future cues.
const PAIRED: &[&str] = &["accuse", "deny", "threat", "offer"];

/// Families that are emitted as features of their own (the linking words only shape
/// the clause cues).
const EMITTED: usize = 6;

/// Finds the cue families in a sentence's terms.
#[derive(Clone)]
pub struct CueMatcher {
    /// Stem to family index.
    lexicon: FxHashMap<String, usize>,
    /// Set when the terms come unstemmed and must be stemmed for the lookup.
    stemmer: Option<Arc<Stemmer>>,
}

impl std::fmt::Debug for CueMatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CueMatcher")
            .field("words", &self.lexicon.len())
            .field("stems_terms", &self.stemmer.is_some())
            .finish()
    }
}

impl CueMatcher {
    /// Builds the matcher for terms stemmed (`stem`) or not.
    ///
    /// The lexicon is always matched on stems, so that every inflection of a cue word
    /// counts; when the terms are not stemmed already, the matcher stems them itself.
    pub fn new(stem: bool) -> CueMatcher {
        let stemmer = Stemmer::create(Algorithm::English);
        let mut lexicon = FxHashMap::default();
        for (i, (_, words)) in FAMILIES.iter().enumerate() {
            for w in *words {
                lexicon.entry(stemmer.stem(w).into_owned()).or_insert(i);
            }
        }
        CueMatcher {
            lexicon,
            stemmer: (!stem).then(|| Arc::new(stemmer)),
        }
    }

    /// Every cue feature name this matcher can emit.
    pub fn names() -> Vec<String> {
        let mut out: Vec<String> = FAMILIES[..EMITTED]
            .iter()
            .map(|(f, _)| format!("{CUE_PREFIX}{f}"))
            .collect();
        for p in PAIRED {
            for suffix in ["_report", "_future", "_main", "_linked", "_first"] {
                out.push(format!("{CUE_PREFIX}{p}{suffix}"));
            }
        }
        out
    }

    /// Fresh flags for one sentence, for [`CueMatcher::mark`].
    pub fn flags() -> CueFlags {
        CueFlags::default()
    }

    /// The family of a term ([`NO_FAMILY`] when it has none or is negated), for
    /// [`CueMatcher::mark`].
    pub fn family(&self, term: &str) -> u8 {
        if term.starts_with(NEGATED) {
            return NO_FAMILY;
        }
        let found = match &self.stemmer {
            Some(s) => self.lexicon.get(s.stem(term).as_ref()),
            None => self.lexicon.get(term),
        };
        found.map_or(NO_FAMILY, |&i| i as u8)
    }

    /// Notes the family of the sentence's next term, as [`CueMatcher::family`] found it
    /// ([`NO_FAMILY`] included: it moves the clause position on).
    pub fn mark(flags: &mut CueFlags, family: u8) {
        let i = family as usize;
        flags.since_link = flags.since_link.saturating_add(1);
        let Some(f) = flags.found.get_mut(i) else {
            return;
        };
        *f = true;
        if i < PAIRED.len() {
            let linked = flags.since_link <= LINK_REACH;
            flags.clause[i] |= if linked { LINKED } else { MAIN };
            if flags.first.is_none() {
                flags.first = Some(family);
            }
        } else if FAMILIES[i].0 == "link" {
            flags.since_link = 0;
        }
    }

    /// Calls `emit` with the name of each cue the flags hold.
    pub fn emit(&self, flags: &CueFlags, mut emit: impl FnMut(&str)) {
        let found = &flags.found;
        let family = |name: &str| FAMILIES.iter().position(|(f, _)| *f == name);
        let (report, future) = (family("report"), family("future"));
        let mut name = String::with_capacity(24);
        for (i, (f, _)) in FAMILIES[..EMITTED].iter().enumerate() {
            if !found[i] {
                continue;
            }
            name.clear();
            name.push_str(CUE_PREFIX);
            name.push_str(f);
            emit(&name);
            if i >= PAIRED.len() {
                continue;
            }
            let base = name.len();
            let mut with = |suffix: &str, on: bool| {
                if on {
                    name.push_str(suffix);
                    emit(&name);
                    name.truncate(base);
                }
            };
            with("_report", report.is_some_and(|o| found[o]));
            with("_future", future.is_some_and(|o| found[o]));
            with("_main", flags.clause[i] & MAIN != 0);
            with("_linked", flags.clause[i] & LINKED != 0);
            with("_first", flags.first == Some(i as u8));
        }
    }

    /// Calls `emit` with the name of each cue found in `terms` (each at most once).
    pub fn matches<'t>(&self, terms: impl IntoIterator<Item = &'t str>, emit: impl FnMut(&str)) {
        let mut flags = Self::flags();
        for t in terms {
            Self::mark(&mut flags, self.family(t));
        }
        self.emit(&flags, emit);
    }
}

/// A claim cue seen in a main clause.
const MAIN: u8 = 1;
/// A claim cue seen just after a linking word.
const LINKED: u8 = 2;

/// What a sentence has shown so far: the cue families, where each claim family
/// appeared (main clause or just after a linking word) and which came first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CueFlags {
    found: [bool; FAMILIES.len()],
    clause: [u8; PAIRED.len()],
    first: Option<u8>,
    since_link: u8,
}

impl Default for CueFlags {
    fn default() -> Self {
        CueFlags {
            found: [false; FAMILIES.len()],
            clause: [0; PAIRED.len()],
            first: None,
            since_link: u8::MAX,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{Analyzer, AnalyzerOptions};

    fn cues(text: &str) -> Vec<String> {
        let mut a = Analyzer::new(AnalyzerOptions::default());
        let terms = a.terms(text);
        let m = CueMatcher::new(AnalyzerOptions::default().stem);
        let mut out = Vec::new();
        m.matches(terms.iter().map(String::as_str), |c| {
            out.push(c.to_string())
        });
        out
    }

    #[test]
    fn families_fire_once_and_pair() {
        assert_eq!(
            cues("Kyiv accused Moscow, and blamed it again, officials said."),
            vec![
                "CUE_accuse",
                "CUE_accuse_report",
                "CUE_accuse_main",
                "CUE_accuse_first",
                "CUE_report"
            ]
        );
        assert_eq!(
            cues("Beijing warned it would retaliate."),
            vec![
                "CUE_threat",
                "CUE_threat_future",
                "CUE_threat_main",
                "CUE_threat_first",
                "CUE_future"
            ]
        );
    }

    #[test]
    fn unstemmed_terms_match_every_inflection() {
        let m = CueMatcher::new(false);
        let mut out = Vec::new();
        m.matches(["officials", "accused", "and", "threatens"], |c| {
            out.push(c.to_string())
        });
        assert_eq!(
            out,
            vec![
                "CUE_accuse",
                "CUE_accuse_main",
                "CUE_accuse_first",
                "CUE_threat",
                "CUE_threat_main"
            ]
        );
    }

    #[test]
    fn negated_words_do_not_fire() {
        assert!(cues("He did not deny it").is_empty());
        assert_eq!(
            cues("They denied it"),
            vec!["CUE_deny", "CUE_deny_main", "CUE_deny_first"]
        );
    }

    #[test]
    fn clause_cues_tell_main_from_linked() {
        let linked = cues("Oslo expelled two diplomats over their alleged spying.");
        assert!(
            linked.contains(&"CUE_accuse_linked".to_string()),
            "{linked:?}"
        );
        assert!(
            !linked.contains(&"CUE_accuse_main".to_string()),
            "{linked:?}"
        );
        let main = cues("Oslo accused two diplomats of spying.");
        assert!(main.contains(&"CUE_accuse_main".to_string()), "{main:?}");
        assert!(!main.contains(&"CUE_accuse_linked".to_string()), "{main:?}");
        // The first claim family of the sentence is marked, and only it.
        let both = cues("Minsk rejected the charge and warned of a response.");
        assert!(both.contains(&"CUE_deny_first".to_string()), "{both:?}");
        assert!(!both.contains(&"CUE_threat_first".to_string()), "{both:?}");
    }

    #[test]
    fn family_table_matches_the_paired_and_emitted_ranges() {
        for (i, p) in PAIRED.iter().enumerate() {
            assert_eq!(FAMILIES[i].0, *p);
        }
        assert_eq!(FAMILIES[EMITTED].0, "link");
        assert_eq!(FAMILIES.len(), EMITTED + 1);
    }

    #[test]
    fn names_cover_every_emitted_cue() {
        let names = CueMatcher::names();
        for c in cues("The ministry said it would offer talks, deny claims, threaten and accuse.") {
            assert!(names.contains(&c), "{c}");
        }
    }
}
