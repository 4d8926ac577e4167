//! The `temper` binary: parse arguments, call the library, print results, map errors to exit
//! codes (0 success, 1 error, 2 usage). No work happens here.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};

use temper::cli::{self, Command, Global};
use temper::progress::Progress;
use temper::tables::{self, Format};

fn main() -> ExitCode {
    let (global, command) = cli::parse();
    match run(global, command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("temper: error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn run(global: Global, command: Command) -> Result<()> {
    let progress = Progress::new(global.quiet);
    match command {
        Command::Analyze(options) => {
            let outcomes = temper::analyze::analyze(&options, &progress)?;
            for outcome in &outcomes {
                if outcome.up_to_date {
                    eprintln!(
                        "temper: note: {}: unchanged since the stored run; nothing to mine",
                        outcome.summary.name
                    );
                }
                if global.timings {
                    eprintln!(
                        "temper: timings: {}",
                        temper::analyze::render_timings(outcome)
                    );
                }
                for note in temper::analyze::finding_notes(outcome) {
                    eprintln!("temper: note: {note}");
                }
            }
            let summaries: Vec<_> = outcomes.into_iter().map(|o| o.summary).collect();
            print!("{}", temper::analyze::render_summaries(&summaries));
        }
        Command::Export(options) => {
            let mut df = temper::export::export_frame(&options)?;
            match &options.out {
                Some(path) => {
                    temper::store::write_output(path, |w| {
                        tables::write_as(&mut df, options.format, w)
                            .map_err(|e| std::io::Error::other(e.to_string()))
                    })
                    .with_context(|| format!("writing {}", path.display()))?;
                }
                None => {
                    let stdout = std::io::stdout();
                    if options.format == Format::Parquet && stdout.is_terminal() {
                        bail!("refusing to write Parquet to a terminal; pass --out FILE or redirect stdout");
                    }
                    let mut lock = stdout.lock();
                    tables::write_as(&mut df, options.format, &mut lock)?;
                    lock.flush()?;
                }
            }
        }
        Command::Report(options) => {
            let outcome = temper::report::write(&options)?;
            eprintln!(
                "temper: report on {} written to {} ({} files)",
                outcome.repos.join(", "),
                options.out.display(),
                outcome.files.len()
            );
        }
        Command::Dataset(options) => {
            let names = temper::dataset::write(&options)?;
            eprintln!(
                "temper: wrote {} to {}",
                names.join(", "),
                options.out.display()
            );
        }
        Command::Query(options) => {
            let mut df = temper::query::run_file(&options.store, &options.file)?;
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            match options.format {
                Some(format) => tables::write_as(&mut df, format, &mut lock)?,
                None => writeln!(lock, "{}", tables::render_text(&df))?,
            }
            lock.flush()?;
        }
        Command::Run(request) => {
            let options = temper::run::options(
                &request.config,
                request.store,
                request.out,
                request.threads,
                chrono::Utc::now().timestamp(),
            )?;
            let outcome = temper::run::run(&options, &progress)?;
            for (_, status, _, _) in &outcome.projects {
                if let (true, temper::run::ProjectStatus::Mined(o)) = (global.timings, status) {
                    eprintln!("temper: timings: {}", temper::analyze::render_timings(o));
                }
            }
            print!("{}", temper::run::render(&outcome));
            let failed = outcome.failures();
            if failed > 0 {
                bail!(
                    "{failed} of {} projects failed (see above); the others are up to date",
                    outcome.projects.len()
                );
            }
        }
        Command::Chart(options) => {
            temper::chart::render(&options)
                .with_context(|| format!("chart {}", options.kind.name()))?;
        }
    }
    Ok(())
}
