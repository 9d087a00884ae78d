//! Checks of what ships: the corpus, the default model, and how it labels real and example articles.

use claimcat::classify::{
    Filter, Input, classify_article, classify_article_with, collect_inputs, decode_article,
};
use claimcat::metrics::Report;
use claimcat::{Classifier, Columns, LabeledData, TrainParams};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

const LABELS: [&str; 5] = ["accusation", "denial", "threat", "offer", "none"];

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn shared(path: &str) -> Option<PathBuf> {
    let p = repo("../shared").join(path);
    if p.exists() {
        Some(p)
    } else {
        eprintln!(
            "skipped: {} is absent (the shared material sits beside the repo)",
            p.display()
        );
        None
    }
}

fn normalized(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || c.is_whitespace())
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Labels an article and checks each `phrase,labels` row of its expected file;
/// returns the rows that came out wrong.
fn check_article(model: &Classifier, article: &Path, expected: &Path) -> (usize, Vec<String>) {
    let bytes = std::fs::read(article).unwrap();
    let art = decode_article(article.display().to_string(), bytes);
    let rows = classify_article(
        model,
        &art,
        Filter {
            all: true,
            min_confidence: 0.0,
        },
    );
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut reader = csv::Reader::from_path(expected).unwrap();
    let mut wrong = Vec::new();
    let mut n = 0;
    for rec in reader.records() {
        let rec = rec.unwrap();
        let (phrase, accepted) = (&rec[0], &rec[1]);
        let accepted: Vec<&str> = accepted.split('|').collect();
        let hits: Vec<_> = rows
            .iter()
            .filter(|r| squash(&r.text).contains(&squash(phrase)))
            .collect();
        assert_eq!(
            hits.len(),
            1,
            "{}: phrase {phrase:?} must be in exactly one sentence",
            expected.display()
        );
        n += 1;
        if !accepted.contains(&hits[0].label.as_str()) {
            wrong.push(format!(
                "{phrase:?}: got {} ({:.2}), expected {}",
                hits[0].label,
                hits[0].confidence,
                accepted.join("|")
            ));
        }
    }
    (n, wrong)
}

#[test]
fn seed_article_claims_are_right() {
    let Some(dir) = shared("seeds") else { return };
    let model = Classifier::builtin().unwrap();
    let article = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "txt"))
        .unwrap();
    let (n, wrong) = check_article(&model, &article, &dir.join("expected.csv"));
    eprintln!("seed article: {}/{n} expected rows right", n - wrong.len());
    assert!(n >= 10);
    assert!(
        wrong.is_empty(),
        "seed article rows wrong:\n{}",
        wrong.join("\n")
    );
}

/// The example articles in `data/articles`, in name order.
fn example_articles() -> Vec<PathBuf> {
    collect_inputs(&[repo("data/articles")])
        .unwrap()
        .into_iter()
        .filter_map(|input| match input {
            Input::File(path) => Some(path),
            Input::Stdin => None,
        })
        .collect()
}

