//! The vectorizer: turns analyzed sentences into sparse, weighted n-gram vectors.

use crate::cues::{CueFlags, CueMatcher, NO_FAMILY};
use crate::error::{Error, Result};
use crate::text::{Analyzer, AnalyzerOptions, WordCache};
use ndarray::Array2;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// How feature counts become feature values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Weighting {
    /// Term frequency (sublinear: 1 + ln tf) times smoothed inverse document frequency.
    Tfidf,
    /// 1 for every feature present.
    Binary,
}

/// Featurizer options: which filters, n-grams, vocabulary pruning and weighting. Stored in every model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeaturizerOptions {
    /// Tokenizer filters (negation marking, stemming).
    pub analyzer: AnalyzerOptions,
    /// Shortest n-gram (in terms).
    pub ngram_min: usize,
    /// Longest n-gram (in terms), at most 3.
    pub ngram_max: usize,
    /// Keep only n-grams found in at least this many training sentences.
    pub min_df: usize,
    /// Keep at most this many n-grams, the most frequent first (`None`: no cap).
    pub max_features: Option<usize>,
    /// How counts are weighted.
    pub weighting: Weighting,
    /// Scale each vector to unit length.
    pub normalize: bool,
    /// Add cue-word family indicators (see [`crate::cues`]).
    #[serde(default)]
    pub cues: bool,
}

impl Default for FeaturizerOptions {
    fn default() -> Self {
        FeaturizerOptions {
            analyzer: AnalyzerOptions::default(),
            ngram_min: 1,
            ngram_max: 2,
            min_df: 2,
            max_features: Some(20_000),
            weighting: Weighting::Tfidf,
            normalize: true,
            cues: true,
        }
    }
}

impl FeaturizerOptions {
    /// Checks that the options are in range, with a message saying which is not.
    pub fn validate(&self) -> Result<()> {
        if self.ngram_min < 1 || self.ngram_max > MAX_NGRAM || self.ngram_min > self.ngram_max {
            return Err(Error::Params(format!(
                "n-gram range {}-{} must satisfy 1 <= min <= max <= {MAX_NGRAM}",
                self.ngram_min, self.ngram_max
            )));
        }
        if self.min_df < 1 {
            return Err(Error::Params("--min-df must be at least 1".into()));
        }
        if self.max_features == Some(0) {
            return Err(Error::Params("--max-features must be at least 1".into()));
        }
        Ok(())
    }
}

/// f32 values per 4 KiB memory page.
const PAGE_FLOATS: usize = 1024;

/// The longest n-gram supported.
pub const MAX_NGRAM: usize = 3;
const TERM_BITS: u32 = 21;
const MAX_TERMS: u32 = (1 << TERM_BITS) - 2;
const UNKNOWN: u32 = u32::MAX;

/// Packs up to three term ids into one n-gram key.
fn pack(ids: &[u32]) -> u64 {
    ids.iter()
        .fold(0u64, |key, &id| (key << TERM_BITS) | (id as u64 + 1))
}

/// A set of n-gram keys that answers "maybe" or "certainly not", in 32 KiB.
#[derive(Debug, Clone)]
struct NgramFilter(Vec<u64>);

impl NgramFilter {
    const BITS: u32 = 18;

    fn new() -> NgramFilter {
        NgramFilter(vec![0; 1 << (Self::BITS - 6)])
    }

    fn slot(key: u64) -> (usize, u64) {
        let h = key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - Self::BITS);
        ((h >> 6) as usize, 1 << (h & 63))
    }

    fn insert(&mut self, key: u64) {
        let (i, bit) = Self::slot(key);
        self.0[i] |= bit;
    }

    fn may_contain(&self, key: u64) -> bool {
        let (i, bit) = Self::slot(key);
        self.0[i] & bit != 0
    }
}

/// A sparse feature vector: sorted feature ids and their values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SparseVec {
    /// Feature ids, ascending.
    pub indices: Vec<u32>,
    /// The value of each feature in `indices`.
    pub values: Vec<f32>,
}

/// A fitted featurizer: the vocabulary, its idf weights and the options that built it.
#[derive(Debug, Clone)]
pub struct Featurizer {
    options: FeaturizerOptions,
    features: Vec<String>,
    idf: Vec<f32>,
    terms: FxHashMap<String, u32>,
    index: FxHashMap<u64, u32>,
    /// The unigram feature of each term id (`UNKNOWN` when the term is not one).
    unigrams: Vec<u32>,
    /// A one-hash Bloom filter over the longer n-gram keys: most word pairs in new text
    /// are not features, and this small bitset rules them out without probing `index`.
    ngram_filter: NgramFilter,
    cues: Option<CueMatcher>,
}

