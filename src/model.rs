//! The classifier: a featurizer plus a linfa multinomial logistic regression, and its model file.

use crate::data::LabeledData;
use crate::error::{Error, Result};
use crate::features::{Featurizer, FeaturizerOptions, SparseVec};
use linfa::prelude::*;
use linfa_logistic::MultiLogisticRegression;
use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

/// The most iterations of the sparse warm start (each costs only the non-zeros).
const WARM_START_MAX_ITER: u64 = 2000;

/// The model file format this build writes and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;
/// The value of the `format` field that marks a claimcat model file.
pub const FORMAT_NAME: &str = "claimcat-model";

/// Training options: featurizer, regularization, solver limits, seed and label priors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainParams {
    /// How sentences become features.
    pub featurizer: FeaturizerOptions,
    /// L2 regularization strength (larger: simpler model).
    pub alpha: f64,
    /// The most L-BFGS iterations.
    pub max_iter: u64,
    /// Stop when the gradient norm, per training row, falls below this.
    pub tolerance: f64,
    /// Seed for everything random (cross-validation folds).
    pub seed: u64,
    /// Multipliers applied to label probabilities at prediction, e.g. `none` = 2.0.
    pub priors: BTreeMap<String, f64>,
}

impl Default for TrainParams {
    fn default() -> Self {
        TrainParams {
            featurizer: FeaturizerOptions::default(),
            alpha: 0.1,
            max_iter: 40,
            tolerance: 1e-4,
            seed: 42,
            priors: BTreeMap::new(),
        }
    }
}

impl TrainParams {
    /// Checks every option is in range.
    pub fn validate(&self) -> Result<()> {
        self.featurizer.validate()?;
        if !(self.alpha.is_finite() && self.alpha > 0.0) {
            return Err(Error::Params("--alpha must be a positive number".into()));
        }
        if self.max_iter == 0 {
            return Err(Error::Params("--max-iter must be at least 1".into()));
        }
        if !(self.tolerance.is_finite() && self.tolerance > 0.0) {
            return Err(Error::Params(
                "the gradient tolerance must be positive".into(),
            ));
        }
        for (label, w) in &self.priors {
            if !(w.is_finite() && *w > 0.0) {
                return Err(Error::Params(format!(
                    "--prior {label}={w}: the weight must be a positive number"
                )));
            }
        }
        Ok(())
    }
}

/// Facts about how a model was trained, kept in the model file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingInfo {
    /// Training rows.
    pub rows: usize,
    /// Rows per label.
    pub label_counts: BTreeMap<String, usize>,
    /// SHA-256 of the training rows (see [`LabeledData::fingerprint`]).
    pub data_sha256: String,
    /// L2 regularization used.
    pub alpha: f64,
    /// Iteration cap used.
    pub max_iter: u64,
    /// Gradient tolerance used.
    pub tolerance: f64,
    /// Seed used.
    pub seed: u64,
}

/// Stages of training, reported to a [`Progress`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Learning the vocabulary.
    Vocabulary,
    /// Featurizing the training sentences.
    Features,
    /// Solving on the sparse rows for linfa's starting point.
    WarmStart,
    /// Fitting the logistic regression.
    Fitting,
}

/// Receives training progress; `()` ignores it.
pub trait Progress: Sync {
    /// A new stage begins.
    fn stage(&self, _stage: Stage) {}
}

impl Progress for () {}

/// A prediction: label probabilities for one sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    /// Index of the most probable label in [`Classifier::labels`].
    pub label: usize,
    /// Probability of each label, in the order of [`Classifier::labels`].
    pub scores: Vec<f32>,
}

impl Prediction {
    /// The probability of the predicted label.
    pub fn confidence(&self) -> f32 {
        self.scores[self.label]
    }
}

/// A trained statement classifier.
#[derive(Debug, Clone)]
pub struct Classifier {
    featurizer: Featurizer,
    labels: Arc<[String]>,
    /// Feature-major weights: `weights[f * k + c]`.
    weights: Vec<f32>,
    intercepts: Vec<f32>,
    /// Natural log of each label's prior multiplier.
    log_priors: Vec<f32>,
    training: TrainingInfo,
}

