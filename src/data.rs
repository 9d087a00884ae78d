//! Labeled CSV data: loading, validating and reporting what was skipped.

use crate::error::{Error, Result};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Which columns of a CSV hold the text and the label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    /// The name of the text column.
    pub text: String,
    /// The name of the label column.
    pub label: String,
}

impl Default for Columns {
    fn default() -> Self {
        Columns {
            text: "text".into(),
            label: "label".into(),
        }
    }
}

/// A row that was skipped, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The 1-based line the row starts on.
    pub line: u64,
    /// Why it was skipped.
    pub reason: &'static str,
}

/// Labeled sentences read from a CSV file.
#[derive(Debug, Clone, Default)]
pub struct LabeledData {
    /// The file they came from.
    pub path: PathBuf,
    /// The sentence texts.
    pub texts: Vec<String>,
    /// The label of each text.
    pub labels: Vec<String>,
    /// The 1-based line each row starts on.
    pub lines: Vec<u64>,
    /// Rows left out because their text or label was empty.
    pub skipped: Vec<Skipped>,
}

impl LabeledData {
    /// Builds a data set from texts and labels held in memory.
    pub fn from_pairs<T: Into<String>, L: Into<String>>(
        pairs: impl IntoIterator<Item = (T, L)>,
    ) -> Self {
        let mut d = LabeledData {
            path: PathBuf::from("<memory>"),
            ..Default::default()
        };
        for (i, (t, l)) in pairs.into_iter().enumerate() {
            d.texts.push(t.into());
            d.labels.push(l.into());
            d.lines.push(i as u64 + 2);
        }
        d
    }

    /// Reads a CSV file with a header row, taking the text and label from the named columns.
    pub fn from_csv(path: &Path, columns: &Columns) -> Result<LabeledData> {
        let bytes = read_file(path)?;
        Self::from_csv_bytes(path, &bytes, columns)
    }

    /// Parses CSV bytes (see [`LabeledData::from_csv`]); `path` names them in errors.
    pub fn from_csv_bytes(path: &Path, bytes: &[u8], columns: &Columns) -> Result<LabeledData> {
        let csv_err = |line: Option<u64>, message: String| Error::Csv {
            path: path.to_path_buf(),
            line,
            message,
        };
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if body.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(csv_err(
                None,
                format!(
                    "the file is empty; it needs a header row with `{}` and `{}` columns and one row per sentence",
                    columns.text, columns.label
                ),
            ));
        }
        if let Err(e) = std::str::from_utf8(body) {
            let offset = e.valid_up_to() + (bytes.len() - body.len());
            let line = 1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count() as u64;
            return Err(csv_err(
                Some(line),
                format!("invalid UTF-8 at byte {offset}; save the file as UTF-8"),
            ));
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(body);
        let headers = reader
            .headers()
            .map_err(|e| csv_err(Some(1), format!("cannot read the header row: {e}")))?
            .clone();
        let find =
            |name: &str, flag: &str| {
                headers.iter().position(|h| h.trim() == name).ok_or_else(|| {
                let have: Vec<String> = headers.iter().map(|h| format!("`{h}`")).collect();
                csv_err(
                    Some(1),
                    format!(
                        "no column named `{name}`; the columns are {}; choose one with {flag}",
                        have.join(", ")
                    ),
                )
            })
            };
        let ti = find(&columns.text, "--text-column")?;
        let li = find(&columns.label, "--label-column")?;
        let mut data = LabeledData {
            path: path.to_path_buf(),
            ..Default::default()
        };
        let mut lines = LineCounter::new(body);
        for record in reader.records() {
            let record = record.map_err(|e| {
                let line = e.position().map(|p| lines.line_at(p.byte()));
                let message = match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => format!(
                        "this row has {len} fields but the header has {expected_len}; quote fields that contain commas (\"like, this\") and double any quote inside them"
                    ),
                    _ => format!("malformed CSV ({e}); check for an unbalanced quote"),
                };
                csv_err(line, message)
            })?;
            let line = record.position().map_or(0, |p| lines.line_at(p.byte()));
            let text = record.get(ti).unwrap_or("").trim();
            let label = record.get(li).unwrap_or("").trim();
            if text.is_empty() || label.is_empty() {
                data.skipped.push(Skipped {
                    line,
                    reason: if text.is_empty() {
                        "empty text"
                    } else {
                        "empty label"
                    },
                });
                continue;
            }
            data.texts.push(text.to_string());
            data.labels.push(label.to_string());
            data.lines.push(line);
        }
        if data.texts.is_empty() {
            return Err(csv_err(
                None,
                format!(
                    "no usable rows (a header only, or every row has an empty text or label; {} skipped)",
                    data.skipped.len()
                ),
            ));
        }
        Ok(data)
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// How many rows carry each label, by label name.
    pub fn label_counts(&self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for l in &self.labels {
            *counts.entry(l.clone()).or_insert(0) += 1;
        }
        counts
    }

