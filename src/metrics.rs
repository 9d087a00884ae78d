//! Evaluation: accuracy, per-label precision / recall / F1, confusion, and cross-validation.

use crate::data::LabeledData;
use crate::error::Result;
use crate::model::{Classifier, Progress, TrainParams};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use std::collections::BTreeMap;

/// Precision, recall, F1 and support of one label.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LabelScores {
    /// Of the sentences predicted with this label, the share that have it.
    pub precision: f64,
    /// Of the sentences that have this label, the share predicted with it.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// How many sentences have this label.
    pub support: usize,
}

/// An evaluation of predictions against true labels.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Share of sentences labeled right.
    pub accuracy: f64,
    /// Unweighted mean of the per-label F1 scores.
    pub macro_f1: f64,
    /// Mean of the per-label F1 scores weighted by support.
    pub weighted_f1: f64,
    /// Scores per label.
    pub labels: BTreeMap<String, LabelScores>,
    /// Label order of the confusion matrix rows and columns.
    pub confusion_labels: Vec<String>,
    /// `confusion[true][predicted]` counts, in `confusion_labels` order.
    pub confusion: Vec<Vec<usize>>,
    /// Number of sentences evaluated.
    pub rows: usize,
}

impl Report {
    /// Compares predicted labels with true labels; `labels` fixes the order (others are appended).
    pub fn new(labels: &[String], truth: &[String], predicted: &[String]) -> Report {
        let mut order: Vec<String> = labels.to_vec();
        for l in truth.iter().chain(predicted) {
            if !order.contains(l) {
                order.push(l.clone());
            }
        }
        let idx = |l: &String| order.iter().position(|o| o == l).unwrap_or(0);
        let k = order.len();
        let mut confusion = vec![vec![0usize; k]; k];
        for (t, p) in truth.iter().zip(predicted) {
            confusion[idx(t)][idx(p)] += 1;
        }
        let n = truth.len();
        let correct: usize = (0..k).map(|i| confusion[i][i]).sum();
        let mut per = BTreeMap::new();
        let (mut macro_sum, mut weighted_sum, mut counted) = (0.0, 0.0, 0usize);
        for (i, label) in order.iter().enumerate() {
            let tp = confusion[i][i] as f64;
            let support: usize = confusion[i].iter().sum();
            let predicted_n: usize = (0..k).map(|r| confusion[r][i]).sum();
            let precision = if predicted_n > 0 {
                tp / predicted_n as f64
            } else {
                0.0
            };
            let recall = if support > 0 {
                tp / support as f64
            } else {
                0.0
            };
            let f1 = if precision + recall > 0.0 {
                2.0 * precision * recall / (precision + recall)
            } else {
                0.0
            };
            if support > 0 || predicted_n > 0 {
                macro_sum += f1;
                counted += 1;
            }
            weighted_sum += f1 * support as f64;
            per.insert(
                label.clone(),
                LabelScores {
                    precision,
                    recall,
                    f1,
                    support,
                },
            );
        }
        Report {
            accuracy: if n > 0 {
                correct as f64 / n as f64
            } else {
                0.0
            },
            macro_f1: if counted > 0 {
                macro_sum / counted as f64
            } else {
                0.0
            },
            weighted_f1: if n > 0 { weighted_sum / n as f64 } else { 0.0 },
            labels: per,
            confusion_labels: order,
            confusion,
            rows: n,
        }
    }

    /// Evaluates a classifier on labeled data.
    pub fn evaluate(model: &Classifier, data: &LabeledData) -> Report {
        Report::evaluate_with_errors(model, data).0
    }

    /// Evaluates a classifier and also returns the rows it got wrong.
    pub fn evaluate_with_errors(model: &Classifier, data: &LabeledData) -> (Report, Vec<Mistake>) {
        let predictions = model.predict_batch(&data.texts);
        let predicted: Vec<String> = predictions
            .iter()
            .map(|p| model.labels()[p.label].clone())
            .collect();
        let mistakes = predictions
            .iter()
            .enumerate()
            .filter(|(i, _)| predicted[*i] != data.labels[*i])
            .map(|(i, p)| Mistake {
                line: data.lines[i],
                text: data.texts[i].clone(),
                label: data.labels[i].clone(),
                predicted: predicted[i].clone(),
                confidence: p.confidence(),
            })
            .collect();
        (
            Report::new(model.labels(), &data.labels, &predicted),
            mistakes,
        )
    }

