//! Classifying articles: finding the input files, reading them, and writing labeled sentences.

use crate::error::{Error, Result};
use crate::features::{Scratch, SparseVec};
use crate::model::Classifier;
use crate::split::SentenceSplitter;
use serde::Serialize;
use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One input: a file, or standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file on disk.
    File(PathBuf),
    /// Standard input.
    Stdin,
}

impl Input {
    /// The name shown in output rows (`-` for standard input).
    pub fn name(&self) -> String {
        match self {
            Input::File(p) => p.display().to_string(),
            Input::Stdin => "-".into(),
        }
    }
}

/// Expands paths into inputs: files as given, folders into their `.txt` files (recursively,
/// sorted), `-` into standard input; no paths at all means standard input.
pub fn collect_inputs(paths: &[PathBuf]) -> Result<Vec<Input>> {
    if paths.is_empty() {
        return Ok(vec![Input::Stdin]);
    }
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Input::Stdin);
        } else if p.is_dir() {
            let mut found = Vec::new();
            walk_txt(p, &mut found)?;
            if found.is_empty() {
                return Err(Error::io(
                    p,
                    "has no .txt files",
                    std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        "name .txt files or a folder holding them",
                    ),
                ));
            }
            found.sort();
            out.extend(found.into_iter().map(Input::File));
        } else if p.is_file() {
            out.push(Input::File(p.clone()));
        } else {
            return Err(Error::io(
                p,
                "cannot open (check the path)",
                std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
            ));
        }
    }
    Ok(out)
}

fn walk_txt(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, "cannot list folder", e))?;
    for entry in entries {
        let path = entry
            .map_err(|e| Error::io(dir, "cannot list folder", e))?
            .path();
        if path.is_dir() {
            walk_txt(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "txt") {
            out.push(path);
        }
    }
    Ok(())
}

/// An article's text, decoded; `warning` says where invalid UTF-8 was replaced.
#[derive(Debug, Clone)]
pub struct Article {
    /// The input's name.
    pub name: String,
    /// The decoded text.
    pub text: String,
    /// Set when the bytes were not valid UTF-8 and were decoded lossily.
    pub warning: Option<String>,
}

/// Reads an input whole, decoding invalid UTF-8 lossily with a warning.
pub fn read_article(input: &Input) -> Result<Article> {
    let bytes = match input {
        Input::File(p) => crate::data::read_file(p)?,
        Input::Stdin => {
            let mut b = Vec::new();
            std::io::stdin()
                .read_to_end(&mut b)
                .map_err(|e| Error::io("<stdin>", "cannot read", e))?;
            b
        }
    };
    Ok(decode_article(input.name(), bytes))
}

/// Decodes article bytes, replacing invalid UTF-8 and saying where.
pub fn decode_article(name: String, bytes: Vec<u8>) -> Article {
    match String::from_utf8(bytes) {
        Ok(text) => Article {
            name,
            text,
            warning: None,
        },
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            Article {
                warning: Some(format!(
                    "{name}: invalid UTF-8 at byte {offset}; replaced with U+FFFD (byte offsets refer to the decoded text)"
                )),
                name,
                text,
            }
        }
    }
}

/// One labeled sentence of an article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// The input's name (for JSON Lines input: the file and line).
    pub file: String,
    /// The record's id, for JSON Lines input with an id field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<serde_json::Value>,
    /// 1-based sentence number within the article.
    pub sentence: usize,
    /// Byte offset of the sentence start.
    pub start: usize,
    /// Byte offset just past the sentence end.
    pub end: usize,
    /// The sentence.
    pub text: String,
    /// The predicted label.
    pub label: String,
    /// The probability of the predicted label.
    pub confidence: f32,
    /// The probability of every label.
    pub scores: Scores,
}

/// The probability of every label of one row; serialized as a `{label: probability}` map.
#[derive(Debug, Clone, PartialEq)]
pub struct Scores {
    labels: Arc<[String]>,
    values: Vec<f32>,
}

impl Scores {
    /// Pairs the model's labels (shared by every row) with one row's probabilities.
    pub fn new(labels: Arc<[String]>, values: Vec<f32>) -> Scores {
        assert_eq!(labels.len(), values.len(), "one probability per label");
        Scores { labels, values }
    }

    /// The probability of `label`, if the model has that label.
    pub fn get(&self, label: &str) -> Option<f32> {
        self.labels
            .iter()
            .position(|l| l == label)
            .map(|i| self.values[i])
    }