#[test]
fn example_articles_are_labeled_right() {
    let model = Classifier::builtin().unwrap();
    let mut total = 0;
    let mut wrong = Vec::new();
    let mut articles = 0;
    for path in example_articles() {
        let expected = path.with_extension("expected.csv");
        assert!(expected.exists(), "{} has no expected file", path.display());
        let (n, w) = check_article(&model, &path, &expected);
        total += n;
        wrong.extend(w.into_iter().map(|w| format!("{}: {w}", path.display())));
        articles += 1;
    }
    assert!(articles >= 6, "need at least 6 example articles");
    let right = (total - wrong.len()) as f64 / total as f64;
    eprintln!(
        "example articles: {}/{} expected rows right",
        total - wrong.len(),
        total
    );
    assert!(
        right >= 0.75,
        "only {right:.2} of the expected rows are right:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn a_reused_scratch_labels_articles_as_a_fresh_one_does() {
    let model = Classifier::builtin().unwrap();
    let names = example_articles();
    let filter = Filter {
        all: true,
        min_confidence: 0.0,
    };
    let mut scratch = model.featurizer().scratch();
    let mut sentences = 0;
    // Twice over, so that the second pass runs entirely on cached words.
    for path in names.iter().chain(&names) {
        let art = decode_article(path.display().to_string(), std::fs::read(path).unwrap());
        let fresh = classify_article(&model, &art, filter);
        let reused = classify_article_with(&model, &mut scratch, &art, filter);
        assert_eq!(fresh, reused, "{}", path.display());
        sentences += fresh.len();
    }
    assert!(
        sentences > 200,
        "only {sentences} sentences in the example articles"
    );
}

fn read(path: &str) -> LabeledData {
    LabeledData::from_csv(&repo(path), &Columns::default()).unwrap()
}

#[test]
fn corpus_is_valid_unique_and_large_enough() {
    let corpus = read("data/statements.csv");
    assert!(corpus.skipped.is_empty());
    let counts = corpus.label_counts();
    for label in counts.keys() {
        assert!(LABELS.contains(&label.as_str()), "unknown label {label}");
    }
    for label in ["accusation", "denial", "threat", "offer"] {
        assert!(
            counts[label] >= 700,
            "{label}: {} rows, need 700",
            counts[label]
        );
    }
    assert!(
        counts["none"] >= 2000,
        "none: {} rows, need 2000",
        counts["none"]
    );
    assert!(corpus.len() >= 5000);
    let mut seen = HashSet::new();
    for (text, line) in corpus.texts.iter().zip(&corpus.lines) {
        assert!(
            seen.insert(normalized(text)),
            "duplicate sentence at line {line}: {text}"
        );
    }
    let holdout = read("data/holdout.csv");
    assert!(holdout.len() >= 1000);
    for (text, label) in holdout.texts.iter().zip(&holdout.labels) {
        assert!(
            !seen.contains(&normalized(text)),
            "holdout sentence is in the corpus: {text}"
        );
        assert!(
            LABELS.contains(&label.as_str()),
            "unknown holdout label {label}"
        );
    }
}

#[test]
fn shipped_model_is_trained_from_the_corpus() {
    let model = Classifier::builtin().unwrap();
    let corpus = read("data/statements.csv");
    assert_eq!(
        model.training().data_sha256,
        corpus.fingerprint(),
        "models/claimcat.json was not trained from data/statements.csv; retrain it (see README)"
    );
    let again = Classifier::train(&corpus, &model.train_params(), &()).unwrap();
    assert!(
        again.to_json() == claimcat::model::DEFAULT_MODEL_JSON,
        "retraining with the stored options does not reproduce models/claimcat.json byte for byte"
    );
}

#[test]
fn training_gives_the_same_bytes_on_any_number_of_threads() {
    let corpus = read("data/statements.csv");
    // Enough rows for several blocks of the parallel loss and gradient.
    let sample = corpus.subset(&(0..5000).collect::<Vec<_>>());
    let train_on = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| Classifier::train(&sample, &TrainParams::default(), &()).unwrap())
            .to_json()
    };
    let one = train_on(1);
    assert!(
        one == train_on(3),
        "1 and 3 threads trained different models"
    );
}

#[test]
fn default_model_on_real_news() {
    let Some(dev) = shared("dev/real-dev.csv") else {
        return;
    };
    let model = Classifier::builtin().unwrap();
    let data = LabeledData::from_csv(&dev, &Columns::default()).unwrap();
    let report = Report::evaluate(&model, &data);
    let f1: BTreeMap<&str, f64> = report
        .labels
        .iter()
        .map(|(l, s)| (l.as_str(), s.f1))
        .collect();
    eprintln!(
        "real-dev: macro F1 {:.3}, per label {f1:?}",
        report.macro_f1
    );
    assert!(report.macro_f1 >= 0.55, "macro F1 {:.3}", report.macro_f1);
}