/// Reusable per-thread state for featurizing: the analyzer (with its stem cache) and buffers.
#[derive(Debug)]
pub struct Scratch {
    analyzer: Analyzer,
    cache: WordCache<(u32, u8)>,
    ids: Vec<u32>,
    fids: Vec<u32>,
}

impl Featurizer {
    /// Learns the vocabulary and idf from training sentences.
    pub fn fit<S: AsRef<str>>(options: &FeaturizerOptions, texts: &[S]) -> Result<Featurizer> {
        options.validate()?;
        let mut analyzer = Analyzer::new(options.analyzer);
        let matcher = options.cues.then(|| CueMatcher::new(options.analyzer.stem));
        let mut term_ids: HashMap<String, u32> = HashMap::new();
        let mut names: Vec<String> = Vec::new();
        let mut df: HashMap<u64, (u32, Vec<u32>)> = HashMap::new();
        let mut doc_keys: Vec<u64> = Vec::new();
        let mut ids: Vec<u32> = Vec::new();
        let mut cache = WordCache::default();
        for text in texts {
            ids.clear();
            let mut overflow = false;
            let mut flags = CueMatcher::flags();
            analyzer.analyze_cached(
                text.as_ref(),
                &mut cache,
                |t| {
                    let next = names.len() as u32;
                    let id = *term_ids.entry(t.to_string()).or_insert_with(|| {
                        names.push(t.to_string());
                        next
                    });
                    (id, matcher.as_ref().map_or(NO_FAMILY, |m| m.family(t)))
                },
                |(id, family)| {
                    CueMatcher::mark(&mut flags, family);
                    overflow |= id > MAX_TERMS;
                    ids.push(id);
                },
            );
            if overflow {
                return Err(Error::Data(format!(
                    "the training data has more than {MAX_TERMS} distinct terms; train on less text"
                )));
            }
            doc_keys.clear();
            for n in options.ngram_min..=options.ngram_max {
                for w in ids.windows(n) {
                    doc_keys.push(pack(w));
                }
            }
            if let Some(m) = &matcher {
                m.emit(&flags, |cue| {
                    let next = names.len() as u32;
                    let id = *term_ids.entry(cue.to_string()).or_insert_with(|| {
                        names.push(cue.to_string());
                        next
                    });
                    doc_keys.push(pack(&[id]));
                });
            }
            doc_keys.sort_unstable();
            doc_keys.dedup();
            for &k in doc_keys.iter() {
                df.entry(k).or_insert_with(|| (0, unpack(k))).0 += 1;
            }
        }
        let n_docs = texts.len();
        let mut kept: Vec<(String, u32, Vec<u32>)> = df
            .into_iter()
            .filter(|(_, (count, _))| *count as usize >= options.min_df)
            .map(|(_, (count, parts))| {
                let name = parts
                    .iter()
                    .map(|&p| names[p as usize].as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                (name, count, parts)
            })
            .collect();
        if let Some(cap) = options.max_features {
            kept.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            kept.truncate(cap);
        }
        kept.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        if kept.is_empty() {
            return Err(Error::Data(format!(
                "no feature occurs in at least {} sentences (--min-df); lower --min-df or add data",
                options.min_df
            )));
        }
        let features: Vec<String> = kept.iter().map(|k| k.0.clone()).collect();
        let idf = kept
            .iter()
            .map(|k| (((1 + n_docs) as f64 / (1 + k.1) as f64).ln() + 1.0) as f32)
            .collect();
        Featurizer::from_parts(options.clone(), features, idf)
    }

    /// Rebuilds a featurizer from its stored options, feature names and idf values.
    pub fn from_parts(
        options: FeaturizerOptions,
        features: Vec<String>,
        idf: Vec<f32>,
    ) -> Result<Featurizer> {
        options.validate()?;
        if features.len() != idf.len() {
            return Err(Error::Params(format!(
                "{} features but {} idf values",
                features.len(),
                idf.len()
            )));
        }
        let mut terms: FxHashMap<String, u32> = FxHashMap::default();
        let mut index = FxHashMap::default();
        index.reserve(features.len());
        let mut ids = Vec::with_capacity(MAX_NGRAM);
        for (fid, name) in features.iter().enumerate() {
            ids.clear();
            for part in name.split(' ') {
                let next = terms.len() as u32;
                ids.push(*terms.entry(part.to_string()).or_insert(next));
            }
            if ids.len() > MAX_NGRAM || name.is_empty() {
                return Err(Error::Params(format!(
                    "feature {name:?} is not a valid n-gram"
                )));
            }
            if index.insert(pack(&ids), fid as u32).is_some() {
                return Err(Error::Params(format!("feature {name:?} appears twice")));
            }
        }
        let mut ngram_filter = NgramFilter::new();
        for &key in index.keys().filter(|&&k| k >> TERM_BITS != 0) {
            ngram_filter.insert(key);
        }
        let mut unigrams = vec![UNKNOWN; terms.len()];
        for (slot, id) in unigrams.iter_mut().zip(0u32..) {
            if let Some(&fid) = index.get(&pack(&[id])) {
                *slot = fid;
            }
        }
        Ok(Featurizer {
            cues: options.cues.then(|| CueMatcher::new(options.analyzer.stem)),
            options,
            features,
            idf,
            terms,
            index,
            unigrams,
            ngram_filter,
        })
    }

    /// The options this featurizer was built with.
    pub fn options(&self) -> &FeaturizerOptions {
        &self.options
    }

    /// The feature names (n-grams of terms joined by spaces), by feature id.
    pub fn features(&self) -> &[String] {
        &self.features
    }

    /// The idf weight of each feature.
    pub fn idf(&self) -> &[f32] {
        &self.idf
    }

    /// The number of features.
    pub fn len(&self) -> usize {
        self.features.len()
    }

    /// Whether the vocabulary is empty (never true for a fitted featurizer).
    pub fn is_empty(&self) -> bool {
        self.features.is_empty()
    }

    /// Fresh per-thread state for [`Featurizer::transform_with`].
    pub fn scratch(&self) -> Scratch {
        Scratch {
            analyzer: Analyzer::new(self.options.analyzer),
            cache: WordCache::default(),
            ids: Vec::new(),
            fids: Vec::new(),
        }
    }

    /// Featurizes one sentence.
    pub fn transform(&self, text: &str) -> SparseVec {
        self.transform_with(&mut self.scratch(), text)
    }

    /// Featurizes one sentence, reusing `scratch` across calls.
    pub fn transform_with(&self, scratch: &mut Scratch, text: &str) -> SparseVec {
        let mut out = SparseVec::default();
        self.transform_into(scratch, text, &mut out);
        out
    }

    /// Featurizes one sentence into `out`, reusing its buffers.
    pub fn transform_into(&self, scratch: &mut Scratch, text: &str, out: &mut SparseVec) {
        let Scratch {
            analyzer,
            cache,
            ids,
            fids,
        } = scratch;
        ids.clear();
        fids.clear();
        let terms = &self.terms;
        let mut flags: CueFlags = CueMatcher::flags();
        let cues = self.cues.as_ref();
        analyzer.analyze_cached(
            text,
            cache,
            |stem| {
                let id = terms.get(stem).copied().unwrap_or(UNKNOWN);
                (id, cues.map_or(NO_FAMILY, |m| m.family(stem)))
            },
            |(id, family)| {
                CueMatcher::mark(&mut flags, family);
                ids.push(id)
            },
        );
        if let Some(m) = cues {
            m.emit(&flags, |cue| {
                if let Some(&fid) = terms.get(cue).and_then(|&id| self.index.get(&pack(&[id]))) {
                    fids.push(fid);
                }
            });
        }
        for n in self.options.ngram_min..=self.options.ngram_max {
            if n == 1 {
                // Unigrams: a direct table from term id to feature id, no hashing.
                fids.extend(
                    ids.iter()
                        .filter_map(|&id| self.unigrams.get(id as usize))
                        .filter(|&&fid| fid != UNKNOWN),
                );
                continue;
            }
            for w in ids.windows(n) {
                if w.contains(&UNKNOWN) {
                    continue;
                }
                let key = pack(w);
                if !self.ngram_filter.may_contain(key) {
                    continue;
                }
                if let Some(&fid) = self.index.get(&key) {
                    fids.push(fid);
                }
            }
        }
        fids.sort_unstable();
        out.indices.clear();
        out.values.clear();
        let mut rest = fids.as_slice();
        while let Some(&fid) = rest.first() {
            let count = rest.iter().take_while(|&&f| f == fid).count();
            rest = &rest[count..];
            let value = match self.options.weighting {
                Weighting::Tfidf => (1.0 + (count as f32).ln()) * self.idf[fid as usize],
                Weighting::Binary => 1.0,
            };
            out.indices.push(fid);
            out.values.push(value);
        }
        if self.options.normalize {
            let norm = out.values.iter().map(|v| v * v).sum::<f32>().sqrt();
            if norm > 0.0 {
                out.values.iter_mut().for_each(|v| *v /= norm);
            }
        }
    }

    /// Featurizes many sentences in parallel, in order.
    pub fn transform_batch<S: AsRef<str> + Sync>(&self, texts: &[S]) -> Vec<SparseVec> {
        par_map_chunks(
            texts,
            256,
            &Pool::new(),
            || self.scratch(),
            |s, t| self.transform_with(s, t.as_ref()),
        )
    }

    /// Lays sparse rows out as a dense matrix with one column per feature.
    pub fn to_dense(&self, rows: &[SparseVec]) -> Array2<f32> {
        let width = self.len();
        let mut data = vec![0f32; rows.len() * width];
        if width > 0 {
            // Filling in parallel also spreads the page faults of a fresh buffer
            // (one per 4 KiB) over the cores.
            data.par_chunks_mut(width)
                .zip(rows.par_iter())
                .for_each(|(out, row)| {
                    for (&j, &v) in row.indices.iter().zip(&row.values) {
                        out[j as usize] = v;
                    }
                    // Read one value per page so that the pages left at zero are mapped
                    // here, in parallel, rather than one by one in the solver's first pass.
                    for x in out.iter().step_by(PAGE_FLOATS) {
                        std::hint::black_box(*x);
                    }
                });
        }
        Array2::from_shape_vec((rows.len(), width), data)
            .expect("the buffer has rows x width values")
    }
}

/// A pool of per-thread states (such as [`Scratch`] with its word cache), so that
/// parallel work reuses them instead of building them again for every chunk.
#[derive(Debug, Default)]
pub struct Pool<S> {
    free: std::sync::Mutex<Vec<S>>,
}

impl<S> Pool<S> {
    /// An empty pool.
    pub fn new() -> Self {
        Pool {
            free: std::sync::Mutex::new(Vec::new()),
        }
    }

