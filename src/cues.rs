//! Cue-word features: one indicator per family of words that signal a kind of claim.
//!
//! Bag-of-words features learn each word on its own; a cue family pools the
//! synonyms of one speech act ("accuse", "blame", "allege"...) into one feature, so
//! that a rare synonym still counts, and pairs them with reporting and future cues
//! ("said", "will") that turn a word into a claim someone makes.

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
];

/// Claim families that are also paired with the reporting and future cues.
const PAIRED: &[&str] = &["accuse", "deny", "threat", "offer"];

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
        let mut out: Vec<String> = FAMILIES
            .iter()
            .map(|(f, _)| format!("{CUE_PREFIX}{f}"))
            .collect();
        for p in PAIRED {
            out.push(format!("{CUE_PREFIX}{p}_report"));
            out.push(format!("{CUE_PREFIX}{p}_future"));
        }
        out
    }

    /// Fresh flags for [`CueMatcher::observe`], one per family.
    pub fn flags() -> CueFlags {
        CueFlags([false; FAMILIES.len()])
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

    /// Notes a family found by [`CueMatcher::family`].
    pub fn mark(flags: &mut CueFlags, family: u8) {
        if let Some(f) = flags.0.get_mut(family as usize) {
            *f = true;
        }
    }

    /// Calls `emit` with the name of each cue the flags hold.
    pub fn emit(&self, flags: &CueFlags, mut emit: impl FnMut(&str)) {
        let found = &flags.0;
        let family = |name: &str| FAMILIES.iter().position(|(f, _)| *f == name);
        let (report, future) = (family("report"), family("future"));
        let mut name = String::with_capacity(24);
        for (i, (f, _)) in FAMILIES.iter().enumerate() {
            if !found[i] {
                continue;
            }
            name.clear();
            name.push_str(CUE_PREFIX);
            name.push_str(f);
            emit(&name);
            if PAIRED.contains(f) {
                for (other, suffix) in [(report, "_report"), (future, "_future")] {
                    if other.is_some_and(|o| found[o]) {
                        let base = name.len();
                        name.push_str(suffix);
                        emit(&name);
                        name.truncate(base);
                    }
                }
            }
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

/// Which cue families a sentence has shown so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CueFlags([bool; FAMILIES.len()]);

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
            vec!["CUE_accuse", "CUE_accuse_report", "CUE_report"]
        );
        assert_eq!(
            cues("Beijing warned it would retaliate."),
            vec!["CUE_threat", "CUE_threat_future", "CUE_future"]
        );
    }

    #[test]
    fn unstemmed_terms_match_every_inflection() {
        let m = CueMatcher::new(false);
        let mut out = Vec::new();
        m.matches(["officials", "accused", "and", "threatens"], |c| {
            out.push(c.to_string())
        });
        assert_eq!(out, vec!["CUE_accuse", "CUE_threat"]);
    }

    #[test]
    fn negated_words_do_not_fire() {
        assert!(cues("He did not deny it").is_empty());
        assert_eq!(cues("They denied it"), vec!["CUE_deny"]);
    }

    #[test]
    fn names_cover_every_emitted_cue() {
        let names = CueMatcher::names();
        for c in cues("The ministry said it would offer talks, deny claims, threaten and accuse.") {
            assert!(names.contains(&c), "{c}");
        }
    }
}
