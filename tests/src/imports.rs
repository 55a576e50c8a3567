//! The import graph of a crate's modules, and its cycles: imports must flow one way
//! (docs/ARCHITECTURE.md, "Imports flow one way"). `tests/tests/imports.rs` checks the three
//! crates with it; `cargo test -p quota-tests --test imports` names any circle with the
//! lines that close it.
//!
//! A module is a file under `src/` (`a.rs` and `a/mod.rs` are `a`, `a/b.rs` is `a::b`); the
//! crate root (`lib.rs`, `main.rs`) only assembles and is left out. An edge is a path that
//! names another module or an item in it: `crate::a::X`, `super::X`, `self::child::X`, a
//! `use child::X` of a child module, and `alias::X` where `alias` was imported as a module.
//! Declaring `mod child;` is not an edge. Comments and `#[cfg(test)] mod tests` are ignored.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One import: the module it points to and where it is written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edge {
    pub to: String,
    pub line: usize,
}

/// The modules of one crate and the imports between them.
#[derive(Debug, Default)]
pub struct Graph {
    pub files: BTreeMap<String, PathBuf>,
    pub edges: BTreeMap<String, BTreeSet<Edge>>,
}

impl Graph {
    /// Reads every `.rs` file under `src`.
    pub fn of_crate(src: &Path) -> std::io::Result<Self> {
        let mut files = BTreeMap::new();
        collect(src, src, &mut files)?;
        let mut texts = BTreeMap::new();
        for (module, path) in &files {
            texts.insert(module.clone(), std::fs::read_to_string(path)?);
        }
        let mut graph = Self::from_sources(&texts);
        graph.files = files;
        Ok(graph)
    }

    /// Builds the graph from module names and their source text.
    pub fn from_sources(sources: &BTreeMap<String, String>) -> Self {
        let known: BTreeSet<String> = sources.keys().cloned().collect();
        let mut edges = BTreeMap::new();
        for (module, text) in sources {
            edges.insert(module.clone(), edges_of(module, text, &known));
        }
        Self {
            files: BTreeMap::new(),
            edges,
        }
    }

    /// Every set of modules that import each other in a circle (strongly connected components
    /// of more than one module), each sorted; empty when imports flow one way.
    pub fn cycles(&self) -> Vec<Vec<String>> {
        let nodes: Vec<&String> = self.edges.keys().collect();
        let index_of: BTreeMap<&String, usize> =
            nodes.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        let succ: Vec<Vec<usize>> = nodes
            .iter()
            .map(|n| {
                self.edges[*n]
                    .iter()
                    .filter_map(|e| index_of.get(&e.to).copied())
                    .collect()
            })
            .collect();
        let mut tarjan = Tarjan::new(nodes.len());
        for v in 0..nodes.len() {
            if tarjan.index[v].is_none() {
                tarjan.visit(v, &succ);
            }
        }
        let mut out: Vec<Vec<String>> = tarjan
            .components
            .into_iter()
            .filter(|c| c.len() > 1)
            .map(|c| {
                let mut names: Vec<String> = c.into_iter().map(|i| nodes[i].clone()).collect();
                names.sort();
                names
            })
            .collect();
        out.sort();
        out
    }

    /// The imports inside one cycle, as "from → to (line N)", for the failure message.
    pub fn describe(&self, cycle: &[String]) -> Vec<String> {
        let members: BTreeSet<&String> = cycle.iter().collect();
        let mut out = Vec::new();
        for from in cycle {
            for e in &self.edges[from] {
                if members.contains(&e.to) {
                    let file = self
                        .files
                        .get(from)
                        .map(|p| p.display().to_string())
                        .unwrap_or_else(|| from.clone());
                    out.push(format!("{from} → {} ({file}:{})", e.to, e.line));
                }
            }
        }
        out
    }
}

