//! The claimcat command line: parses arguments, calls the library, prints.

use claimcat::classify::{self, Filter, Format, InputFormat, RowWriter, StreamOptions};
use claimcat::metrics::{self, Report};
use claimcat::model::{Progress, Stage};
use claimcat::{Classifier, Columns, Error, LabeledData, TrainParams, Weighting};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// Label the claims in news articles: accusation, denial, threat, offer (or none).
///
/// Train a model on your labeled sentences, measure it, and run it over articles.
/// `classify` and `eval` use the built-in model unless you pass --model.
#[derive(Parser)]
#[command(
    name = "claimcat",
    version,
    about,
    long_about,
    args_override_self = true
)]
#[command(after_help = "Examples:
  claimcat classify data/articles/                     claim sentences of every article
  claimcat classify --all --format jsonl story.txt     every sentence, as JSON Lines
  claimcat train data/statements.csv -o my.json        train a model
  claimcat eval --model my.json data/holdout.csv       measure it
  claimcat eval data/statements.csv --folds 5          cross-validate the training options")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Train a model on a labeled CSV (a header row with text and label columns).
    Train(TrainArgs),
    /// Measure a model on a labeled CSV, or cross-validate training options with --folds.
    Eval(EvalArgs),
    /// Label the sentences of articles (plain-text files, folders of .txt files, or stdin).
    Classify(ClassifyArgs),
}

#[derive(Args)]
struct ColumnArgs {
    /// Name of the CSV column holding the sentence.
    #[arg(long, default_value = "text", value_name = "NAME")]
    text_column: String,
    /// Name of the CSV column holding the label.
    #[arg(long, default_value = "label", value_name = "NAME")]
    label_column: String,
}

impl ColumnArgs {
    fn columns(&self) -> Columns {
        Columns {
            text: self.text_column.clone(),
            label: self.label_column.clone(),
        }
    }
}

#[derive(Args)]
#[command(next_help_heading = "Training options")]
struct TrainOpts {
    /// Shortest word n-gram used as a feature [default: 1].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=3))]
    ngram_min: Option<u8>,
    /// Longest word n-gram used as a feature, 1 to 3 [default: 2].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=3))]
    ngram_max: Option<u8>,
    /// Keep only n-grams found in at least this many training sentences [default: 2].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    min_df: Option<u32>,
    /// Keep at most this many n-grams, the most frequent; 0: no cap [default: 20000].
    #[arg(long, value_name = "N")]
    max_features: Option<usize>,
    /// How feature counts are weighted [default: tfidf].
    #[arg(long, value_enum)]
    weighting: Option<Weighting>,
    /// Reduce words to their English stems ("accused" -> "accus"); cue words are
    /// matched on stems either way.
    #[arg(long)]
    stem: bool,
    /// Do not mark the words after "not", "never", "n't"... as negated.
    #[arg(long)]
    no_negation: bool,
    /// Do not add cue-word family features (accuse/blame/allege..., deny/reject..., ...).
    #[arg(long)]
    no_cues: bool,
    /// L2 regularization strength: larger values give a simpler, smoother model [default: 0.1].
    #[arg(long, value_name = "X", value_parser = positive_f64)]
    alpha: Option<f64>,
    /// Most solver iterations; training stops earlier once converged [default: 40].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    max_iter: Option<u64>,
    /// Seed for cross-validation folds; same data, options and seed give the same model,
    /// byte for byte [default: 42].
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Multiply a label's probability at prediction, e.g. `--prior none=2` when real text
    /// has more `none` sentences than the training data (repeatable).
    #[arg(long, value_name = "LABEL=WEIGHT", value_parser = parse_prior)]
    prior: Vec<(String, f64)>,
}

impl TrainOpts {
    fn params(&self) -> TrainParams {
        let mut p = TrainParams::default();
        let f = &mut p.featurizer;
        if let Some(v) = self.ngram_min {
            f.ngram_min = v as usize;
        }
        if let Some(v) = self.ngram_max {
            f.ngram_max = v as usize;
        }
        if let Some(v) = self.min_df {
            f.min_df = v as usize;
        }
        if let Some(v) = self.max_features {
            f.max_features = (v > 0).then_some(v);
        }
        if let Some(v) = self.weighting {
            f.weighting = v;
        }
        f.analyzer.stem |= self.stem;
        f.analyzer.negation &= !self.no_negation;
        f.cues &= !self.no_cues;
        if let Some(v) = self.alpha {
            p.alpha = v;
        }
        if let Some(v) = self.max_iter {
            p.max_iter = v;
        }
        if let Some(v) = self.seed {
            p.seed = v;
        }
        for (label, w) in &self.prior {
            p.priors.insert(label.clone(), *w);
        }
        p
    }
}