/// The on-disk form of a model: one JSON document.
#[derive(Serialize, Deserialize)]
struct ModelFile {
    format: String,
    format_version: u32,
    crate_version: String,
    labels: Vec<String>,
    featurizer: FeaturizerOptions,
    training: TrainingInfo,
    priors: Vec<f32>,
    intercepts: Vec<f32>,
    features: Vec<String>,
    idf: Vec<f32>,
    /// One row per feature, one column per label.
    weights: Vec<Vec<f32>>,
}

/// Only the header, read first so that a newer format gets a clear message.
#[derive(Deserialize)]
struct ModelHeader {
    format: Option<String>,
    format_version: Option<u32>,
    crate_version: Option<String>,
}

impl Classifier {
    /// Trains a classifier on labeled sentences.
    pub fn train(
        data: &LabeledData,
        params: &TrainParams,
        progress: &dyn Progress,
    ) -> Result<Classifier> {
        params.validate()?;
        data.check_trainable()?;
        let labels = data.label_set();
        for label in params.priors.keys() {
            if !labels.contains(label) {
                return Err(Error::Params(format!(
                    "--prior names label `{label}`, which the data does not have (labels: {})",
                    labels.join(", ")
                )));
            }
        }
        progress.stage(Stage::Vocabulary);
        let featurizer = Featurizer::fit(&params.featurizer, &data.texts)?;
        progress.stage(Stage::Features);
        let rows = featurizer.transform_batch(&data.texts);
        let y: Array1<usize> = data
            .labels
            .iter()
            .map(|l| labels.binary_search(l).unwrap_or(0))
            .collect();
        // The gradient of a summed loss grows with the rows: scale the tolerance with them.
        let tolerance = params.tolerance * data.len() as f64;
        progress.stage(Stage::WarmStart);
        let init = crate::solver::warm_start(
            &rows,
            y.as_slice().expect("targets are contiguous"),
            featurizer.len(),
            labels.len(),
            params.alpha,
            tolerance / 10.0,
            WARM_START_MAX_ITER,
        )?;
        let x = featurizer.to_dense(&rows);
        drop(rows);
        progress.stage(Stage::Fitting);
        let fitted = MultiLogisticRegression::<f32>::default()
            .alpha(params.alpha as f32)
            .max_iterations(params.max_iter)
            .gradient_tolerance(tolerance as f32)
            .initial_params(init.mapv(|v| v as f32))
            .fit(&Dataset::new(x, y))
            .map_err(|e| Error::Training(e.to_string()))?;
        Classifier::from_linfa(featurizer, labels, &fitted, data, params)
    }

    fn from_linfa(
        featurizer: Featurizer,
        labels: Vec<String>,
        fitted: &linfa_logistic::MultiFittedLogisticRegression<f32, usize>,
        data: &LabeledData,
        params: &TrainParams,
    ) -> Result<Classifier> {
        let k = labels.len();
        let classes = fitted.classes();
        if classes.len() != k {
            return Err(Error::Training(format!(
                "the solver saw {} labels, expected {k}",
                classes.len()
            )));
        }
        let p = fitted.params();
        let mut weights = vec![0f32; featurizer.len() * k];
        let mut intercepts = vec![0f32; k];
        for (col, &class) in classes.iter().enumerate() {
            intercepts[class] = fitted.intercept()[col];
            for f in 0..featurizer.len() {
                weights[f * k + class] = p[[f, col]];
            }
        }
        let log_priors = labels
            .iter()
            .map(|l| params.priors.get(l).map_or(0.0, |w| w.ln() as f32))
            .collect();
        Ok(Classifier {
            featurizer,
            labels: labels.into(),
            weights,
            intercepts,
            log_priors,
            training: TrainingInfo {
                rows: data.len(),
                label_counts: data.label_counts(),
                data_sha256: data.fingerprint(),
                alpha: params.alpha,
                max_iter: params.max_iter,
                tolerance: params.tolerance,
                seed: params.seed,
            },
        })
    }