fn collect(root: &Path, dir: &Path, out: &mut BTreeMap<String, PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(root).unwrap_or(&path);
            let mut parts: Vec<String> = rel
                .iter()
                .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
                .collect();
            if parts.last().is_some_and(|l| l == "mod") {
                parts.pop();
            }
            if parts.len() == 1 && (parts[0] == "lib" || parts[0] == "main") {
                continue;
            }
            out.insert(parts.join("::"), path);
        }
    }
    Ok(())
}

/// The source without comments and without the `#[cfg(test)] mod …` block, line breaks kept.
fn strip(text: &str) -> String {
    let text = match find_test_module(text) {
        Some(at) => &text[..at],
        None => text,
    };
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut in_str = false;
    while i < b.len() {
        let c = b[i];
        if in_str {
            if c == b'\\' {
                out.push_str("  ");
                i += 2;
                continue;
            }
            if c == b'"' {
                in_str = false;
            }
            out.push(if c == b'\n' { '\n' } else { ' ' });
            i += 1;
        } else if c == b'"' {
            in_str = true;
            out.push(' ');
            i += 1;
        } else if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i += 2;
            while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                if b[i] == b'\n' {
                    out.push('\n');
                }
                i += 1;
            }
            i += 2;
        } else {
            // Keep multi-byte characters whole.
            let ch = text[i..].chars().next().unwrap_or(' ');
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

fn find_test_module(text: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(pos) = text[from..].find("#[cfg(test)]") {
        let at = from + pos;
        let rest = text[at + "#[cfg(test)]".len()..].trim_start();
        if rest.starts_with("mod ") {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Parses the path tree that starts at `chars[*i]`: `a::b::C`, `a::{b, c::D}`, `*`.
fn parse_tree(chars: &[char], i: &mut usize) -> Vec<Vec<String>> {
    skip_ws(chars, i);
    match chars.get(*i) {
        Some('{') => {
            *i += 1;
            let mut out = Vec::new();
            loop {
                skip_ws(chars, i);
                match chars.get(*i) {
                    None => break,
                    Some('}') => {
                        *i += 1;
                        break;
                    }
                    Some(',') => *i += 1,
                    Some(_) => {
                        let before = *i;
                        out.extend(parse_tree(chars, i));
                        if *i == before {
                            *i += 1;
                        }
                    }
                }
            }
            out
        }
        Some('*') => {
            *i += 1;
            vec![Vec::new()]
        }
        _ => {
            let start = *i;
            while chars.get(*i).is_some_and(|c| is_ident(*c)) {
                *i += 1;
            }
            if start == *i {
                return vec![Vec::new()];
            }
            let ident: String = chars[start..*i].iter().collect();
            if chars.get(*i) == Some(&':') && chars.get(*i + 1) == Some(&':') {
                *i += 2;
                parse_tree(chars, i)
                    .into_iter()
                    .map(|mut rest| {
                        rest.insert(0, ident.clone());
                        rest
                    })
                    .collect()
            } else {
                vec![vec![ident]]
            }
        }
    }
}

fn skip_ws(chars: &[char], i: &mut usize) {
    while chars.get(*i).is_some_and(|c| c.is_whitespace()) {
        *i += 1;
    }
}

/// The longest prefix of `path` (after `base`) that names a known module.
fn resolve(base: &[String], path: &[String], known: &BTreeSet<String>) -> Option<(String, bool)> {
    let mut full: Vec<String> = base.to_vec();
    full.extend(path.iter().filter(|s| *s != "self").cloned());
    for len in (1..=full.len()).rev() {
        let candidate = full[..len].join("::");
        if known.contains(&candidate) {
            return Some((candidate, len == full.len()));
        }
    }
    None
}

fn line_at(chars: &[char], i: usize) -> usize {
    chars[..i.min(chars.len())]
        .iter()
        .filter(|c| **c == '\n')
        .count()
        + 1
}

fn edges_of(module: &str, text: &str, known: &BTreeSet<String>) -> BTreeSet<Edge> {
    let chars: Vec<char> = strip(text).chars().collect();
    let here: Vec<String> = module.split("::").map(str::to_string).collect();
    let children: BTreeSet<String> = known
        .iter()
        .filter_map(|k| k.strip_prefix(&format!("{module}::")))
        .filter(|rest| !rest.contains("::"))
        .map(str::to_string)
        .collect();
    let mut edges = BTreeSet::new();
    // A child module is in scope by its bare name (`sqlite::SqliteStore` in `store/mod.rs`).
    let mut aliases: BTreeMap<String, Vec<String>> = children
        .iter()
        .map(|c| {
            let mut path = here.clone();
            path.push(c.clone());
            (c.clone(), path)
        })
        .collect();
    let add = |base: &[String],
               trees: Vec<Vec<String>>,
               line: usize,
               edges: &mut BTreeSet<Edge>,
               aliases: &mut BTreeMap<String, Vec<String>>| {
        for path in trees {
            if let Some((to, whole)) = resolve(base, &path, known) {
                if whole && let Some(last) = to.rsplit("::").next() {
                    aliases.insert(
                        last.to_string(),
                        to.split("::").map(str::to_string).collect(),
                    );
                }
                if to != module {
                    edges.insert(Edge { to, line });
                }
            }
        }
    };
    let mut i = 0;
    while i < chars.len() {
        let boundary = i == 0 || !(is_ident(chars[i - 1]) || chars[i - 1] == ':');
        let word_at = |w: &str| {
            let w: Vec<char> = w.chars().collect();
            chars.len() >= i + w.len() && chars[i..i + w.len()] == w[..]
        };
        if boundary && word_at("crate::") {
            let line = line_at(&chars, i);
            let mut j = i + "crate::".len();
            let trees = parse_tree(&chars, &mut j);
            add(&[], trees, line, &mut edges, &mut aliases);
            i = j.max(i + 1);
        } else if boundary && word_at("super::") {
            let line = line_at(&chars, i);
            let mut base = here.clone();
            let mut j = i;
            while chars.len() >= j + 7 && chars[j..j + 7].iter().collect::<String>() == "super::" {
                j += 7;
                base.pop();
            }
            let trees = parse_tree(&chars, &mut j);
            add(&base, trees, line, &mut edges, &mut aliases);
            i = j.max(i + 1);
        } else if boundary && word_at("self::") {
            let line = line_at(&chars, i);
            let mut j = i + "self::".len();
            let trees = parse_tree(&chars, &mut j);
            add(&here, trees, line, &mut edges, &mut aliases);
            i = j.max(i + 1);
        } else if boundary && word_at("use ") {
            // `use child::X` names a child module without a prefix.
            let mut j = i + 4;
            skip_ws(&chars, &mut j);
            let start = j;
            while chars.get(j).is_some_and(|c| is_ident(*c)) {
                j += 1;
            }
            let first: String = chars[start..j].iter().collect();
            if children.contains(&first) {
                let line = line_at(&chars, i);
                let mut k = start;
                let trees = parse_tree(&chars, &mut k);
                add(&here, trees, line, &mut edges, &mut aliases);
                i = k.max(i + 1);
            } else {
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    // Paths through a module imported by name: `use crate::pages;` then `pages::home::Home`.
    let mut i = 0;
    while i < chars.len() {
        let boundary = i == 0 || !(is_ident(chars[i - 1]) || chars[i - 1] == ':');
        if boundary && chars[i].is_ascii_alphabetic() {
            let start = i;
            let mut j = i;
            while chars.get(j).is_some_and(|c| is_ident(*c)) {
                j += 1;
            }
            let word: String = chars[start..j].iter().collect();
            if chars.get(j) == Some(&':')
                && chars.get(j + 1) == Some(&':')
                && let Some(base) = aliases.get(&word)
            {
                let line = line_at(&chars, i);
                let mut k = j + 2;
                let trees = parse_tree(&chars, &mut k);
                for path in trees {
                    if let Some((to, _)) = resolve(base, &path, known)
                        && to != module
                    {
                        edges.insert(Edge { to, line });
                    }
                }
                i = k.max(j);
            } else {
                i = j.max(i + 1);
            }
        } else {
            i += 1;
        }
    }
    edges
}

/// Tarjan's strongly connected components, iterative enough for module graphs.
struct Tarjan {
    next: usize,
    index: Vec<Option<usize>>,
    low: Vec<usize>,
    on_stack: Vec<bool>,
    stack: Vec<usize>,
    components: Vec<Vec<usize>>,
}

impl Tarjan {
    fn new(n: usize) -> Self {
        Self {
            next: 0,
            index: vec![None; n],
            low: vec![0; n],
            on_stack: vec![false; n],
            stack: Vec::new(),
            components: Vec::new(),
        }
    }

    fn visit(&mut self, v: usize, succ: &[Vec<usize>]) {
        self.index[v] = Some(self.next);
        self.low[v] = self.next;
        self.next += 1;
        self.stack.push(v);
        self.on_stack[v] = true;
        for &w in &succ[v] {
            match self.index[w] {
                None => {
                    self.visit(w, succ);
                    self.low[v] = self.low[v].min(self.low[w]);
                }
                Some(iw) if self.on_stack[w] => self.low[v] = self.low[v].min(iw),
                Some(_) => {}
            }
        }
        if Some(self.low[v]) == self.index[v] {
            let mut component = Vec::new();
            while let Some(w) = self.stack.pop() {
                self.on_stack[w] = false;
                component.push(w);
                if w == v {
                    break;
                }
            }
            self.components.push(component);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(files: &[(&str, &str)]) -> Graph {
        Graph::from_sources(
            &files
                .iter()
                .map(|(m, t)| (m.to_string(), t.to_string()))
                .collect(),
        )
    }

    #[test]
    fn a_circle_through_any_kind_of_path_is_found() {
        let g = graph(&[
            ("app", "use crate::pages;\nfn f() { pages::home::Home }"),
            ("pages", "pub mod home;"),
            ("pages::home", "use crate::app::Route;"),
            (
                "store",
                "pub use market::Draft;\nenum Db { S(sqlite::Pool) }",
            ),
            ("store::sqlite", "use super::error::E;"),
            ("store::error", ""),
            ("store::market", "use super::StoreError;"),
            ("clock", "// use crate::app;\n"),
            (
                "http",
                "use crate::{clock::Clock, store::{self}};\n#[cfg(test)]\nmod tests { use crate::app; }",
            ),
        ]);
        assert_eq!(
            g.cycles(),
            vec![
                vec!["app".to_string(), "pages::home".to_string()],
                vec!["store".to_string(), "store::market".to_string()],
            ]
        );
        assert!(g.edges["clock"].is_empty(), "comments are not imports");
        let store: Vec<&str> = g.edges["store"].iter().map(|e| e.to.as_str()).collect();
        assert_eq!(
            store,
            ["store::market", "store::sqlite"],
            "a child by its bare name"
        );
        let http: Vec<&str> = g.edges["http"].iter().map(|e| e.to.as_str()).collect();
        assert_eq!(http, ["clock", "store"], "test modules are not imports");
        assert_eq!(
            g.describe(&g.cycles()[0]),
            [
                "app → pages::home (app:2)",
                "pages::home → app (pages::home:1)"
            ]
        );
    }

    #[test]
    fn imports_that_flow_one_way_have_no_circle() {
        let g = graph(&[
            ("a", "use crate::b::X; use super::super::c;"),
            ("b", "use crate::c::{self, Y};\nfn f() { c::Z }"),
            ("c", "const S: &str = \"crate::a::X\";"),
        ]);
        assert!(g.cycles().is_empty(), "{:?}", g.edges);
    }
}
