//! Speed of each stage: sentence splitting, featurizing, prediction and training.
//!
//! Run with `cargo bench`; a single stage with e.g. `cargo bench -- predict`.

use claimcat::split::SentenceSplitter;
use claimcat::{Classifier, Columns, LabeledData, TrainParams};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;

fn corpus() -> LabeledData {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/statements.csv");
    LabeledData::from_csv(&path, &Columns::default()).expect("data/statements.csv loads")
}

fn articles() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/articles");
    claimcat::classify::collect_inputs(&[dir])
        .unwrap()
        .iter()
        .map(|input| claimcat::classify::read_article(input).unwrap().text)
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn benches(c: &mut Criterion) {
    let model = Classifier::builtin().unwrap();
    let data = corpus();
    let text = articles();

    let mut g = c.benchmark_group("split");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("articles", |b| {
        b.iter(|| {
            let mut n = 0;
            SentenceSplitter::new().split_into(black_box(&text), |_| n += 1);
            n
        })
    });
    g.finish();

    let sentences: Vec<&str> = data.texts.iter().take(2000).map(String::as_str).collect();
    let bytes: usize = sentences.iter().map(|s| s.len()).sum();
    let mut g = c.benchmark_group("featurize");
    g.throughput(Throughput::Elements(sentences.len() as u64));
    g.bench_function("sentences", |b| {
        let mut scratch = model.featurizer().scratch();
        let mut out = claimcat::features::SparseVec::default();
        b.iter(|| {
            for s in &sentences {
                model
                    .featurizer()
                    .transform_into(&mut scratch, black_box(s), &mut out);
            }
        })
    });
    g.finish();

    let mut g = c.benchmark_group("predict");
    g.throughput(Throughput::Elements(1));
    g.bench_function("one_sentence", |b| {
        b.iter(|| {
            model.predict(black_box(
                "The ministry rejected the accusations as baseless, a spokesman said.",
            ))
        })
    });
    g.throughput(Throughput::Elements(sentences.len() as u64));
    g.bench_function("batch_single_thread", |b| {
        let mut scratch = model.featurizer().scratch();
        let mut out = claimcat::features::SparseVec::default();
        let mut scores = Vec::new();
        b.iter(|| {
            let mut claims = 0;
            for s in &sentences {
                model
                    .featurizer()
                    .transform_into(&mut scratch, black_box(s), &mut out);
                claims += model.predict_into(&out, &mut scores);
            }
            claims
        })
    });
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("batch_parallel", |b| {
        b.iter(|| model.predict_batch(black_box(&sentences)))
    });
    g.finish();

    let mut g = c.benchmark_group("classify_text");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("articles_single_thread", |b| {
        let article = claimcat::classify::Article {
            name: "bench".into(),
            text: text.clone(),
            warning: None,
        };
        let filter = claimcat::classify::Filter {
            all: true,
            min_confidence: 0.0,
        };
        // One scratch for every run, as `classify` keeps one per thread across articles.
        let mut scratch = model.featurizer().scratch();
        b.iter(|| {
            claimcat::classify::classify_article_with(
                &model,
                &mut scratch,
                black_box(&article),
                filter,
            )
            .len()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("train");
    g.sample_size(10);
    g.measurement_time(std::time::Duration::from_secs(60));
    let params = TrainParams::default();
    g.bench_function("statements_csv", |b| {
        b.iter_batched(
            || data.clone(),
            |d| Classifier::train(&d, &params, &()).unwrap(),
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(all, benches);
criterion_main!(all);