    /// The labels, in score order.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// The labels, in score order, as a handle that rows can share without copying them.
    pub fn shared_labels(&self) -> Arc<[String]> {
        Arc::clone(&self.labels)
    }

    /// The featurizer.
    pub fn featurizer(&self) -> &Featurizer {
        &self.featurizer
    }

    /// How the model was trained.
    pub fn training(&self) -> &TrainingInfo {
        &self.training
    }

    /// The training options that built this model, so it can be trained again from its data.
    pub fn train_params(&self) -> TrainParams {
        TrainParams {
            featurizer: self.featurizer.options().clone(),
            alpha: self.training.alpha,
            max_iter: self.training.max_iter,
            tolerance: self.training.tolerance,
            seed: self.training.seed,
            priors: self
                .labels
                .iter()
                .zip(self.priors())
                .filter(|(_, p)| *p != 1.0)
                .map(|(l, p)| (l.clone(), p as f64))
                .collect(),
        }
    }

    /// The prior multiplier of each label (1.0 when none was set).
    pub fn priors(&self) -> Vec<f32> {
        self.log_priors.iter().map(|l| l.exp()).collect()
    }

    /// Sets the prior multiplier of a label (probabilities are rescaled and renormalized).
    pub fn set_prior(&mut self, label: &str, weight: f64) -> Result<()> {
        let i = self.label_index(label).ok_or_else(|| {
            Error::Params(format!(
                "no label `{label}` in the model (labels: {})",
                self.labels.join(", ")
            ))
        })?;
        if !(weight.is_finite() && weight > 0.0) {
            return Err(Error::Params(format!(
                "prior {label}={weight} must be positive"
            )));
        }
        self.log_priors[i] = weight.ln() as f32;
        Ok(())
    }

    /// The index of a label, if the model has it.
    pub fn label_index(&self, label: &str) -> Option<usize> {
        self.labels.iter().position(|l| l == label)
    }

    /// Scores a sparse feature vector without densifying it (probabilities before priors).
    pub fn raw_probabilities(&self, x: &SparseVec) -> Vec<f32> {
        let mut logits = self.intercepts.clone();
        self.accumulate(x, &mut logits);
        softmax(&mut logits);
        logits
    }

    fn accumulate(&self, x: &SparseVec, logits: &mut [f32]) {
        let k = self.labels.len();
        for (&f, &v) in x.indices.iter().zip(&x.values) {
            let row = &self.weights[f as usize * k..f as usize * k + k];
            for (l, w) in logits.iter_mut().zip(row) {
                *l += v * w;
            }
        }
    }

    /// Predicts from a sparse feature vector, priors applied.
    pub fn predict_features(&self, x: &SparseVec) -> Prediction {
        let mut scores = Vec::with_capacity(self.labels.len());
        let label = self.predict_into(x, &mut scores);
        Prediction { label, scores }
    }

    /// Like [`Classifier::predict_features`], writing the probabilities into `scores`
    /// (reusing its buffer) and returning the index of the most probable label.
    pub fn predict_into(&self, x: &SparseVec, scores: &mut Vec<f32>) -> usize {
        scores.clear();
        scores.extend(
            self.intercepts
                .iter()
                .zip(&self.log_priors)
                .map(|(b, p)| b + p),
        );
        self.accumulate(x, scores);
        softmax(scores);
        argmax(scores)
    }

    /// Predicts the label of one sentence.
    pub fn predict(&self, text: &str) -> Prediction {
        self.predict_features(&self.featurizer.transform(text))
    }

    /// Predicts many sentences in parallel, in order.
    pub fn predict_batch<S: AsRef<str> + Sync>(&self, texts: &[S]) -> Vec<Prediction> {
        crate::features::par_map_chunks(
            texts,
            256,
            &crate::features::Pool::new(),
            || (self.featurizer.scratch(), SparseVec::default()),
            |(s, v), t| {
                self.featurizer.transform_into(s, t.as_ref(), v);
                self.predict_features(v)
            },
        )
    }

    /// The weights as a dense features x labels matrix (for checks against linfa).
    pub fn weight_matrix(&self) -> Array2<f32> {
        Array2::from_shape_vec(
            (self.featurizer.len(), self.labels.len()),
            self.weights.clone(),
        )
        .expect("weights have features x labels entries")
    }

