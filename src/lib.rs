//! claimcat: labels the claims in news sentences (accusation, denial, threat, offer or none).

pub mod data;
pub mod error;
pub mod features;
pub mod model;
pub mod split;
pub mod text;

pub use error::{Error, Result};
