//! End-to-end tests of the `claimcat` command on real files, including bad input.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

fn claimcat() -> Command {
    Command::cargo_bin("claimcat").expect("binary builds")
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// A small training file: every 8th row of the shipped corpus.
fn small_corpus(dir: &TempDir) -> PathBuf {
    let mut reader = csv::Reader::from_path(repo("data/statements.csv")).unwrap();
    let path = dir.path().join("small.csv");
    let mut w = csv::Writer::from_path(&path).unwrap();
    w.write_record(["text", "label"]).unwrap();
    for (i, r) in reader.records().enumerate() {
        let r = r.unwrap();
        if i % 8 == 0 {
            w.write_record([&r[0], &r[1]]).unwrap();
        }
    }
    w.flush().unwrap();
    path
}

fn write(dir: &TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn train_small(dir: &TempDir, out: &str) -> PathBuf {
    let data = small_corpus(dir);
    let model = dir.path().join(out);
    claimcat()
        .args([
            "train",
            data.to_str().unwrap(),
            "-o",
            model.to_str().unwrap(),
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("vocabulary:"))
        .stdout(predicate::str::contains("accusation"))
        .stdout(predicate::str::contains("training time:"));
    model
}

#[test]
fn train_is_reproducible_byte_for_byte() {
    let dir = TempDir::new().unwrap();
    let a = train_small(&dir, "a.json");
    let b = train_small(&dir, "b.json");
    let (a, b) = (std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
    assert!(a.len() > 1000);
    assert_eq!(a, b);
}

#[test]
fn eval_json_has_every_figure() {
    let dir = TempDir::new().unwrap();
    let model = train_small(&dir, "m.json");
    let out = claimcat()
        .args([
            "eval",
            "--model",
            model.to_str().unwrap(),
            "data/holdout.csv",
            "--json",
        ])
        .current_dir(repo("."))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    for key in ["accuracy", "macro_f1", "weighted_f1", "labels", "confusion"] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    for label in ["accusation", "denial", "threat", "offer", "none"] {
        let l = &v["labels"][label];
        for key in ["precision", "recall", "f1", "support"] {
            assert!(l.get(key).is_some(), "missing {label}.{key}");
        }
    }
    let acc = v["accuracy"].as_f64().unwrap();
    assert!(acc > 0.4 && acc <= 1.0, "accuracy {acc}");
}

#[test]
fn eval_table_and_folds() {
    let dir = TempDir::new().unwrap();
    let data = small_corpus(&dir);
    claimcat()
        .args(["eval", data.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("macro F1"))
        .stdout(predicate::str::contains("confusion"));
    claimcat()
        .args([
            "eval",
            data.to_str().unwrap(),
            "--folds",
            "3",
            "--seed",
            "7",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("3-fold cross-validation"))
        .stdout(predicate::str::contains("F1 threat"));
}

#[test]
fn classify_formats() {
    let article = repo("data/articles");
    let out = claimcat()
        .args(["classify", "--format", "jsonl", "--all"])
        .arg(&article)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let rows: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(rows.len() > 50);
    for key in [
        "file",
        "sentence",
        "start",
        "end",
        "text",
        "label",
        "confidence",
        "scores",
    ] {
        assert!(rows[0].get(key).is_some(), "missing {key}");
    }
    assert!(rows.iter().any(|r| r["label"] == "none"));
    // Offsets point at the sentence in the source file.
    let first = &rows[0];
    let src = std::fs::read_to_string(first["file"].as_str().unwrap()).unwrap();
    let (s, e) = (
        first["start"].as_u64().unwrap() as usize,
        first["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&src[s..e], first["text"].as_str().unwrap());
    let sum: f64 = first["scores"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_f64().unwrap())
        .sum();
    assert!((sum - 1.0).abs() < 1e-3);

    // Default: claims only.
    let claims = claimcat()
        .args(["classify", "--format", "csv"])
        .arg(&article)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let claims = String::from_utf8(claims).unwrap();
    assert!(claims.starts_with("file,sentence,start,end,label,confidence,text"));
    assert!(!claims.lines().skip(1).any(|l| l.contains(",none,")));
    assert!(claims.lines().count() > 5);

    // A confidence floor of 1 leaves no claim.
    claimcat()
        .args(["classify", "--format", "csv", "--min-confidence", "1"])
        .arg(&article)
        .assert()
        .success()
        .stdout(
            predicate::eq("file,sentence,start,end,label,confidence,text\n").or(predicate::eq("")),
        );
}

#[test]
fn classify_reads_stdin_and_table() {
    claimcat()
        .args(["classify", "-"])
        .write_stdin("The ministry rejected the accusations as baseless. The weather was fine.")
        .assert()
        .success()
        .stdout(predicate::str::contains("denial"))
        .stdout(predicate::str::contains("weather").not());
}

#[test]
fn classify_invalid_utf8_article_warns_and_goes_on() {
    let dir = TempDir::new().unwrap();
    let p = write(
        &dir,
        "bad.txt",
        b"The army denied the report\xff. Prices rose.",
    );
    claimcat()
        .args(["classify", "--all"])
        .arg(&p)
        .assert()
        .success()
        .stderr(predicate::str::contains("bad.txt").and(predicate::str::contains("byte 26")))
        .stdout(predicate::str::contains("Prices rose."));
}

#[test]
fn bad_csv_inputs_get_clear_errors() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("m.json");
    let cases: Vec<(&str, &[u8], &str)> = vec![
        ("empty.csv", b"", "empty"),
        ("header.csv", b"text,label\n", "no usable rows"),
        (
            "ragged.csv",
            b"text,label\nA,none\nB,none,x\n",
            "ragged.csv:3",
        ),
        (
            "quote.csv",
            b"text,label\n\"open,none\nB,none\n",
            "quote.csv",
        ),
        ("utf8.csv", b"text,label\nA,none\nB\xfe,none\n", "byte 19"),
        ("cols.csv", b"sentence,tag\nA,none\n", "`sentence`, `tag`"),
        (
            "one.csv",
            b"text,label\nA,none\nB,none\n",
            "2 different labels",
        ),
        (
            "rare.csv",
            b"text,label\nA,none\nB,none\nC,threat\n",
            "`threat` (1)",
        ),
    ];
    for (name, bytes, needle) in cases {
        let p = write(&dir, name, bytes);
        claimcat()
            .args(["train", p.to_str().unwrap(), "-o", out.to_str().unwrap()])
            .assert()
            .code(1)
            .stderr(predicate::str::contains(needle).and(predicate::str::contains(name)));
    }
    assert!(!out.exists());
    let skipped = write(
        &dir,
        "skip.csv",
        b"text,label\nA b,none\n,none\nC d,threat\nE f,threat\nG h,none\n",
    );
    claimcat()
        .args([
            "train",
            skipped.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--min-df",
            "1",
        ])
        .assert()
        .success()
        .stderr(
            predicate::str::contains("skipped 1 row").and(predicate::str::contains("skip.csv:3")),
        );
}

#[test]
fn missing_paths_and_folders() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("m.json");
    claimcat()
        .args(["train", "no/such.csv", "-o", out.to_str().unwrap()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no/such.csv"));
    claimcat()
        .args([
            "train",
            dir.path().to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("folder"));
    claimcat()
        .args(["classify", "no/such.txt"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no/such.txt"));
}

#[test]
fn output_is_atomic_and_never_clobbered_by_a_failure() {
    let dir = TempDir::new().unwrap();
    let data = small_corpus(&dir);
    let missing = dir.path().join("nope/m.json");
    claimcat()
        .args([
            "train",
            data.to_str().unwrap(),
            "-o",
            missing.to_str().unwrap(),
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("folder does not exist"));
    let existing = write(&dir, "keep.json", b"precious");
    let bad = write(&dir, "bad.csv", b"text,label\nA,none\n");
    claimcat()
        .args([
            "train",
            bad.to_str().unwrap(),
            "-o",
            existing.to_str().unwrap(),
        ])
        .assert()
        .code(1);
    assert_eq!(std::fs::read(&existing).unwrap(), b"precious");
    let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(leftovers, 3, "no temporary files left behind");
}

#[test]
fn bad_model_files_get_clear_errors() {
    let dir = TempDir::new().unwrap();
    let good = std::fs::read(repo("models/claimcat.json")).unwrap();
    let newer = String::from_utf8(good.clone()).unwrap().replacen(
        "\"format_version\":1",
        "\"format_version\":7",
        1,
    );
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "truncated.json",
            good[..good.len() / 3].to_vec(),
            "truncated",
        ),
        (
            "garbage.json",
            b"\x00\x01garbage".to_vec(),
            "not a claimcat model",
        ),
        (
            "csv.json",
            b"text,label\nA,none\n".to_vec(),
            "not a claimcat model",
        ),
        ("newer.json", newer.into_bytes(), "newer"),
        ("empty.json", Vec::new(), "empty"),
    ];
    for (name, bytes, needle) in cases {
        let p = write(&dir, name, &bytes);
        claimcat()
            .args(["classify", "--model", p.to_str().unwrap(), "-"])
            .write_stdin("Moscow denied it.")
            .assert()
            .code(1)
            .stderr(predicate::str::contains(needle).and(predicate::str::contains(name)));
    }
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        vec!["classify", "--bogus"],
        vec!["eval", "data/holdout.csv", "--folds", "1"],
        vec!["classify", "--min-confidence", "1.5", "-"],
        vec!["classify", "--min-confidence", "-0.1", "-"],
        vec!["train", "x.csv"],
        vec!["train", "x.csv", "-o", "m.json", "--alpha", "0"],
        vec!["train", "x.csv", "-o", "m.json", "--ngram-max", "4"],
    ] {
        claimcat()
            .args(&args)
            .current_dir(repo("."))
            .assert()
            .code(2)
            .stderr(predicate::str::is_empty().not());
    }
}

#[test]
fn help_is_written_for_people() {
    claimcat()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "accusation, denial, threat, offer",
        ))
        .stdout(predicate::str::contains("Examples:"));
    for sub in ["train", "eval", "classify"] {
        claimcat().args([sub, "--help"]).assert().success();
    }
}

#[test]
fn classify_jsonl_input_keeps_ids_and_order() {
    let input = "{\"id\": 7, \"body\": \"The ministry rejected the accusations as baseless. Prices rose.\"}\n\n{\"id\": \"b\", \"body\": \"Rain fell.\"}\n";
    let out = claimcat()
        .args([
            "classify",
            "--input",
            "jsonl",
            "--text-field",
            "body",
            "--id-field",
            "id",
            "--format",
            "jsonl",
            "--all",
            "--threads",
            "2",
        ])
        .write_stdin(input)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let rows: Vec<serde_json::Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["id"], 7);
    assert_eq!(rows[0]["file"], "<stdin>:1");
    assert_eq!(rows[1]["text"], "Prices rose.");
    assert_eq!(rows[2]["id"], "b");
    assert_eq!(rows[2]["file"], "<stdin>:3");

    let whole = claimcat()
        .args([
            "classify",
            "--input",
            "jsonl",
            "--text-field",
            "body",
            "--no-split",
            "--format",
            "csv",
            "--all",
        ])
        .write_stdin(input)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        String::from_utf8(whole).unwrap().lines().count(),
        3,
        "header and one row per record"
    );
}

#[test]
fn classify_jsonl_errors_name_the_line() {
    claimcat()
        .args(["classify", "--input", "jsonl"])
        .write_stdin("{\"text\": \"ok\"}\n{\"body\": \"x\"}\n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("<stdin>:2").and(predicate::str::contains("body")));
    claimcat()
        .args(["classify", "--input", "jsonl"])
        .write_stdin("{not json\n")
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("<stdin>:1").and(predicate::str::contains("not valid JSON")),
        );
}

#[test]
fn classify_output_order_is_input_order() {
    let dir = TempDir::new().unwrap();
    let mut expected = Vec::new();
    for i in 0..40 {
        let name = format!("a{i:02}.txt");
        write(
            &dir,
            &name,
            format!("Story {i} begins. Officials said it would respond.").as_bytes(),
        );
        expected.push(dir.path().join(name).display().to_string());
    }
    let out = claimcat()
        .args(["classify", "--all", "--format", "jsonl", "--threads", "2"])
        .arg(dir.path())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let files: Vec<String> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["file"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let mut seen = files.clone();
    seen.dedup();
    assert_eq!(seen, expected);
}

#[test]
fn classify_prior_shifts_claims_to_none() {
    let article = repo("data/articles");
    let count = |extra: &[&str]| {
        let out = claimcat()
            .args(["classify", "--format", "jsonl"])
            .args(extra)
            .arg(&article)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out).unwrap().lines().count()
    };
    let default = count(&[]);
    let stricter = count(&["--prior", "none=20"]);
    let looser = count(&["--prior", "none=0.5"]);
    assert!(stricter < default, "{stricter} vs {default}");
    assert!(looser > default, "{looser} vs {default}");
    claimcat()
        .args(["classify", "--prior", "nothing=2"])
        .arg(&article)
        .assert()
        .failure()
        .stderr(predicate::str::contains("no label `nothing`"));
}
