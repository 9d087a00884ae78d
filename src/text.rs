//! Text analysis: a tokenizer followed by small filters, each with one job.
//!
//! [`Tokenizer`] cuts a sentence into lowercase words, numbers and punctuation;
//! [`NegationFilter`] marks the words in the scope of a negation for a `NOT_` prefix;
//! [`StemFilter`] reduces words to their English Snowball stems. [`Analyzer`]
//! chains them as the featurizer's options say.

use rust_stemmers::{Algorithm, Stemmer};
use serde::{Deserialize, Serialize};

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
    /// Calls `f` with each token of `text`: its kind and its normalized text, which
    /// borrows `buf` (so no token allocates).
    pub fn for_each(&self, text: &str, buf: &mut String, mut f: impl FnMut(TokenKind, &str)) {
        let bytes = text.as_bytes();
        let n = bytes.len();
        let mut i = 0;
        while i < n {
            let b = bytes[i];
            if b.is_ascii() {
                if b.is_ascii_alphanumeric() {
                    i = self.word(text, i, buf, &mut f);
                } else {
                    if is_clause_punct(b as char) {
                        f(TokenKind::Punct, &text[i..i + 1]);
                    }
                    i += 1;
                }
                continue;
            }
            let c = text[i..].chars().next().unwrap_or(' ');
            if c.is_alphanumeric() {
                i = self.word(text, i, buf, &mut f);
            } else {
                if is_clause_punct(c) {
                    f(TokenKind::Punct, &text[i..i + c.len_utf8()]);
                }
                i += c.len_utf8();
            }
        }
    }

    /// Reads the word or number starting at byte `start`, emits it, and returns where it ends.
    fn word(
        &self,
        text: &str,
        start: usize,
        buf: &mut String,
        f: &mut impl FnMut(TokenKind, &str),
    ) -> usize {
        let bytes = text.as_bytes();
        let mut end = start;
        let mut has_digit = false;
        let mut ascii = true;
        while end < bytes.len() {
            let b = bytes[end];
            if b.is_ascii_alphanumeric() {
                has_digit |= b.is_ascii_digit();
                end += 1;
                continue;
            }
            let c = if b.is_ascii() {
                b as char
            } else {
                text[end..].chars().next().unwrap_or(' ')
            };
            let len = c.len_utf8();
            if c.is_alphanumeric() {
                has_digit |= c.is_numeric();
                ascii = false;
                end += len;
            } else if (is_apostrophe(c) || (has_digit && matches!(c, '.' | ',')))
                && text[end + len..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphanumeric)
            {
                ascii &= c.is_ascii();
                end += len;
            } else {
                break;
            }
        }
        if has_digit {
            f(TokenKind::Number, NUMBER);
            return end;
        }
        buf.clear();
        if ascii {
            buf.push_str(&text[start..end]);
            buf.make_ascii_lowercase();
        } else {
            for c in text[start..end].chars() {
                if is_apostrophe(c) {
                    buf.push('\'');
                } else {
                    buf.extend(c.to_lowercase());
                }
            }
        }
        if buf.ends_with("'s") {
            buf.truncate(buf.len() - 2);
        }
        f(TokenKind::Word, buf);
        end
    }

    /// Appends the tokens of `text` to `out`.
    pub fn tokenize_into(&self, text: &str, out: &mut Vec<Token>) {
        let mut buf = String::new();
        self.for_each(text, &mut buf, |kind, t| {
            out.push(Token {
                text: t.to_string(),
                kind,
            })
        });
    }

    /// Returns the tokens of `text`.
    pub fn tokenize(&self, text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        self.tokenize_into(text, &mut out);
        out
    }
}

/// Tracks negation scope over a token stream: the words after a negator, up to the
/// next clause punctuation, take the [`NEGATED`] prefix.
#[derive(Debug, Clone, Copy, Default)]
pub struct NegationFilter {
    enabled: bool,
    active: bool,
}

/// Whether a lowercase word opens a negation scope.
pub fn is_negator(word: &str) -> bool {
    if word.len() > 7 && !word.ends_with("n't") {
        return false;
    }
    matches!(
        word,
        "not" | "no" | "never" | "nor" | "cannot" | "neither" | "nothing" | "nobody" | "none"
    ) || word.ends_with("n't")
}

