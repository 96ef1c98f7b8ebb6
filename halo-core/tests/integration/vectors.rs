//! Reading the language-neutral vector files under `tests/vectors/`.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The repository's `tests/vectors/<area>` directory.
pub(crate) fn dir(area: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/vectors")
        .join(area)
}

/// Every `*.json` file under `dir`, recursively, sorted.
pub(crate) fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The cases of a vector file, with the file's `about` line checked present.
pub(crate) fn cases(path: &Path) -> Vec<Value> {
    let file: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let about = file["about"].as_str().unwrap_or_default();
    assert!(!about.is_empty(), "{}: missing `about`", path.display());
    file["cases"].as_array().unwrap().clone()
}

/// The value at a vector path such as `a.b[0].c` (keys contain no dots).
pub(crate) fn lookup<'a>(mut value: &'a Value, path: &str) -> Option<&'a Value> {
    for segment in path.split('.') {
        let (key, indexes) = segment
            .split_once('[')
            .map_or((segment, ""), |(k, rest)| (k, rest));
        if !key.is_empty() {
            value = value.get(key)?;
        }
        for index in indexes.split('[').filter(|s| !s.is_empty()) {
            value = value.get(index.trim_end_matches(']').parse::<usize>().ok()?)?;
        }
    }
    Some(value)
}
