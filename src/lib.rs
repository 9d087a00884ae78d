//! claimcat: labels the claims in news sentences (accusation, denial, threat, offer or none).
//!
//! The pipeline: [`split::SentenceSplitter`] cuts articles into sentences,
//! [`text::Analyzer`] turns a sentence into terms, [`features::Featurizer`] into a
//! sparse weighted n-gram vector, and [`model::Classifier`] (a linfa multinomial
//! logistic regression) labels it. [`metrics`] measures a model, [`classify`]
//! runs it over articles.

pub mod classify;
pub mod cues;
pub mod data;
pub mod error;
pub mod features;
pub mod metrics;
pub mod model;
pub mod solver;
pub mod split;
pub mod text;

pub use data::{Columns, LabeledData};
pub use error::{Error, Result};
pub use features::{Featurizer, FeaturizerOptions, Weighting};
pub use model::{Classifier, TrainParams};