impl NegationFilter {
    /// A filter that marks negation scopes, or (when `enabled` is false) never does.
    pub fn new(enabled: bool) -> Self {
        NegationFilter {
            enabled,
            active: false,
        }
    }

    /// Feeds the next token; returns whether it takes the negation prefix.
    pub fn negates(&mut self, kind: TokenKind, token: &str) -> bool {
        match kind {
            TokenKind::Punct => {
                self.active = false;
                false
            }
            TokenKind::Word if self.enabled && is_negator(token) => {
                self.active = true;
                false
            }
            _ => self.active,
        }
    }
}

/// English Snowball stemming that keeps the [`NEGATED`] prefix and caches its results.
pub struct StemFilter {
    stemmer: Stemmer,
    cache: rustc_hash::FxHashMap<String, String>,
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
            cache: rustc_hash::FxHashMap::default(),
        }
    }
}

impl StemFilter {
    /// Stems one word, from the cache when it was stemmed before.
    pub fn stem<'a>(&'a mut self, word: &str) -> &'a str {
        if !self.cache.contains_key(word) {
            let stem = self.stem_uncached(word).into_owned();
            self.cache.insert(word.to_string(), stem);
        }
        &self.cache[word]
    }

    /// Stems one word without touching the cache.
    pub fn stem_uncached<'a>(&self, word: &'a str) -> std::borrow::Cow<'a, str> {
        match word.strip_prefix(NEGATED) {
            Some(bare) => std::borrow::Cow::Owned(format!("{NEGATED}{}", self.stemmer.stem(bare))),
            None => self.stemmer.stem(word),
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
            stem: false,
        }
    }
}

/// The tokenizer and filters chained: turns a sentence into its terms.
#[derive(Debug)]
pub struct Analyzer {
    options: AnalyzerOptions,
    tokenizer: Tokenizer,
    stemmer: Option<StemFilter>,
    word: String,
    key: String,
}

/// Caps the word cache of [`Analyzer::analyze_cached`]; past it the cache starts over.
const WORD_CACHE_LIMIT: usize = 1 << 20;

impl Analyzer {
    /// Creates an analyzer with the given filters.
    pub fn new(options: AnalyzerOptions) -> Self {
        Analyzer {
            options,
            tokenizer: Tokenizer,
            stemmer: options.stem.then(StemFilter::default),
            word: String::new(),
            key: String::new(),
        }
    }

    /// The options this analyzer runs with.
    pub fn options(&self) -> AnalyzerOptions {
        self.options
    }

    /// Calls `f` with each term of `text` before stemming (lowercase words and
    /// numbers, with the negation prefix where it applies; punctuation dropped) and
    /// the stem filter, if the analyzer stems.
    fn raw_terms(&mut self, text: &str, mut f: impl FnMut(&str, &mut Option<StemFilter>)) {
        let Analyzer {
            options,
            tokenizer,
            stemmer,
            word,
            key,
        } = self;
        let mut negation = NegationFilter::new(options.negation);
        tokenizer.for_each(text, word, |kind, tok| {
            if negation.negates(kind, tok) {
                key.clear();
                key.push_str(NEGATED);
                key.push_str(tok);
                f(key, stemmer);
            } else if kind != TokenKind::Punct {
                f(tok, stemmer);
            }
        });
    }

    /// Calls `emit` with each term of `text` (words and numbers, punctuation dropped).
    pub fn analyze(&mut self, text: &str, mut emit: impl FnMut(&str)) {
        self.raw_terms(text, |raw, stemmer| match stemmer {
            Some(s) => emit(s.stem(raw)),
            None => emit(raw),
        });
    }

    /// Like [`Analyzer::analyze`], but maps each term through `resolve` once per distinct
    /// word and remembers the result in `cache`, so a word seen before is neither
    /// stemmed nor resolved again.
    pub fn analyze_cached<V: Copy>(
        &mut self,
        text: &str,
        cache: &mut WordCache<V>,
        mut resolve: impl FnMut(&str) -> V,
        mut emit: impl FnMut(V),
    ) {
        self.raw_terms(text, |raw, stemmer| {
            if let Some(v) = cache.get(raw) {
                emit(v);
                return;
            }
            let v = match stemmer {
                Some(s) => resolve(s.stem_uncached(raw).as_ref()),
                None => resolve(raw),
            };
            cache.insert(raw, v);
            emit(v);
        });
    }

