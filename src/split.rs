//! Splits news text into sentences with byte offsets.
//!
//! The rules are tuned for wire copy: abbreviations and initials (`U.S.`, `Dr.`,
//! `Dec. 8`, `J. Smith`) do not end a sentence, nor do decimals (`$1.5 billion`) or
//! punctuation inside quotes followed by a reporting tail (`"...?" she asked.`).
//! Datelines such as `MOSCOW, October 24. /TASS/.` stay whole, and a line break ends
//! a headline or any line without final punctuation when the next line starts a new
//! sentence.

/// One sentence of a text: its byte span and the text itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence<'a> {
    /// Byte offset of the first character in the source text.
    pub start: usize,
    /// Byte offset just past the last character in the source text.
    pub end: usize,
    /// The sentence text, `&source[start..end]`.
    pub text: &'a str,
}

/// Words that take a period without ending a sentence (compared lowercase, without the period).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "cpt", "sgt", "adm",
    "cmdr", "gov", "sen", "rep", "rev", "fr", "st", "jr", "sr", "hon", "pres", "amb", "atty",
    "supt", "insp", "det", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "no",
    "nos", "vs", "v", "etc", "approx", "est", "dept", "univ", "assn", "bros", "inc", "corp", "ltd",
    "co", "plc", "mt", "ft", "ave", "blvd", "rd", "fig", "vol", "op", "cf", "al",
];

/// Abbreviations that still end a sentence when the next word is capitalized.
const TERMINAL_ABBREVIATIONS: &[&str] = &["etc", "inc", "corp", "ltd", "co", "plc"];

/// A rule-based sentence splitter for news articles.
#[derive(Debug, Clone, Copy, Default)]
pub struct SentenceSplitter;

fn is_closing(c: char) -> bool {
    matches!(c, '"' | '\'' | ')' | ']' | '}' | '”' | '’' | '»' | '›')
}

fn is_terminal(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…')
}

/// Whether `c` may start a new sentence after terminal punctuation.
fn starts_sentence(c: char) -> bool {
    c.is_uppercase()
        || c.is_numeric()
        || matches!(
            c,
            '"' | '\'' | '“' | '‘' | '«' | '(' | '[' | '¿' | '¡' | '-' | '—' | '–'
        )
        || (c.is_alphabetic() && !c.is_lowercase())
}

impl SentenceSplitter {
    /// Creates a splitter.
    pub fn new() -> Self {
        SentenceSplitter
    }