    fn take(&self, make: &impl Fn() -> S) -> S {
        let reused = self.free.lock().map(|mut f| f.pop()).unwrap_or(None);
        reused.unwrap_or_else(make)
    }

    fn put(&self, state: S) {
        if let Ok(mut f) = self.free.lock() {
            f.push(state);
        }
    }
}

/// Maps `f` over `items` in parallel, in order, with one state per chunk of work,
/// taken from `pool` (or made by `make`) and given back after the chunk.
pub fn par_map_chunks<T: Sync, S: Send, R: Send>(
    items: &[T],
    min_chunk: usize,
    pool: &Pool<S>,
    make: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, &T) -> R + Sync,
) -> Vec<R> {
    let chunk = (items.len() / (rayon::current_num_threads() * 4))
        .max(min_chunk)
        .max(1);
    items
        .par_chunks(chunk)
        .flat_map_iter(|c| {
            let mut state = pool.take(&make);
            let out: Vec<R> = c.iter().map(|t| f(&mut state, t)).collect();
            pool.put(state);
            out
        })
        .collect()
}

/// Splits an n-gram key back into its term ids.
fn unpack(mut key: u64) -> Vec<u32> {
    let mut parts = Vec::with_capacity(MAX_NGRAM);
    while key != 0 {
        parts.push((key & ((1 << TERM_BITS) - 1)) as u32 - 1);
        key >>= TERM_BITS;
    }
    parts.reverse();
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(min_df: usize) -> FeaturizerOptions {
        FeaturizerOptions {
            min_df,
            analyzer: AnalyzerOptions {
                negation: true,
                stem: true,
            },
            cues: false,
            ..FeaturizerOptions::default()
        }
    }

    #[test]
    fn pack_roundtrip() {
        assert_eq!(unpack(pack(&[0, 5, 77])), vec![0, 5, 77]);
        assert_eq!(unpack(pack(&[3])), vec![3]);
        assert_ne!(pack(&[1, 2]), pack(&[2, 1]));
    }

    #[test]
    fn fit_builds_sorted_pruned_vocabulary() {
        let texts = [
            "Russia denied the claims.",
            "Moscow denied the claims again.",
            "A cat sat.",
        ];
        let f = Featurizer::fit(&opts(2), &texts).unwrap();
        assert_eq!(
            f.features(),
            &["claim", "deni", "deni the", "the", "the claim"]
        );
        // idf: ln((1+3)/(1+2)) + 1
        let expected = ((4.0f64 / 3.0).ln() + 1.0) as f32;
        assert!(f.idf().iter().all(|&v| (v - expected).abs() < 1e-6));
    }

    #[test]
    fn max_features_keeps_most_frequent() {
        let texts = ["a b c", "a b", "a"];
        let o = FeaturizerOptions {
            max_features: Some(2),
            min_df: 1,
            ngram_max: 1,
            ..opts(1)
        };
        let f = Featurizer::fit(&o, &texts).unwrap();
        assert_eq!(f.features(), &["a", "b"]);
    }

    #[test]
    fn transform_weights_and_normalizes() {
        let texts = ["deny deny claims", "claims made", "other words here"];
        let o = FeaturizerOptions {
            min_df: 1,
            ngram_max: 1,
            ..opts(1)
        };
        let f = Featurizer::fit(&o, &texts).unwrap();
        let v = f.transform("deny deny claims unknownword");
        assert_eq!(v.indices.len(), 2);
        let norm: f32 = v.values.iter().map(|x| x * x).sum();
        assert!((norm - 1.0).abs() < 1e-5);
        let deny = f.features().iter().position(|s| s == "deni").unwrap() as u32;
        let claim = f.features().iter().position(|s| s == "claim").unwrap() as u32;
        let get = |id| v.values[v.indices.iter().position(|&i| i == id).unwrap()];
        // deny: tf 2 -> 1 + ln 2, idf ln(4/2)+1; claims: tf 1, idf ln(4/3)+1
        let ratio = get(deny) / get(claim);
        let expected = (1.0 + 2f32.ln()) * (2f32.ln() + 1.0) / ((4f32 / 3.0).ln() + 1.0);
        assert!((ratio - expected).abs() < 1e-4, "{ratio} vs {expected}");
    }

    #[test]
    fn negation_changes_features() {
        let texts = ["he ruled out talks", "he did not rule out talks"];
        let f = Featurizer::fit(&opts(1), &texts).unwrap();
        assert!(f.features().iter().any(|s| s == "NOT_rule NOT_out"));
        assert_ne!(
            f.transform("ruled out talks"),
            f.transform("not ruled out talks")
        );
    }

    #[test]
    fn from_parts_roundtrip_matches() {
        let texts = [
            "Kyiv accused Moscow of shelling",
            "Moscow rejected the accusation",
        ];
        let f = Featurizer::fit(&opts(1), &texts).unwrap();
        let g =
            Featurizer::from_parts(f.options().clone(), f.features().to_vec(), f.idf().to_vec())
                .unwrap();
        assert_eq!(f.transform(texts[0]), g.transform(texts[0]));
    }

    #[test]
    fn cue_features_are_learned_and_applied() {
        let texts = [
            "Kyiv accused Moscow",
            "Rebels blamed the army",
            "Prices rose",
        ];
        let o = FeaturizerOptions {
            cues: true,
            ..opts(1)
        };
        let f = Featurizer::fit(&o, &texts).unwrap();
        let cue = f.features().iter().position(|s| s == "CUE_accuse").unwrap() as u32;
        // "alleged" is not in the vocabulary, but its cue family is.
        assert!(f.transform("The army alleged it").indices.contains(&cue));
        assert!(!f.transform("Prices fell").indices.contains(&cue));
    }

    #[test]
    fn invalid_options_are_rejected() {
        let bad = FeaturizerOptions {
            ngram_max: 4,
            ..FeaturizerOptions::default()
        };
        assert!(bad.validate().is_err());
        let bad = FeaturizerOptions {
            min_df: 0,
            ..FeaturizerOptions::default()
        };
        assert!(bad.validate().is_err());
        assert!(Featurizer::fit(&opts(5), &["only once"]).is_err());
    }
}