    /// The intercept of each label.
    pub fn intercepts(&self) -> &[f32] {
        &self.intercepts
    }

    /// Serializes the model to its JSON file form.
    pub fn to_json(&self) -> Vec<u8> {
        let k = self.labels.len();
        let file = ModelFile {
            format: FORMAT_NAME.into(),
            format_version: FORMAT_VERSION,
            crate_version: env!("CARGO_PKG_VERSION").into(),
            labels: self.labels.to_vec(),
            featurizer: self.featurizer.options().clone(),
            training: self.training.clone(),
            priors: self.priors(),
            intercepts: self.intercepts.clone(),
            features: self.featurizer.features().to_vec(),
            idf: self.featurizer.idf().to_vec(),
            weights: self.weights.chunks(k).map(|c| c.to_vec()).collect(),
        };
        let mut out = serde_json::to_vec(&file).expect("a model serializes to JSON");
        out.push(b'\n');
        out
    }

    /// Writes the model file atomically: a temporary file beside it, then a rename.
    pub fn save(&self, path: &Path) -> Result<()> {
        write_atomic(path, &self.to_json())
    }

    /// Reads a model file, checking its format, version, shapes and values.
    pub fn load(path: &Path) -> Result<Classifier> {
        let bytes = crate::data::read_file(path)?;
        Classifier::from_json(path, &bytes)
    }

    /// Parses a model from bytes; `path` names it in errors.
    pub fn from_json(path: &Path, bytes: &[u8]) -> Result<Classifier> {
        let bad = |message: String| Error::Model {
            path: path.to_path_buf(),
            message,
        };
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(bad(
                "the model file is empty; train one with `claimcat train DATA.csv -o MODEL`".into(),
            ));
        }
        let header: ModelHeader = serde_json::from_slice(bytes).map_err(|e| {
            let trimmed = bytes.trim_ascii();
            if e.is_eof() || (trimmed.starts_with(b"{") && !trimmed.ends_with(b"}")) {
                bad(format!("the model file is truncated ({e}); train it again or restore a full copy"))
            } else {
                bad(format!(
                    "not a claimcat model file, or it is corrupt ({e}); pass a file written by `claimcat train`"
                ))
            }
        })?;
        if header.format.as_deref() != Some(FORMAT_NAME) {
            return Err(bad(
                "not a claimcat model file (no `format: claimcat-model` field); pass a file written by `claimcat train`".into(),
            ));
        }
        let version = header.format_version.unwrap_or(0);
        if version > FORMAT_VERSION {
            return Err(bad(format!(
                "the model uses format version {version} (written by claimcat {}), newer than this claimcat reads ({FORMAT_VERSION}); upgrade claimcat or retrain the model",
                header.crate_version.as_deref().unwrap_or("?")
            )));
        }
        if version == 0 {
            return Err(bad(
                "the model has no valid format_version; retrain it".into()
            ));
        }
        let file: ModelFile = serde_json::from_slice(bytes)
            .map_err(|e| bad(format!("the model file is corrupt ({e}); retrain it")))?;
        Classifier::from_file(file).map_err(|e| bad(format!("{e}; retrain the model")))
    }

    fn from_file(f: ModelFile) -> Result<Classifier> {
        let k = f.labels.len();
        let d = f.features.len();
        let shape = |m: String| Error::Params(format!("inconsistent model: {m}"));
        if k < 2 {
            return Err(shape(format!("{k} labels, need at least 2")));
        }
        let mut sorted = f.labels.clone();
        sorted.sort();
        sorted.dedup();
        if sorted.len() != k {
            return Err(shape("duplicate labels".into()));
        }
        if f.intercepts.len() != k || f.priors.len() != k {
            return Err(shape(format!(
                "{} intercepts and {} priors for {k} labels",
                f.intercepts.len(),
                f.priors.len()
            )));
        }
        if f.idf.len() != d || f.weights.len() != d {
            return Err(shape(format!(
                "{d} features but {} idf values and {} weight rows",
                f.idf.len(),
                f.weights.len()
            )));
        }
        if let Some(i) = f.weights.iter().position(|r| r.len() != k) {
            return Err(shape(format!(
                "weight row {i} has {} values, expected {k}",
                f.weights[i].len()
            )));
        }
        let finite = |v: &[f32]| v.iter().all(|x| x.is_finite());
        if !finite(&f.intercepts)
            || !finite(&f.idf)
            || !f.weights.iter().all(|r| finite(r))
            || !f.priors.iter().all(|p| p.is_finite() && *p > 0.0)
        {
            return Err(shape("non-finite values".into()));
        }
        let featurizer = Featurizer::from_parts(f.featurizer, f.features, f.idf)?;
        Ok(Classifier {
            featurizer,
            labels: f.labels.into(),
            weights: f.weights.concat(),
            intercepts: f.intercepts,
            log_priors: f.priors.iter().map(|p| p.ln()).collect(),
            training: f.training,
        })
    }
}

