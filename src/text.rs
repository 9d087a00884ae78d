//! Text analysis: a tokenizer followed by small filters, each with one job.
//!
//! [`Tokenizer`] cuts a sentence into lowercase words, numbers and punctuation;
//! [`NegationFilter`] prefixes words in the scope of a negation with `NOT_`;
//! [`StemFilter`] reduces words to their English Snowball stems. [`Analyzer`]
//! chains them as the featurizer's options say.

use rust_stemmers::{Algorithm, Stemmer};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The placeholder every number is normalized to.
pub const NUMBER: &str = "<num>";

/// The prefix marking a word in the scope of a negation.
pub const NEGATED: &str = "NOT_";

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A word (letters, possibly with an inner apostrophe as in `didn't`).
    Word,
    /// A number, normalized to [`NUMBER`].
    Number,
    /// Punctuation that closes a clause (`.,;:!?` and the like).
    Punct,
}

/// One token of a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The normalized token text.
    pub text: String,
    /// What the token is.
    pub kind: TokenKind,
}

/// Unicode-aware tokenizer: lowercases, keeps contractions, normalizes numbers.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tokenizer;

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ')
}

fn is_clause_punct(c: char) -> bool {
    matches!(
        c,
        '.' | ',' | ';' | ':' | '!' | '?' | '…' | '"' | '“' | '”' | '(' | ')' | '—' | '–'
    )
}

impl Tokenizer {
    /// Appends the tokens of `text` to `out`.
    pub fn tokenize_into(&self, text: &str, out: &mut Vec<Token>) {
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c.is_alphanumeric() {
                let mut end = i + c.len_utf8();
                let mut has_digit = c.is_numeric();
                while let Some(&(j, d)) = chars.peek() {
                    if d.is_alphanumeric() {
                        has_digit |= d.is_numeric();
                        end = j + d.len_utf8();
                        chars.next();
                    } else if (is_apostrophe(d) || (has_digit && matches!(d, '.' | ','))) && {
                        let mut ahead = chars.clone();
                        ahead.next();
                        ahead.peek().is_some_and(|&(_, e)| e.is_alphanumeric())
                    } {
                        end = j + d.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                let word = &text[i..end];
                if has_digit {
                    out.push(Token {
                        text: NUMBER.to_string(),
                        kind: TokenKind::Number,
                    });
                    continue;
                }
                let mut lower: String = word
                    .chars()
                    .map(|c| if is_apostrophe(c) { '\'' } else { c })
                    .flat_map(char::to_lowercase)
                    .collect();
                if lower.ends_with("'s") {
                    lower.truncate(lower.len() - 2);
                }
                out.push(Token {
                    text: lower,
                    kind: TokenKind::Word,
                });
            } else if is_clause_punct(c) {
                out.push(Token {
                    text: c.to_string(),
                    kind: TokenKind::Punct,
                });
            }
        }
    }

    /// Returns the tokens of `text`.
    pub fn tokenize(&self, text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        self.tokenize_into(text, &mut out);
        out
    }
}

/// Marks the words after a negation, up to the next clause punctuation, with [`NEGATED`].
#[derive(Debug, Clone, Copy, Default)]
pub struct NegationFilter;

/// Whether a lowercase word opens a negation scope.
pub fn is_negator(word: &str) -> bool {
    matches!(
        word,
        "not" | "no" | "never" | "nor" | "cannot" | "neither" | "nothing" | "nobody" | "none"
    ) || word.ends_with("n't")
}

impl NegationFilter {
    /// Rewrites `tokens` in place.
    pub fn apply(&self, tokens: &mut [Token]) {
        let mut negated = false;
        for t in tokens.iter_mut() {
            match t.kind {
                TokenKind::Punct => negated = false,
                TokenKind::Word if is_negator(&t.text) => negated = true,
                _ if negated => t.text.insert_str(0, NEGATED),
                _ => {}
            }
        }
    }
}

/// English Snowball stemming that keeps the [`NEGATED`] prefix and caches its results.
pub struct StemFilter {
    stemmer: Stemmer,
    cache: HashMap<String, String>,
}

impl std::fmt::Debug for StemFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StemFilter")
            .field("cached", &self.cache.len())
            .finish()
    }
}

impl Default for StemFilter {
    fn default() -> Self {
        StemFilter {
            stemmer: Stemmer::create(Algorithm::English),
            cache: HashMap::new(),
        }
    }
}