#[derive(Args)]
struct TrainArgs {
    /// Labeled CSV file to train on.
    data: PathBuf,
    /// Where to write the model (written atomically: a failed run leaves an existing file as it was).
    #[arg(short, long, value_name = "MODEL")]
    output: PathBuf,
    #[command(flatten)]
    columns: ColumnArgs,
    #[command(flatten)]
    opts: TrainOpts,
}

#[derive(Args)]
struct EvalArgs {
    /// Labeled CSV file to evaluate on.
    data: PathBuf,
    /// Model file to evaluate (default: the built-in model).
    #[arg(short, long, value_name = "MODEL", conflicts_with = "folds")]
    model: Option<PathBuf>,
    /// Instead of evaluating a model, cross-validate: train on K-1 folds, test on the
    /// K-th, K times (stratified by label, seeded).
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u32).range(2..))]
    folds: Option<u32>,
    /// Print one JSON object instead of tables.
    #[arg(long)]
    json: bool,
    /// Also write the sentences the model got wrong to this CSV file.
    #[arg(long, value_name = "FILE", conflicts_with = "folds")]
    errors: Option<PathBuf>,
    #[command(flatten)]
    columns: ColumnArgs,
    #[command(flatten)]
    opts: TrainOpts,
}

#[derive(Args)]
struct ClassifyArgs {
    /// Article files, folders of .txt files, or `-` for stdin (default: stdin).
    paths: Vec<PathBuf>,
    /// Model file (default: the built-in model).
    #[arg(short, long, value_name = "MODEL")]
    model: Option<PathBuf>,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "table")]
    format: Format,
    /// Show every sentence, not only those that make a claim.
    #[arg(short, long)]
    all: bool,
    /// Report a claim only when its probability is at least P (0 to 1); others count as none.
    #[arg(long, value_name = "P", default_value = "0", value_parser = probability)]
    min_confidence: f32,
    /// How to read the inputs: plain-text articles, or JSON Lines (one object per line).
    #[arg(long, value_enum, default_value = "text")]
    input: InputKind,
    /// With --input jsonl: the field holding the text.
    #[arg(long, value_name = "FIELD", default_value = "text")]
    text_field: String,
    /// With --input jsonl: a field copied to every output row as `id`.
    #[arg(long, value_name = "FIELD")]
    id_field: Option<String>,
    /// Take each document (or JSON record) as one sentence instead of splitting it.
    #[arg(long)]
    no_split: bool,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
    /// Multiply a label's probability, replacing the model's own weight for that label,
    /// e.g. `--prior none=2` for text where even fewer sentences make a claim (repeatable).
    #[arg(long, value_name = "LABEL=WEIGHT", value_parser = parse_prior)]
    prior: Vec<(String, f64)>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum InputKind {
    /// Each file (or stdin) is one plain-text article.
    Text,
    /// Each line is a JSON object holding a text (see --text-field, --id-field).
    Jsonl,
}

fn positive_f64(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!("`{s}` is not a positive number")),
    }
}

fn probability(s: &str) -> Result<f32, String> {
    match s.parse::<f32>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("`{s}` is not a probability between 0 and 1")),
    }
}