    /// Each label with its probability, in the model's label order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, f32)> {
        self.labels
            .iter()
            .map(String::as_str)
            .zip(self.values.iter().copied())
    }
}

impl Serialize for Scores {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.values.len()))?;
        for (label, p) in self.iter() {
            map.serialize_entry(label, &p)?;
        }
        map.end()
    }
}

/// Which sentences to report.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Filter {
    /// Report every sentence, `none` included.
    pub all: bool,
    /// Claims below this confidence are reported as `none`.
    pub min_confidence: f32,
}

impl Default for Filter {
    fn default() -> Self {
        Filter {
            all: false,
            min_confidence: 0.0,
        }
    }
}

/// The label that means "no claim".
pub const NONE_LABEL: &str = "none";

/// Splits an article and labels every sentence, keeping those the filter asks for.
pub fn classify_article(model: &Classifier, article: &Article, filter: Filter) -> Vec<Row> {
    classify_article_with(model, &mut model.featurizer().scratch(), article, filter)
}

/// Like [`classify_article`], reusing `scratch` (and the words it has cached) across articles.
pub fn classify_article_with(
    model: &Classifier,
    scratch: &mut Scratch,
    article: &Article,
    filter: Filter,
) -> Vec<Row> {
    let mut rows = Vec::new();
    classify_doc(
        model,
        scratch,
        &article.name,
        None,
        &article.text,
        true,
        filter,
        &mut rows,
    );
    rows
}

/// Labels one document (split into sentences, or taken whole) and appends the kept rows.
#[allow(clippy::too_many_arguments)]
fn classify_doc(
    model: &Classifier,
    scratch: &mut Scratch,
    name: &str,
    id: Option<&serde_json::Value>,
    text: &str,
    split: bool,
    filter: Filter,
    rows: &mut Vec<Row>,
) {
    let none = model.label_index(NONE_LABEL);
    let labels: Arc<[String]> = model.shared_labels();
    let mut features = SparseVec::default();
    let mut scores = Vec::with_capacity(model.labels().len());
    let mut number = 0;
    let mut handle = |start: usize, end: usize, sentence: &str| {
        number += 1;
        model
            .featurizer()
            .transform_into(scratch, sentence, &mut features);
        let best = model.predict_into(&features, &mut scores);
        let confidence = scores[best];
        let is_none = Some(best) == none || confidence < filter.min_confidence;
        if !filter.all && is_none {
            return;
        }
        let label = if is_none && Some(best) != none {
            NONE_LABEL.to_string()
        } else {
            model.labels()[best].clone()
        };
        rows.push(Row {
            file: name.to_string(),
            id: id.cloned(),
            sentence: number,
            start,
            end,
            text: sentence.to_string(),
            label,
            confidence,
            scores: Scores::new(labels.clone(), scores.clone()),
        });
    };
    if split {
        SentenceSplitter::new().split_into(text, |s| handle(s.start, s.end, s.text));
    } else {
        let t = text.trim();
        if !t.is_empty() {
            let start = text.len() - text.trim_start().len();
            handle(start, start + t.len(), t);
        }
    }
}

/// How `classify` reads its inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputFormat {
    /// Each input is one plain-text article.
    Text,
    /// Each line of each input is a JSON object; `text_field` holds the text and
    /// `id_field`, if given, an id copied to every output row.
    Jsonl {
        /// The field holding the text.
        text_field: String,
        /// The field holding the record id.
        id_field: Option<String>,
    },
}

/// Options for [`classify_stream`].
#[derive(Debug, Clone)]
pub struct StreamOptions {
    /// How inputs are read.
    pub input: InputFormat,
    /// Split documents into sentences (off: each document is one sentence).
    pub split: bool,
    /// Which rows to keep.
    pub filter: Filter,
    /// How many bytes of text to gather before labeling them in parallel.
    pub batch_bytes: usize,
}

impl Default for StreamOptions {
    fn default() -> Self {
        StreamOptions {
            input: InputFormat::Text,
            split: true,
            filter: Filter::default(),
            batch_bytes: 4 << 20,
        }
    }
}

/// What a [`classify_stream`] run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StreamSummary {
    /// Documents read.
    pub documents: u64,
    /// Bytes of text read.
    pub bytes: u64,
    /// Rows written.
    pub rows: u64,
}

struct Doc {
    name: String,
    id: Option<serde_json::Value>,
    text: String,
}