    /// A plain-text table: per-label scores, averages and the confusion matrix.
    pub fn to_table(&self) -> String {
        let longest = self
            .confusion_labels
            .iter()
            .map(|l| l.len())
            .max()
            .unwrap_or(0);
        let width = longest.max(12);
        let mut s = format!(
            "{:<width$} {:>9} {:>9} {:>9} {:>9}\n",
            "label", "precision", "recall", "f1", "support"
        );
        for label in &self.confusion_labels {
            let m = &self.labels[label];
            s += &format!(
                "{:<width$} {:>9.3} {:>9.3} {:>9.3} {:>9}\n",
                label, m.precision, m.recall, m.f1, m.support
            );
        }
        s += &format!(
            "\n{:<width$} {:>9.3}   ({} sentences)\n",
            "accuracy", self.accuracy, self.rows
        );
        s += &format!("{:<width$} {:>9.3}\n", "macro F1", self.macro_f1);
        s += &format!("{:<width$} {:>9.3}\n", "weighted F1", self.weighted_f1);
        s += "\nconfusion (rows: true label, columns: predicted)\n";
        let cw = longest.max(6);
        s += &format!("{:<width$}", "");
        for l in &self.confusion_labels {
            s += &format!(" {l:>cw$}");
        }
        s += "\n";
        for (i, l) in self.confusion_labels.iter().enumerate() {
            s += &format!("{l:<width$}");
            for c in &self.confusion[i] {
                s += &format!(" {c:>cw$}");
            }
            s += "\n";
        }
        s
    }
}

/// A sentence the model labeled wrong.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mistake {
    /// The line of the row in its CSV file.
    pub line: u64,
    /// The sentence.
    pub text: String,
    /// Its true label.
    pub label: String,
    /// The label the model gave it.
    pub predicted: String,
    /// The model's probability for the label it gave.
    pub confidence: f32,
}

/// Writes mistakes as CSV (line, label, predicted, confidence, text), atomically.
pub fn write_mistakes(path: &std::path::Path, mistakes: &[Mistake]) -> Result<()> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let io = |e: csv::Error| crate::Error::io(path, "cannot write", e.into());
    w.write_record(["line", "label", "predicted", "confidence", "text"])
        .map_err(io)?;
    for m in mistakes {
        w.write_record([
            m.line.to_string(),
            m.label.clone(),
            m.predicted.clone(),
            format!("{:.3}", m.confidence),
            m.text.clone(),
        ])
        .map_err(io)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| crate::Error::io(path, "cannot write", e.into_error()))?;
    crate::model::write_atomic(path, &bytes)
}

/// Mean and standard deviation of one figure across folds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spread {
    /// The mean across folds.
    pub mean: f64,
    /// The (population) standard deviation across folds.
    pub std: f64,
}

impl Spread {
    fn of(values: &[f64]) -> Spread {
        let n = values.len().max(1) as f64;
        let mean = values.iter().sum::<f64>() / n;
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
        Spread {
            mean,
            std: var.sqrt(),
        }
    }
}

/// The result of K-fold cross-validation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CvReport {
    /// Number of folds.
    pub folds: usize,
    /// Accuracy across folds.
    pub accuracy: Spread,
    /// Macro F1 across folds.
    pub macro_f1: Spread,
    /// Weighted F1 across folds.
    pub weighted_f1: Spread,
    /// Per-label F1 across folds.
    pub labels_f1: BTreeMap<String, Spread>,
    /// Each fold's full report.
    pub per_fold: Vec<Report>,
}

impl CvReport {
    /// A plain-text summary table.
    pub fn to_table(&self) -> String {
        let mut s = format!("{}-fold cross-validation (mean ± std)\n", self.folds);
        let row = |name: &str, v: &Spread| format!("{name:<14} {:.3} ± {:.3}\n", v.mean, v.std);
        s += &row("accuracy", &self.accuracy);
        s += &row("macro F1", &self.macro_f1);
        s += &row("weighted F1", &self.weighted_f1);
        for (l, v) in &self.labels_f1 {
            s += &row(&format!("F1 {l}"), v);
        }
        s
    }
}