fn parse_prior(s: &str) -> Result<(String, f64), String> {
    let (label, w) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}` is not LABEL=WEIGHT (e.g. none=2)"))?;
    Ok((label.trim().to_string(), positive_f64(w.trim())?))
}

struct Spinner(ProgressBar);

impl Spinner {
    fn new() -> Spinner {
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} [{elapsed}]").expect("valid template"),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        Spinner(bar)
    }
}

impl Progress for Spinner {
    fn stage(&self, stage: Stage) {
        self.0.set_message(match stage {
            Stage::Vocabulary => "learning the vocabulary",
            Stage::Features => "featurizing sentences",
            Stage::WarmStart => "solving on sparse features",
            Stage::Fitting => "fitting the logistic regression",
        });
    }
}

fn load_data(path: &Path, columns: &ColumnArgs) -> claimcat::Result<LabeledData> {
    let data = LabeledData::from_csv(path, &columns.columns())?;
    if !data.skipped.is_empty() {
        let shown: Vec<String> = data
            .skipped
            .iter()
            .take(10)
            .map(|s| format!("{}:{} ({})", path.display(), s.line, s.reason))
            .collect();
        eprintln!(
            "warning: skipped {} row(s) with an empty text or label: {}{}",
            data.skipped.len(),
            shown.join(", "),
            if data.skipped.len() > 10 { ", ..." } else { "" }
        );
    }
    Ok(data)
}

fn train(args: &TrainArgs) -> claimcat::Result<()> {
    let data = load_data(&args.data, &args.columns)?;
    let params = args.opts.params();
    let spinner = Spinner::new();
    let (model, secs) = claimcat::model::timed(|| Classifier::train(&data, &params, &spinner));
    spinner.0.finish_and_clear();
    let model = model?;
    model.save(&args.output)?;
    println!(
        "trained on {} sentences from {}",
        data.len(),
        args.data.display()
    );
    for (label, n) in data.label_counts() {
        println!("  {label:<12} {n:>7}");
    }
    println!("vocabulary: {} features", model.featurizer().len());
    println!("training time: {secs:.2} s");
    println!("model written to {}", args.output.display());
    Ok(())
}

fn eval(args: &EvalArgs) -> claimcat::Result<()> {
    let data = load_data(&args.data, &args.columns)?;
    if let Some(k) = args.folds {
        let params = args.opts.params();
        let bar = ProgressBar::new(k as u64);
        bar.set_style(
            ProgressStyle::with_template("cross-validating {bar:30} fold {pos}/{len} [{elapsed}]")
                .expect("valid template"),
        );
        let report = metrics::cross_validate(&data, &params, k as usize, &|_| bar.inc(1))?;
        bar.finish_and_clear();
        if args.json {
            println!(
                "{}",
                serde_json::to_string_pretty(&report).expect("report serializes")
            );
        } else {
            print!("{}", report.to_table());
        }
        return Ok(());
    }
    let mut model = Classifier::load_or_builtin(args.model.as_deref())?;
    for (label, w) in &args.opts.prior {
        model.set_prior(label, *w)?;
    }
    let (report, mistakes) = Report::evaluate_with_errors(&model, &data);
    if let Some(path) = &args.errors {
        metrics::write_mistakes(path, &mistakes)?;
        eprintln!("{} mistakes written to {}", mistakes.len(), path.display());
    }
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("report serializes")
        );
    } else {
        println!(
            "{} on {}",
            args.model
                .as_deref()
                .map_or("built-in model".to_string(), |p| p.display().to_string()),
            args.data.display()
        );
        print!("{}", report.to_table());
    }
    Ok(())
}

fn classify(args: &ClassifyArgs) -> claimcat::Result<()> {
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n as usize)
            .build_global()
            .map_err(|e| Error::Params(format!("--threads: {e}")))?;
    }
    let mut model = Classifier::load_or_builtin(args.model.as_deref())?;
    for (label, w) in &args.prior {
        model.set_prior(label, *w)?;
    }
    let inputs = classify::collect_inputs(&args.paths)?;
    if inputs.contains(&classify::Input::Stdin) && std::io::stdin().is_terminal() {
        return Err(Error::Params(
            "no input: name article files or folders, or pipe text in (see claimcat classify --help)".into(),
        ));
    }
    let options = StreamOptions {
        input: match args.input {
            InputKind::Text => InputFormat::Text,
            InputKind::Jsonl => InputFormat::Jsonl {
                text_field: args.text_field.clone(),
                id_field: args.id_field.clone(),
            },
        },
        split: !args.no_split,
        filter: Filter {
            all: args.all,
            min_confidence: args.min_confidence,
        },
        ..StreamOptions::default()
    };
    let total: u64 = inputs
        .iter()
        .map(|i| match i {
            classify::Input::File(p) => std::fs::metadata(p).map_or(0, |m| m.len()),
            classify::Input::Stdin => 0,
        })
        .sum();
    let bar = if total > 16 << 20 {
        let bar = ProgressBar::new(total);
        bar.set_style(
            ProgressStyle::with_template(
                "{bar:30} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
            )
            .expect("valid template"),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let stdout = std::io::stdout().lock();
    let mut writer = RowWriter::new(
        args.format,
        std::io::BufWriter::with_capacity(1 << 16, stdout),
    );
    let result = classify::classify_stream(
        &model,
        &inputs,
        &options,
        &mut writer,
        &mut |w| bar.suspend(|| eprintln!("warning: {w}")),
        &|n| bar.inc(n),
    );
    bar.finish_and_clear();
    let finished = result.and_then(|_| {
        writer
            .finish()
            .map_err(|e| Error::io("<stdout>", "cannot write", e))
    });
    match finished {
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Train(a) => train(a),
        Command::Eval(a) => eval(a),
        Command::Classify(a) => classify(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            if matches!(e, Error::Params(_)) {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}