/// Labels every document of every input, in parallel batches, writing rows in input order.
///
/// Memory stays bounded by the batch size: inputs are read as they are needed.
/// `warn` receives warnings (invalid UTF-8 decoded lossily); `progress` the bytes done.
pub fn classify_stream<W: Write>(
    model: &Classifier,
    inputs: &[Input],
    options: &StreamOptions,
    writer: &mut RowWriter<W>,
    warn: &mut dyn FnMut(&str),
    progress: &dyn Fn(u64),
) -> Result<StreamSummary> {
    let mut summary = StreamSummary::default();
    let scratches = crate::features::Pool::new();
    let mut batch: Vec<Doc> = Vec::new();
    let mut batch_bytes = 0usize;
    let mut flush = |batch: &mut Vec<Doc>, summary: &mut StreamSummary| -> Result<()> {
        let min_chunk = if options.split { 8 } else { 256 };
        let results: Vec<Vec<Row>> = crate::features::par_map_chunks(
            batch,
            min_chunk,
            &scratches,
            || model.featurizer().scratch(),
            |scratch, d| {
                let mut rows = Vec::new();
                classify_doc(
                    model,
                    scratch,
                    &d.name,
                    d.id.as_ref(),
                    &d.text,
                    options.split,
                    options.filter,
                    &mut rows,
                );
                rows
            },
        );
        let bytes: usize = batch.iter().map(|d| d.text.len()).sum();
        for rows in &results {
            writer
                .write(rows)
                .map_err(|e| Error::io("<stdout>", "cannot write", e))?;
            summary.rows += rows.len() as u64;
        }
        progress(bytes as u64);
        batch.clear();
        Ok(())
    };
    for input in inputs {
        let mut push =
            |doc: Doc, summary: &mut StreamSummary, batch: &mut Vec<Doc>| -> Result<()> {
                summary.documents += 1;
                summary.bytes += doc.text.len() as u64;
                batch_bytes += doc.text.len();
                batch.push(doc);
                if batch_bytes >= options.batch_bytes {
                    batch_bytes = 0;
                    flush(batch, summary)?;
                }
                Ok(())
            };
        match &options.input {
            InputFormat::Text => {
                let article = read_article(input)?;
                if let Some(w) = &article.warning {
                    warn(w);
                }
                push(
                    Doc {
                        name: article.name,
                        id: None,
                        text: article.text,
                    },
                    &mut summary,
                    &mut batch,
                )?;
            }
            InputFormat::Jsonl {
                text_field,
                id_field,
            } => {
                let name = input.name();
                let path = PathBuf::from(if name == "-" {
                    "<stdin>".to_string()
                } else {
                    name.clone()
                });
                let reader: Box<dyn BufRead> = match input {
                    Input::File(p) => Box::new(std::io::BufReader::new(
                        std::fs::File::open(p)
                            .map_err(|e| Error::io(p, "cannot open (check the path)", e))?,
                    )),
                    Input::Stdin => Box::new(std::io::stdin().lock()),
                };
                for (i, line) in reader.split(b'\n').enumerate() {
                    let line_no = i as u64 + 1;
                    let line = line.map_err(|e| Error::io(&path, "cannot read", e))?;
                    if line.iter().all(|b| b.is_ascii_whitespace()) {
                        continue;
                    }
                    let doc =
                        parse_json_line(&path, line_no, &line, text_field, id_field.as_deref())?;
                    push(doc, &mut summary, &mut batch)?;
                }
            }
        }
    }
    flush(&mut batch, &mut summary)?;
    Ok(summary)
}

fn parse_json_line(
    path: &Path,
    line: u64,
    bytes: &[u8],
    text_field: &str,
    id_field: Option<&str>,
) -> Result<Doc> {
    let err = |message: String| Error::Input {
        path: path.to_path_buf(),
        line,
        message,
    };
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        err(format!(
            "not valid JSON ({e}); each line must be one JSON object"
        ))
    })?;
    let obj = value
        .as_object()
        .ok_or_else(|| err("expected a JSON object on each line".into()))?;
    let text = match obj.get(text_field) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Null) | None => {
            let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
            return Err(err(format!(
                "no text field `{text_field}` (the fields are: {}); choose one with --text-field",
                keys.join(", ")
            )));
        }
        Some(_) => return Err(err(format!("field `{text_field}` is not a string"))),
    };
    let id = match id_field {
        Some(f) => Some(obj.get(f).cloned().ok_or_else(|| {
            err(format!(
                "no id field `{f}`; fix the record or drop --id-field"
            ))
        })?),
        None => None,
    };
    Ok(Doc {
        name: format!("{}:{line}", path.display()),
        id,
        text,
    })
}

