//! Builds a synthetic history in the Linux kernel's shape, for measuring temper at kernel scale
//! (the kernel itself, about 1.3 million commits, is not fetched here): a first-parent chain of
//! merges, each bringing in a topic branch of 5 to 25 commits made from the chain's tip, over
//! about 20 years of months, by 5,000 authors of 50 e-mail domains (a few make most commits), in
//! FILES files of LINES lines each at the start (60,000 x 166: about 10 million lines). Every
//! commit changes one to three files: a line replaced, a line inserted, or a line deleted.
//! Deterministic: the same arguments give the same commit ids.
//!
//!     cargo run --release --example synthetic_history -- OUT.git COMMITS [FILES] [LINES]
//!
//! Writes a bare repository at OUT.git through `git fast-import` (the stream is generated here
//! and piped; nothing else is needed). `tests/bench/kernel_scale.sh` builds the 200,000- and
//! 1,000,000-commit versions and measures temper beside `git log` on them.

use std::io::Write;
use std::process::{Command, Stdio};

/// xorshift64*: a small deterministic generator (no dependency needed for a benchmark input).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// The stream writer: blobs and commits with marks.
struct Stream<W: Write> {
    out: W,
    mark: u64,
}

impl<W: Write> Stream<W> {
    fn blob(&mut self, data: &[u8]) -> std::io::Result<u64> {
        self.mark += 1;
        write!(self.out, "blob\nmark :{}\ndata {}\n", self.mark, data.len())?;
        self.out.write_all(data)?;
        self.out.write_all(b"\n")?;
        Ok(self.mark)
    }

    /// A commit on `branch` with `parents` (marks; the first is `from`) and file changes
    /// (path, blob mark).
    fn commit(
        &mut self,
        branch: &str,
        (name, email, time): (&str, &str, i64),
        message: &str,
        parents: &[u64],
        files: &[(String, u64)],
    ) -> std::io::Result<u64> {
        self.mark += 1;
        write!(
            self.out,
            "commit refs/heads/{branch}\nmark :{}\nauthor {name} <{email}> {time} +0000\ncommitter {name} <{email}> {time} +0000\ndata {}\n{message}\n",
            self.mark,
            message.len()
        )?;
        if let Some(first) = parents.first() {
            writeln!(self.out, "from :{first}")?;
        }
        for p in parents.iter().skip(1) {
            writeln!(self.out, "merge :{p}")?;
        }
        for (path, blob) in files {
            writeln!(self.out, "M 100644 :{blob} {path}")?;
        }
        self.out.write_all(b"\n")?;
        Ok(self.mark)
    }
}

fn render(lines: &[u32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(lines.len() * 12);
    for id in lines {
        let _ = writeln!(out, "line {id};");
    }
    out
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: synthetic_history OUT.git COMMITS [FILES] [LINES]";
    let out = args.next().ok_or_else(|| anyhow::anyhow!(usage))?;
    let commits: u64 = args.next().ok_or_else(|| anyhow::anyhow!(usage))?.parse()?;
    let files: usize = args.next().map_or(Ok(60_000), |a| a.parse())?;
    let lines: usize = args.next().map_or(Ok(166), |a| a.parse())?;
    let status = Command::new("git")
        .args(["init", "-q", "--bare", &out])
        .status()?;
    anyhow::ensure!(status.success(), "git init failed");
    let mut child = Command::new("git")
        .args(["-C", &out, "fast-import", "--quiet", "--done"])
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdin(Stdio::piped())
        .spawn()?;
    let stdin = child
        .stdin
        .take()
        .ok_or_else(|| anyhow::anyhow!("no stdin"))?;
    let mut s = Stream {
        out: std::io::BufWriter::with_capacity(1 << 20, stdin),
        mark: 0,
    };
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let path = |f: usize| format!("d{:03}/f{:03}.c", f / 100, f % 100);
    let mut next_line: u32 = 0;
    let mut content: Vec<Vec<u32>> = (0..files)
        .map(|_| {
            (0..lines)
                .map(|_| {
                    next_line += 1;
                    next_line
                })
                .collect()
        })
        .collect();
    // 2005-04 to 2025-04, evenly.
    let (start, span) = (1_112_313_600i64, 20 * 365 * 86_400i64);
    let step = span / commits.max(1) as i64;
    let mut time = start;
    let author = |rng: &mut Rng| {
        // Squaring a uniform draw makes low ids (a few prolific authors) most frequent.
        let u = rng.below(1 << 20) as f64 / f64::from(1u32 << 20);
        let id = (u * u * 5000.0) as u64;
        (
            format!("Dev {id}"),
            format!("dev{id}@org{}.example", id % 50),
        )
    };
    let mut initial = Vec::with_capacity(files);
    for (f, c) in content.iter().enumerate() {
        initial.push((path(f), s.blob(&render(c))?));
    }
    let mut main = s.commit(
        "main",
        ("Dev 0", "dev0@org0.example", time),
        "initial import",
        &[],
        &initial,
    )?;
    let mut made = 1u64;
    let mut topic_no = 0u64;
    while made < commits {
        topic_no += 1;
        // One branch ref serves every topic: each topic's first commit names its parent.
        let branch = "topic";
        let len = 5 + rng.below(21);
        let mut tip = main;
        let mut touched: std::collections::BTreeMap<usize, u64> = Default::default();
        for _ in 0..len {
            if made + 1 >= commits {
                break;
            }
            time += step;
            let mut changes = Vec::new();
            for _ in 0..1 + rng.below(3) {
                let f = rng.below(files as u64) as usize;
                let c = &mut content[f];
                let at = rng.below(c.len().max(1) as u64) as usize;
                next_line += 1;
                match rng.below(3) {
                    0 if c.len() > 1 => {
                        c.remove(at);
                    }
                    1 => c.insert(at, next_line),
                    _ if !c.is_empty() => c[at] = next_line,
                    _ => c.push(next_line),
                }
                let blob = s.blob(&render(c))?;
                touched.insert(f, blob);
                changes.push((path(f), blob));
            }
            let (name, email) = author(&mut rng);
            tip = s.commit(
                branch,
                (&name, &email, time),
                &format!("change {made}"),
                &[tip],
                &changes,
            )?;
            made += 1;
        }
        time += step;
        // The merge's tree is the topic's (main did not move): its changes against main are
        // every file the topic touched, at the topic's last version.
        let merged: Vec<(String, u64)> = touched.iter().map(|(f, b)| (path(*f), *b)).collect();
        main = s.commit(
            "main",
            ("Maintainer", "maintainer@org0.example", time),
            &format!("Merge branch 'topic-{topic_no}'"),
            &[main, tip],
            &merged,
        )?;
        made += 1;
    }
    writeln!(s.out, "done")?;
    s.out.flush()?;
    drop(s);
    let status = child.wait()?;
    anyhow::ensure!(status.success(), "git fast-import failed");
    eprintln!("{out}: {made} commits, {topic_no} merges, {files} files");
    Ok(())
}