    /// The distinct labels, sorted.
    pub fn label_set(&self) -> Vec<String> {
        self.label_counts().into_keys().collect()
    }

    /// A SHA-256 of the rows (text and label, in order), identifying the training data.
    pub fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        for (t, l) in self.texts.iter().zip(&self.labels) {
            h.update(t.as_bytes());
            h.update([0x1f]);
            h.update(l.as_bytes());
            h.update([0x1e]);
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The rows at `indices`, as a new data set.
    pub fn subset(&self, indices: &[usize]) -> LabeledData {
        LabeledData {
            path: self.path.clone(),
            texts: indices.iter().map(|&i| self.texts[i].clone()).collect(),
            labels: indices.iter().map(|&i| self.labels[i].clone()).collect(),
            lines: indices.iter().map(|&i| self.lines[i]).collect(),
            skipped: Vec::new(),
        }
    }

    /// Checks the data can train a classifier: at least 2 labels, each with at least 2 rows.
    pub fn check_trainable(&self) -> Result<()> {
        let counts = self.label_counts();
        if counts.len() < 2 {
            return Err(Error::Data(format!(
                "{}: training needs at least 2 different labels, found {} ({}); add examples of other labels",
                self.path.display(),
                counts.len(),
                counts.keys().cloned().collect::<Vec<_>>().join(", ")
            )));
        }
        let rare: Vec<String> = counts
            .iter()
            .filter(|(_, n)| **n < 2)
            .map(|(l, n)| format!("`{l}` ({n})"))
            .collect();
        if !rare.is_empty() {
            let first_line = |label: &str| {
                self.labels
                    .iter()
                    .position(|l| l == label)
                    .map(|i| self.lines[i])
                    .unwrap_or(0)
            };
            let where_ = counts
                .iter()
                .filter(|(_, n)| **n < 2)
                .map(|(l, _)| format!("`{l}` at line {}", first_line(l)))
                .collect::<Vec<_>>()
                .join(", ");
            return Err(Error::Data(format!(
                "{}: every label needs at least 2 examples; too few for {} ({}); add examples or fix a misspelt label",
                self.path.display(),
                rare.join(", "),
                where_
            )));
        }
        Ok(())
    }
}

/// Finds the 1-based line of byte offsets that only move forward, counting each byte once.
struct LineCounter<'a> {
    body: &'a [u8],
    byte: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(body: &'a [u8]) -> Self {
        LineCounter {
            body,
            byte: 0,
            line: 1,
        }
    }

    /// The line a record starting at `byte` begins on (line breaks before it skipped).
    fn line_at(&mut self, byte: u64) -> u64 {
        let body = self.body;
        let mut end = (byte as usize).min(body.len());
        while end < body.len() && matches!(body[end], b'\r' | b'\n') {
            end += 1;
        }
        if end < self.byte {
            self.byte = 0;
            self.line = 1;
        }
        self.line += body[self.byte..end].iter().filter(|&&b| b == b'\n').count() as u64;
        self.byte = end;
        self.line
    }
}