/// Output formats for classified sentences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns for reading.
    Table,
    /// CSV with a header row.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

/// Writes rows in a format, one call per batch of rows.
pub struct RowWriter<W: Write> {
    format: Format,
    out: W,
    header_done: bool,
}

impl<W: Write> RowWriter<W> {
    /// Creates a writer.
    pub fn new(format: Format, out: W) -> Self {
        RowWriter {
            format,
            out,
            header_done: false,
        }
    }

    /// Writes a batch of rows.
    pub fn write(&mut self, rows: &[Row]) -> std::io::Result<()> {
        match self.format {
            Format::Jsonl => {
                for r in rows {
                    serde_json::to_writer(&mut self.out, r)?;
                    self.out.write_all(b"\n")?;
                }
            }
            Format::Csv => {
                let mut w = csv::Writer::from_writer(Vec::new());
                if !self.header_done {
                    w.write_record([
                        "file",
                        "sentence",
                        "start",
                        "end",
                        "label",
                        "confidence",
                        "text",
                    ])?;
                    self.header_done = true;
                }
                for r in rows {
                    w.write_record([
                        r.file.as_str(),
                        &r.sentence.to_string(),
                        &r.start.to_string(),
                        &r.end.to_string(),
                        &r.label,
                        &format!("{:.3}", r.confidence),
                        &r.text,
                    ])?;
                }
                let buf = w.into_inner().map_err(|e| e.into_error())?;
                self.out.write_all(&buf)?;
            }
            Format::Table => {
                if !self.header_done {
                    writeln!(
                        self.out,
                        "{:<24} {:>4} {:>12}  {:<10} {:>5}  text",
                        "file", "sent", "bytes", "label", "conf"
                    )?;
                    self.header_done = true;
                }
                for r in rows {
                    let text: String = r.text.split_whitespace().collect::<Vec<_>>().join(" ");
                    writeln!(
                        self.out,
                        "{:<24} {:>4} {:>12}  {:<10} {:>5.2}  {}",
                        shorten(&r.file, 24),
                        r.sentence,
                        format!("{}-{}", r.start, r.end),
                        r.label,
                        r.confidence,
                        text
                    )?;
                }
            }
        }
        Ok(())
    }

    /// Flushes the output.
    pub fn finish(mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

fn shorten(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max {
        s.to_string()
    } else {
        let tail: String = s.chars().skip(n - (max - 1)).collect();
        format!("…{tail}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lossy_decoding_warns_with_offset() {
        let a = decode_article("a.txt".into(), b"ok \xff bad".to_vec());
        assert_eq!(a.text, "ok \u{fffd} bad");
        assert!(a.warning.unwrap().contains("byte 3"));
        assert!(
            decode_article("b".into(), b"fine".to_vec())
                .warning
                .is_none()
        );
    }

    #[test]
    fn collect_inputs_expands_folders_and_rejects_missing() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b.txt"), "x").unwrap();
        std::fs::write(dir.path().join("a.txt"), "x").unwrap();
        std::fs::write(dir.path().join("c.csv"), "x").unwrap();
        let got = collect_inputs(&[dir.path().to_path_buf()]).unwrap();
        assert_eq!(
            got,
            vec![
                Input::File(dir.path().join("a.txt")),
                Input::File(dir.path().join("b.txt"))
            ]
        );
        assert!(collect_inputs(&[dir.path().join("missing.txt")]).is_err());
        assert_eq!(collect_inputs(&[]).unwrap(), vec![Input::Stdin]);
        let empty = tempfile::tempdir().unwrap();
        assert!(collect_inputs(&[empty.path().to_path_buf()]).is_err());
    }

    #[test]
    fn scores_serialize_as_a_label_map_and_look_up_by_label() {
        let labels: Arc<[String]> = vec!["accusation".to_string(), "none".to_string()].into();
        let scores = Scores::new(labels, vec![0.25, 0.75]);
        assert_eq!(
            serde_json::to_string(&scores).unwrap(),
            r#"{"accusation":0.25,"none":0.75}"#
        );
        assert_eq!(scores.get("none"), Some(0.75));
        assert_eq!(scores.get("threat"), None);
        assert_eq!(
            scores.iter().collect::<Vec<_>>(),
            vec![("accusation", 0.25), ("none", 0.75)]
        );
    }

    #[test]
    fn shorten_keeps_tail() {
        assert_eq!(shorten("abc", 5), "abc");
        assert_eq!(shorten("abcdefgh", 5), "…efgh");
    }
}