/// The default model shipped in `models/claimcat.json`, built into the binary.
pub const DEFAULT_MODEL_JSON: &[u8] = include_bytes!("../models/claimcat.json");

/// The name the built-in model goes by in messages.
pub const DEFAULT_MODEL_NAME: &str = "<built-in model>";

impl Classifier {
    /// Loads the built-in default model.
    pub fn builtin() -> Result<Classifier> {
        Classifier::from_json(Path::new(DEFAULT_MODEL_NAME), DEFAULT_MODEL_JSON)
    }

    /// Loads the model at `path`, or the built-in one when `path` is `None`.
    pub fn load_or_builtin(path: Option<&Path>) -> Result<Classifier> {
        match path {
            Some(p) => Classifier::load(p),
            None => Classifier::builtin(),
        }
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename,
/// so that `path` is never left half-written.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(Error::io(
            path,
            "cannot write: the folder does not exist (create it first)",
            std::io::Error::new(std::io::ErrorKind::NotFound, dir.display().to_string()),
        ));
    }
    let mut tmp =
        tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(path, "cannot write", e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode());
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(|e| Error::io(path, "cannot write", e))?;
    }
    tmp.write_all(bytes)
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(|e| Error::io(path, "cannot write", e))?;
    tmp.persist(path)
        .map_err(|e| Error::io(path, "cannot write", e.error))?;
    Ok(())
}

fn softmax(v: &mut [f32]) {
    let max = v.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for x in v.iter_mut() {
        *x = (*x - max).exp();
        sum += *x;
    }
    for x in v.iter_mut() {
        *x /= sum;
    }
}

fn argmax(v: &[f32]) -> usize {
    let mut best = 0;
    for (i, &x) in v.iter().enumerate() {
        if x > v[best] {
            best = i;
        }
    }
    best
}

