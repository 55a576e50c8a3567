//! Imports flow one way in every crate: no module imports from a module that imports it
//! (docs/ARCHITECTURE.md). On failure the message names each circle and the lines closing it.

use quota_tests::imports::Graph;

#[test]
fn no_module_of_any_crate_imports_a_module_that_imports_it() {
    let root = quota_tests::workspace_root();
    let mut report = Vec::new();
    let mut modules = 0;
    for krate in ["shared/src", "backend/src", "frontend/src"] {
        let graph = Graph::of_crate(&root.join(krate)).expect("read the crate's sources");
        modules += graph.edges.len();
        for cycle in graph.cycles() {
            report.push(format!(
                "{krate}: {} import each other in a circle:\n    {}",
                cycle.join(", "),
                graph.describe(&cycle).join("\n    ")
            ));
        }
    }
    assert!(modules > 40, "the sources were found ({modules} modules)");
    assert!(report.is_empty(), "\n{}", report.join("\n"));
}