/// Reads a whole file, with errors that name it and say what to do.
pub fn read_file(path: &Path) -> Result<Vec<u8>> {
    if path.is_dir() {
        return Err(Error::Io {
            path: path.to_path_buf(),
            action: "is a folder, expected a file",
            source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "name a file instead"),
        });
    }
    std::fs::read(path).map_err(|e| {
        let action = if e.kind() == std::io::ErrorKind::NotFound {
            "cannot open (check the path)"
        } else {
            "cannot read"
        };
        Error::io(path, action, e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<LabeledData> {
        LabeledData::from_csv_bytes(Path::new("t.csv"), s.as_bytes(), &Columns::default())
    }

    #[test]
    fn reads_quoted_multiline_crlf_and_bom() {
        let d = parse("\u{feff}id,text,label\r\n1,\"He said, \"\"no\"\"\nand left\",denial\r\n2,Plain,none\r\n").unwrap();
        assert_eq!(d.texts, vec!["He said, \"no\"\nand left", "Plain"]);
        assert_eq!(d.labels, vec!["denial", "none"]);
        assert_eq!(d.lines, vec![2, 4]);
    }

    #[test]
    fn skips_empty_rows_with_lines() {
        let d = parse("text,label\nA,none\n,none\nB,\nC,threat\n").unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!(
            d.skipped,
            vec![
                Skipped {
                    line: 3,
                    reason: "empty text"
                },
                Skipped {
                    line: 4,
                    reason: "empty label"
                }
            ]
        );
    }

    #[test]
    fn unknown_column_lists_columns() {
        let e = parse("sentence,label\nA,none\n").unwrap_err().to_string();
        assert!(e.contains("no column named `text`"), "{e}");
        assert!(e.contains("`sentence`, `label`"), "{e}");
        assert!(e.contains("--text-column"), "{e}");
    }

    #[test]
    fn errors_for_empty_header_only_bad_utf8_and_ragged_rows() {
        assert!(parse("").unwrap_err().to_string().contains("empty"));
        assert!(
            parse("text,label\n")
                .unwrap_err()
                .to_string()
                .contains("no usable rows")
        );
        let e = LabeledData::from_csv_bytes(
            Path::new("t.csv"),
            b"text,label\nab\xffc,none\n",
            &Columns::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("t.csv:2") && e.contains("byte 13"), "{e}");
        let e = parse("text,label\nA,none,extra\n").unwrap_err().to_string();
        assert!(e.contains("t.csv:2") && e.contains("3 fields"), "{e}");
        let e = parse("text,label\n\"unbalanced,none\nB,none\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("t.csv"), "{e}");
    }

    #[test]
    fn trainability_checks() {
        let one = LabeledData::from_pairs([("a", "x"), ("b", "x")]);
        assert!(
            one.check_trainable()
                .unwrap_err()
                .to_string()
                .contains("2 different labels")
        );
        let rare = LabeledData::from_pairs([("a", "x"), ("b", "x"), ("c", "y")]);
        let e = rare.check_trainable().unwrap_err().to_string();
        assert!(e.contains("`y` (1)") && e.contains("line 4"), "{e}");
        let ok = LabeledData::from_pairs([("a", "x"), ("b", "x"), ("c", "y"), ("d", "y")]);
        assert!(ok.check_trainable().is_ok());
    }

    #[test]
    fn fingerprint_depends_on_content_and_order() {
        let a = LabeledData::from_pairs([("a", "x"), ("b", "y")]);
        let b = LabeledData::from_pairs([("b", "y"), ("a", "x")]);
        assert_eq!(
            a.fingerprint(),
            LabeledData::from_pairs([("a", "x"), ("b", "y")]).fingerprint()
        );
        assert_ne!(a.fingerprint(), b.fingerprint());
        assert_eq!(a.fingerprint().len(), 64);
    }
}
