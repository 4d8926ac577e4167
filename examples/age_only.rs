//! Follows line age over a repository's whole first-parent chain and nothing else: for profiling,
//! and for checking against `git blame --first-parent` on real repositories
//! (`tests/bench/blame.sh`).
//!
//!     cargo run --release --example age_only -- PATH [FILE...]
//!
//! Prints the time taken on stderr and, for each FILE (a path in the tip's tree), one line per
//! line of the file on stdout: `FILE<TAB>LINE<TAB>COMMIT`.

use std::io::Write;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| ".".into());
    let files: Vec<String> = args.collect();
    let opened = temper::mine::git::open(std::path::Path::new(&path), None)?;
    let started = std::time::Instant::now();
    let origins = temper::mine::churn::age::line_origins(&opened);
    let lines: usize = origins.values().map(|(_, l)| l.len()).sum();
    eprintln!(
        "{} files, {} lines followed in {:.2}s",
        origins.len(),
        lines,
        started.elapsed().as_secs_f64()
    );
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for file in files {
        let Some((_, ids)) = origins.get(&file) else {
            anyhow::bail!("{file}: not followed at the tip");
        };
        for (i, id) in ids.iter().enumerate() {
            writeln!(out, "{file}\t{}\t{id}", i + 1)?;
        }
    }
    Ok(())
}