impl StemFilter {
    /// Stems one word, from the cache when it was stemmed before.
    pub fn stem<'a>(&'a mut self, word: &str) -> &'a str {
        if !self.cache.contains_key(word) {
            let (prefix, bare) = match word.strip_prefix(NEGATED) {
                Some(rest) => (NEGATED, rest),
                None => ("", word),
            };
            let stem = format!("{prefix}{}", self.stemmer.stem(bare));
            self.cache.insert(word.to_string(), stem);
        }
        &self.cache[word]
    }

    /// Stems every word token in place.
    pub fn apply(&mut self, tokens: &mut [Token]) {
        for t in tokens.iter_mut().filter(|t| t.kind == TokenKind::Word) {
            let stem = self.stem(&t.text);
            if stem != t.text {
                t.text.clear();
                t.text.push_str(stem);
            }
        }
    }
}

/// Which filters the analyzer runs; stored in every model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnalyzerOptions {
    /// Prefix words in a negation scope with `NOT_`.
    pub negation: bool,
    /// Reduce words to English Snowball stems.
    pub stem: bool,
}

impl Default for AnalyzerOptions {
    fn default() -> Self {
        AnalyzerOptions {
            negation: true,
            stem: true,
        }
    }
}

/// The tokenizer and filters chained: turns a sentence into its terms.
#[derive(Debug)]
pub struct Analyzer {
    options: AnalyzerOptions,
    tokenizer: Tokenizer,
    stemmer: Option<StemFilter>,
    buffer: Vec<Token>,
}

impl Analyzer {
    /// Creates an analyzer with the given filters.
    pub fn new(options: AnalyzerOptions) -> Self {
        Analyzer {
            options,
            tokenizer: Tokenizer,
            stemmer: options.stem.then(StemFilter::default),
            buffer: Vec::new(),
        }
    }

    /// The options this analyzer runs with.
    pub fn options(&self) -> AnalyzerOptions {
        self.options
    }

    /// Calls `emit` with each term of `text` (words and numbers, punctuation dropped).
    pub fn analyze(&mut self, text: &str, mut emit: impl FnMut(&str)) {
        let mut tokens = std::mem::take(&mut self.buffer);
        tokens.clear();
        self.tokenizer.tokenize_into(text, &mut tokens);
        if self.options.negation {
            NegationFilter.apply(&mut tokens);
        }
        if let Some(stemmer) = self.stemmer.as_mut() {
            stemmer.apply(&mut tokens);
        }
        for t in tokens.iter().filter(|t| t.kind != TokenKind::Punct) {
            emit(&t.text);
        }
        self.buffer = tokens;
    }

    /// Returns the terms of `text` as owned strings.
    pub fn terms(&mut self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        self.analyze(text, |t| out.push(t.to_string()));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        Tokenizer
            .tokenize(text)
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    #[test]
    fn tokenizer_lowercases_and_keeps_contractions() {
        assert_eq!(
            words("Moscow DIDN’T deny Russia's role, won't it?"),
            vec![
                "moscow", "didn't", "deny", "russia", "role", ",", "won't", "it", "?"
            ]
        );
    }

    #[test]
    fn tokenizer_normalizes_numbers() {
        assert_eq!(
            words("$1.5 billion in 2014, 3,000 troops and F-16s"),
            vec![
                "<num>", "billion", "in", "<num>", ",", "<num>", "troops", "and", "f", "<num>"
            ]
        );
    }

    #[test]
    fn tokenizer_handles_unicode() {
        assert_eq!(
            words("Zelensky: «Мы ответим»"),
            vec!["zelensky", ":", "мы", "ответим"]
        );
    }

    #[test]
    fn negation_scope_ends_at_punctuation() {
        let mut a = Analyzer::new(AnalyzerOptions {
            negation: true,
            stem: false,
        });
        assert_eq!(
            a.terms("He did not rule out signing, officials said."),
            vec![
                "he",
                "did",
                "not",
                "NOT_rule",
                "NOT_out",
                "NOT_signing",
                "officials",
                "said"
            ]
        );
        assert_eq!(
            a.terms("They haven't agreed"),
            vec!["they", "haven't", "NOT_agreed"]
        );
    }

    #[test]
    fn stemming_keeps_negation_prefix() {
        let mut a = Analyzer::new(AnalyzerOptions::default());
        assert_eq!(
            a.terms("never threatened; accusing"),
            vec!["never", "NOT_threaten", "accus"]
        );
        let mut plain = Analyzer::new(AnalyzerOptions {
            negation: false,
            stem: true,
        });
        assert_eq!(plain.terms("never threatened"), vec!["never", "threaten"]);
    }
}
