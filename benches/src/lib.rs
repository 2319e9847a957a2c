//! Benchmarks live in `benches/`; the ratio table printer in `src/bin/ratios.rs`.