    /// Splits `text` into trimmed, non-empty sentences in order.
    pub fn split<'a>(&self, text: &'a str) -> Vec<Sentence<'a>> {
        let mut out = Vec::new();
        self.split_into(text, |s| out.push(s));
        out
    }

    /// Calls `emit` for each sentence of `text` in order, without collecting them.
    pub fn split_into<'a>(&self, text: &'a str, mut emit: impl FnMut(Sentence<'a>)) {
        let bytes = text.as_bytes();
        let mut start = 0usize;
        let mut i = 0usize;
        let push = |from: usize, to: usize, emit: &mut dyn FnMut(Sentence<'a>)| {
            let piece = &text[from..to];
            let trimmed_start = piece.len() - piece.trim_start().len();
            let trimmed = piece.trim();
            if !trimmed.is_empty() {
                let s = from + trimmed_start;
                emit(Sentence {
                    start: s,
                    end: s + trimmed.len(),
                    text: trimmed,
                });
            }
        };
        while i < bytes.len() {
            let c = text[i..].chars().next().unwrap_or(' ');
            let clen = c.len_utf8();
            if c == '\n' {
                // A blank line always ends a sentence; a single line break ends one when
                // the next line starts like a sentence and this line is not mid-clause.
                let mut j = i + 1;
                let mut blank = false;
                while j < bytes.len() {
                    let d = bytes[j];
                    if d == b'\n' {
                        blank = true;
                    } else if !(d == b' ' || d == b'\t' || d == b'\r') {
                        break;
                    }
                    j += 1;
                }
                let next = text[j..].chars().next();
                let line_end = text[start..i].trim_end();
                let continues =
                    line_end.ends_with([',', ';', ':', '-', '(']) || line_end.is_empty();
                if blank || next.is_none() || (!continues && next.is_some_and(starts_sentence)) {
                    push(start, i, &mut emit);
                    start = j;
                }
                i = j;
                continue;
            }
            if is_terminal(c) {
                // Take the whole run of terminal punctuation and closing quotes/brackets.
                let mut j = i + clen;
                while j < bytes.len() {
                    let d = text[j..].chars().next().unwrap_or(' ');
                    if is_terminal(d) || is_closing(d) {
                        j += d.len_utf8();
                    } else {
                        break;
                    }
                }
                if self.ends_here(text, start, i, j) {
                    push(start, j, &mut emit);
                    start = j;
                }
                i = j;
                continue;
            }
            i += clen;
        }
        push(start, text.len(), &mut emit);
    }

    /// Decides whether terminal punctuation at `dot..after` ends the sentence begun at `start`.
    fn ends_here(&self, text: &str, start: usize, dot: usize, after: usize) -> bool {
        let rest = &text[after..];
        let Some(first) = rest.chars().next() else {
            return true;
        };
        if !first.is_whitespace() {
            return false; // "1.5", "U.S.-led", "end.Next" (no space): not a boundary.
        }
        let next_word = rest.trim_start();
        let Some(next) = next_word.chars().next() else {
            return true;
        };
        if rest[..rest.len() - next_word.len()].contains('\n') {
            return true;
        }
        if !starts_sentence(next) {
            return false;
        }
        let punct = &text[dot..after];
        let mut marks = punct.chars().filter(|c| is_terminal(*c));
        if marks.next() != Some('.') || marks.next().is_some() || punct.len() > 1 {
            // "?", "!", "...", "…", or a period inside closing quotes: a boundary
            // before a word that starts a sentence.
            return true;
        }
        // A single period: look at the word before it.
        let before = &text[start..dot];
        let word = before
            .rsplit(|c: char| c.is_whitespace() || matches!(c, '(' | '"' | '“' | '\''))
            .next()
            .unwrap_or("");
        if word.is_empty() {
            return true;
        }
        let lower = word.to_lowercase();
        let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
        // Initials and dotted abbreviations: "J.", "U.S.", "D.C.", "a.m.".
        if word.contains('.') && word.chars().all(|c| c.is_alphabetic() || c == '.') {
            return false;
        }
        if letters.len() == 1 && word.chars().count() == 1 && letters[0].is_uppercase() {
            return false;
        }
        if ABBREVIATIONS.contains(&lower.as_str()) {
            if TERMINAL_ABBREVIATIONS.contains(&lower.as_str()) {
                return next.is_uppercase() && !next_word.starts_with(char::is_numeric);
            }
            if lower == "no" || lower == "nos" {
                return !next.is_numeric();
            }
            return false;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<&str> {
        SentenceSplitter::new()
            .split(s)
            .into_iter()
            .map(|x| x.text)
            .collect()
    }

    #[test]
    fn plain_sentences_and_offsets() {
        let text = "The talks failed. Both sides left!  Will they return? Nobody knows.";
        let got = SentenceSplitter::new().split(text);
        assert_eq!(got.len(), 4);
        for s in &got {
            assert_eq!(&text[s.start..s.end], s.text);
        }
        assert_eq!(got[2].text, "Will they return?");
    }

    #[test]
    fn abbreviations_and_initials() {
        assert_eq!(
            texts(
                "U.S. officials met Dr. Ahmed and Gen. J. Smith on Dec. 8 in Washington, D.C. on Monday. They spoke."
            ),
            vec![
                "U.S. officials met Dr. Ahmed and Gen. J. Smith on Dec. 8 in Washington, D.C. on Monday.",
                "They spoke."
            ]
        );
        assert_eq!(
            texts("The firm is Acme Corp. It denied the report."),
            vec!["The firm is Acme Corp.", "It denied the report."]
        );
    }

    #[test]
    fn decimals_and_money() {
        assert_eq!(
            texts("The deal is worth $1.5 billion, up 2.5 percent. Shares rose."),
            vec![
                "The deal is worth $1.5 billion, up 2.5 percent.",
                "Shares rose."
            ]
        );
    }

    #[test]
    fn quotes_with_reporting_tails() {
        assert_eq!(
            texts(
                "\"We will respond,\" he said. \"Is this a threat?\" she asked. \"No.\" He left."
            ),
            vec![
                "\"We will respond,\" he said.",
                "\"Is this a threat?\" she asked.",
                "\"No.\"",
                "He left."
            ]
        );
        assert_eq!(
            texts("He called it \"the cornerstone of security.\" \"We will act,\" he added."),
            vec![
                "He called it \"the cornerstone of security.\"",
                "\"We will act,\" he added."
            ]
        );
    }

    #[test]
    fn datelines_stay_whole() {
        assert_eq!(
            texts("MOSCOW, October 24. /TASS/. Russia intends to act. It said so."),
            vec![
                "MOSCOW, October 24. /TASS/.",
                "Russia intends to act.",
                "It said so."
            ]
        );
    }

    #[test]
    fn headlines_and_line_breaks() {
        assert_eq!(
            texts(
                "Russia warns US over treaty\n\nMOSCOW - Russia said on Monday it would respond\nFirst line of a wrapped paragraph that\ncontinues here."
            ),
            vec![
                "Russia warns US over treaty",
                "MOSCOW - Russia said on Monday it would respond",
                "First line of a wrapped paragraph that\ncontinues here."
            ]
        );
        assert_eq!(
            texts("All news\r\n\r\nHeadline here\r\nBody text."),
            vec!["All news", "Headline here", "Body text."]
        );
    }

    #[test]
    fn ellipses() {
        assert_eq!(
            texts("He paused... and went on. It was over… The next day came."),
            vec![
                "He paused... and went on.",
                "It was over…",
                "The next day came."
            ]
        );
    }

    #[test]
    fn empty_and_whitespace() {
        assert!(texts("").is_empty());
        assert!(texts("  \n\n \t ").is_empty());
        assert_eq!(texts("no final period"), vec!["no final period"]);
    }
}
