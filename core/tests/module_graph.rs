//! The core's modules form no cycle: each reads alone, and the low layers (`world`, `key`,
//! `env`, `error`) could move into a smaller crate. Dependencies are read from the sources:
//! every `crate::<module>` outside comments and tests.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Cycles known and not cut yet: `source` resolves secret references through `secrets`,
/// whose caching source is itself a key source.
const KNOWN: &[(&str, &str)] = &[("secrets", "source")];

fn collect(dir: &Path, top: Option<&str>, graph: &mut BTreeMap<String, BTreeSet<String>>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let module = top.map_or_else(|| name.clone(), str::to_owned);
        if path.is_dir() {
            collect(&path, Some(&module), graph);
            continue;
        }
        if module == "lib" || name == "tests" {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap();
        let deps = graph.entry(module.clone()).or_default();
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for part in line.split("crate::").skip(1) {
                let dep: String = part
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if !dep.is_empty() && dep != module {
                    deps.insert(dep);
                }
            }
        }
    }
}

fn reaches(graph: &BTreeMap<String, BTreeSet<String>>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from.to_owned()];
    while let Some(m) = stack.pop() {
        for d in graph.get(&m).into_iter().flatten() {
            if d == to {
                return true;
            }
            if seen.insert(d.clone()) {
                stack.push(d.clone());
            }
        }
    }
    false
}

#[test]
fn core_modules_have_no_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph = BTreeMap::new();
    collect(&src, None, &mut graph);
    assert!(graph.len() > 10, "modules read: {graph:?}");
    for low in ["world", "key", "env", "error"] {
        assert!(graph.contains_key(low), "{low} not read");
    }
    let mut cycles = Vec::new();
    for (m, deps) in &graph {
        for d in deps {
            let known = KNOWN.contains(&(m.as_str(), d.as_str()))
                || KNOWN.contains(&(d.as_str(), m.as_str()));
            if m < d && !known && reaches(&graph, d, m) {
                cycles.push(format!("{m} -> {d} -> … -> {m}"));
            }
        }
    }
    assert!(cycles.is_empty(), "module cycles: {cycles:?}\n{graph:#?}");
    // The injected world depends on nothing else in the crate.
    assert_eq!(graph["world"], BTreeSet::new());
}