/// Times a closure, returning its result and the seconds it took.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let t = Instant::now();
    let out = f();
    (out, t.elapsed().as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn toy() -> LabeledData {
        LabeledData::from_pairs([
            ("Kyiv accused Moscow of shelling the plant", "accusation"),
            ("The minister blamed rebels for the attack", "accusation"),
            ("Moscow denied the accusation", "denial"),
            ("The ministry rejected the claims as false", "denial"),
            ("The talks were held in Geneva", "none"),
            ("Prices rose in March", "none"),
        ])
    }

    fn small_params() -> TrainParams {
        TrainParams {
            featurizer: FeaturizerOptions {
                min_df: 1,
                ..FeaturizerOptions::default()
            },
            ..TrainParams::default()
        }
    }

    #[test]
    fn trains_and_predicts_training_data() {
        let m = Classifier::train(&toy(), &small_params(), &()).unwrap();
        assert_eq!(m.labels(), &["accusation", "denial", "none"]);
        let p = m.predict("Moscow denied the accusation");
        assert_eq!(m.labels()[p.label], "denial");
        assert!((p.scores.iter().sum::<f32>() - 1.0).abs() < 1e-5);
    }

    #[test]
    fn sparse_scores_match_linfa() {
        let data = toy();
        let params = small_params();
        let labels = data.label_set();
        let f = Featurizer::fit(&params.featurizer, &data.texts).unwrap();
        let x = f.to_dense(&f.transform_batch(&data.texts));
        let y: Array1<usize> = data
            .labels
            .iter()
            .map(|l| labels.binary_search(l).unwrap())
            .collect();
        let fitted = MultiLogisticRegression::<f32>::default()
            .alpha(params.alpha as f32)
            .max_iterations(params.max_iter)
            .gradient_tolerance(params.tolerance as f32)
            .fit(&Dataset::new(x.clone(), y))
            .unwrap();
        let linfa_probs = fitted.predict_probabilities(&x);
        // The same fitted coefficients, scored from sparse features.
        let m = Classifier::from_linfa(f, labels, &fitted, &data, &params).unwrap();
        let batch: Vec<Vec<f32>> = data
            .texts
            .iter()
            .map(|t| m.raw_probabilities(&m.featurizer().transform(t)))
            .collect();
        for (i, ours) in batch.iter().enumerate() {
            for c in 0..3 {
                assert!(
                    (ours[c] - linfa_probs[[i, c]]).abs() < 1e-5,
                    "row {i} label {c}"
                );
            }
        }
        // And a model trained by `Classifier::train` reaches the same optimum.
        let trained = Classifier::train(&data, &params, &()).unwrap();
        for (i, t) in data.texts.iter().enumerate() {
            let p = trained.raw_probabilities(&trained.featurizer().transform(t));
            for c in 0..3 {
                assert!(
                    (p[c] - linfa_probs[[i, c]]).abs() < 1e-3,
                    "row {i} label {c}"
                );
            }
        }
    }

    #[test]
    fn model_file_roundtrip_is_byte_identical() {
        let m = Classifier::train(&toy(), &small_params(), &()).unwrap();
        let json = m.to_json();
        let back = Classifier::from_json(Path::new("m.json"), &json).unwrap();
        assert_eq!(back.to_json(), json);
        let again = Classifier::train(&toy(), &small_params(), &()).unwrap();
        assert_eq!(again.to_json(), json);
    }

    #[test]
    fn bad_model_files_get_clear_errors() {
        let m = Classifier::train(&toy(), &small_params(), &()).unwrap();
        let json = m.to_json();
        let p = PathBuf::from("m.json");
        let err = |b: &[u8]| Classifier::from_json(&p, b).unwrap_err().to_string();
        let cut = err(&json[..json.len() / 2]);
        assert!(cut.contains("truncated"), "{cut}");
        assert!(err(b"").contains("empty"));
        assert!(err(b"text,label\n").contains("not a claimcat model"));
        assert!(err(b"{\"a\": 1}").contains("not a claimcat model"));
        let newer = String::from_utf8(json.clone())
            .unwrap()
            .replace("\"format_version\":1", "\"format_version\":99");
        assert!(err(newer.as_bytes()).contains("newer"));
        let mut v: serde_json::Value = serde_json::from_slice(&json).unwrap();
        v["intercepts"] = serde_json::json!([0.0]);
        assert!(err(&serde_json::to_vec(&v).unwrap()).contains("inconsistent"));
    }

    #[test]
    fn priors_shift_predictions() {
        let mut m = Classifier::train(&toy(), &small_params(), &()).unwrap();
        let before = m.predict("an unrelated sentence about weather").scores;
        m.set_prior("none", 5.0).unwrap();
        let after = m.predict("an unrelated sentence about weather").scores;
        let none = m.label_index("none").unwrap();
        assert!(after[none] > before[none]);
        assert!(m.set_prior("bogus", 2.0).is_err());
    }

    #[test]
    fn invalid_params_are_rejected() {
        let p = TrainParams {
            alpha: -1.0,
            ..TrainParams::default()
        };
        assert!(Classifier::train(&toy(), &p, &()).is_err());
        let mut p = small_params();
        p.priors.insert("nope".into(), 2.0);
        assert!(
            Classifier::train(&toy(), &p, &())
                .unwrap_err()
                .to_string()
                .contains("nope")
        );
    }
}