    /// Returns the terms of `text` as owned strings.
    pub fn terms(&mut self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        self.analyze(text, |t| out.push(t.to_string()));
        out
    }
}

/// Remembers what each word (before stemming) resolved to; see [`Analyzer::analyze_cached`].
///
/// Short words (nearly all) are keyed inline, so a lookup hashes and compares a few
/// machine words without following a pointer.
#[derive(Debug)]
pub struct WordCache<V> {
    short: rustc_hash::FxHashMap<ShortKey, V>,
    long: rustc_hash::FxHashMap<Box<str>, V>,
}

/// A word of at most 23 bytes: its bytes little-endian in three words, zero-padded,
/// with the length in the last byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct ShortKey([u64; 3]);

impl ShortKey {
    fn new(word: &str) -> Option<ShortKey> {
        let bytes = word.as_bytes();
        if bytes.len() > 23 {
            return None;
        }
        // Whole 8-byte chunks load directly; the tail is shifted in byte by byte, so
        // the key never goes through memory (no store-to-load stall).
        let mut key = [0u64; 3];
        let mut chunks = bytes.chunks_exact(8);
        let mut i = 0;
        for chunk in chunks.by_ref() {
            key[i] = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
            i += 1;
        }
        let tail = chunks
            .remainder()
            .iter()
            .rev()
            .fold(0u64, |acc, &b| (acc << 8) | b as u64);
        key[i] |= tail;
        key[2] |= (bytes.len() as u64) << 56;
        Some(ShortKey(key))
    }
}

impl<V: Copy> WordCache<V> {
    /// What `word` resolved to, if it was seen before.
    pub fn get(&self, word: &str) -> Option<V> {
        match ShortKey::new(word) {
            Some(k) => self.short.get(&k).copied(),
            None => self.long.get(word).copied(),
        }
    }

    /// Remembers what `word` resolved to (starting over past a size limit).
    pub fn insert(&mut self, word: &str, value: V) {
        if self.len() >= WORD_CACHE_LIMIT {
            self.short.clear();
            self.long.clear();
        }
        match ShortKey::new(word) {
            Some(k) => {
                self.short.insert(k, value);
            }
            None => {
                self.long.insert(word.into(), value);
            }
        }
    }

    /// How many words are remembered.
    pub fn len(&self) -> usize {
        self.short.len() + self.long.len()
    }

    /// Whether no word is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<V> Default for WordCache<V> {
    fn default() -> Self {
        WordCache {
            short: rustc_hash::FxHashMap::default(),
            long: rustc_hash::FxHashMap::default(),
        }
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
    fn word_cache_keys_short_and_long_words_exactly() {
        let mut c = WordCache::default();
        let long = "internationalisationalizations";
        c.insert("deny", 1u32);
        c.insert("denying", 2);
        c.insert(long, 3);
        assert_eq!(c.get("deny"), Some(1));
        assert_eq!(c.get("denying"), Some(2));
        assert_eq!(c.get("den"), None);
        assert_eq!(c.get(long), Some(3));
        assert_eq!(c.get(&long[..long.len() - 1]), None);
        assert_eq!(c.len(), 3);
    }

    #[test]
    fn word_cache_tells_apart_every_prefix_length() {
        // Every prefix of a 30-byte word, and each with a trailing zero byte, is its
        // own key: lengths around the 8, 16 and 23 byte boundaries included.
        let word = "abcdefghijklmnopqrstuvwxyz0123";
        let mut c = WordCache::default();
        for n in 0..=word.len() {
            c.insert(&word[..n], n);
        }
        for n in 0..=word.len() {
            assert_eq!(c.get(&word[..n]), Some(n), "prefix of {n} bytes");
            assert_eq!(c.get(&format!("{}\0", &word[..n])), None);
        }
        assert_eq!(c.len(), word.len() + 1);
    }

    #[test]
    fn stemming_keeps_negation_prefix() {
        let mut a = Analyzer::new(AnalyzerOptions {
            negation: true,
            stem: true,
        });
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