/// Assigns each row to one of `k` folds, stratified by label, shuffled with `seed`.
pub fn stratified_folds(labels: &[String], k: usize, seed: u64) -> Vec<usize> {
    let mut by_label: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, l) in labels.iter().enumerate() {
        by_label.entry(l).or_default().push(i);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut fold = vec![0; labels.len()];
    let mut next = 0;
    for rows in by_label.values_mut() {
        rows.shuffle(&mut rng);
        for &r in rows.iter() {
            fold[r] = next % k;
            next += 1;
        }
    }
    fold
}

/// Runs stratified K-fold cross-validation, calling `on_fold` after each fold.
pub fn cross_validate(
    data: &LabeledData,
    params: &TrainParams,
    k: usize,
    on_fold: &(dyn Fn(usize) + Sync),
) -> Result<CvReport> {
    params.validate()?;
    data.check_trainable()?;
    if k < 2 || k > data.len() {
        return Err(crate::Error::Params(format!(
            "--folds must be between 2 and the number of rows ({})",
            data.len()
        )));
    }
    let folds = stratified_folds(&data.labels, k, params.seed);
    let all_labels = data.label_set();
    let mut reports = Vec::with_capacity(k);
    for f in 0..k {
        let train: Vec<usize> = (0..data.len()).filter(|&i| folds[i] != f).collect();
        let test: Vec<usize> = (0..data.len()).filter(|&i| folds[i] == f).collect();
        let model = Classifier::train(&data.subset(&train), params, &() as &dyn Progress)?;
        let test = data.subset(&test);
        let predicted: Vec<String> = model
            .predict_batch(&test.texts)
            .into_iter()
            .map(|p| model.labels()[p.label].clone())
            .collect();
        reports.push(Report::new(&all_labels, &test.labels, &predicted));
        on_fold(f + 1);
    }
    let pick =
        |get: &dyn Fn(&Report) -> f64| Spread::of(&reports.iter().map(get).collect::<Vec<_>>());
    let labels_f1 = all_labels
        .iter()
        .map(|l| (l.clone(), pick(&|r: &Report| r.labels[l].f1)))
        .collect();
    Ok(CvReport {
        folds: k,
        accuracy: pick(&|r| r.accuracy),
        macro_f1: pick(&|r| r.macro_f1),
        weighted_f1: pick(&|r| r.weighted_f1),
        labels_f1,
        per_fold: reports,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn report_figures() {
        let labels = s(&["a", "b"]);
        let truth = s(&["a", "a", "b", "b"]);
        let pred = s(&["a", "b", "b", "b"]);
        let r = Report::new(&labels, &truth, &pred);
        assert_eq!(r.accuracy, 0.75);
        assert_eq!(r.labels["a"].precision, 1.0);
        assert_eq!(r.labels["a"].recall, 0.5);
        assert!((r.labels["b"].precision - 2.0 / 3.0).abs() < 1e-12);
        let fa = 2.0 * 0.5 / 1.5;
        let fb = 2.0 * (2.0 / 3.0) / (5.0 / 3.0);
        assert!((r.macro_f1 - (fa + fb) / 2.0).abs() < 1e-12);
        assert_eq!(r.confusion, vec![vec![1, 1], vec![0, 2]]);
        assert!(r.to_table().contains("macro F1"));
    }

    #[test]
    fn unknown_labels_are_appended() {
        let r = Report::new(&s(&["a"]), &s(&["a", "z"]), &s(&["a", "a"]));
        assert_eq!(r.confusion_labels, s(&["a", "z"]));
        assert_eq!(r.labels["z"].recall, 0.0);
    }

    #[test]
    fn folds_are_stratified_and_seeded() {
        let labels: Vec<String> = (0..30)
            .map(|i| if i % 3 == 0 { "x" } else { "y" }.to_string())
            .collect();
        let f = stratified_folds(&labels, 5, 7);
        for k in 0..5 {
            let xs = (0..30).filter(|&i| f[i] == k && labels[i] == "x").count();
            assert_eq!(xs, 2);
        }
        assert_eq!(f, stratified_folds(&labels, 5, 7));
        assert_ne!(f, stratified_folds(&labels, 5, 8));
    }
}
