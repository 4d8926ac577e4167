//! The `temper` binary: parse arguments, call the library, print results, map errors to exit
//! codes (0 success, 1 error, 2 usage). No work happens here.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};

use temper::cli::{self, Command, Global};
use temper::progress::Progress;
use temper::store::tables::{self, Format};

/// What the library logs as a warning (`log::warn!`: a stored table read afresh, a manifest not
/// read, a stage over the memory budget), on stderr as `temper: warning: ...`.
struct Warnings;

impl log::Log for Warnings {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.level() <= log::Level::Warn && metadata.target().starts_with("temper")
    }

    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) {
            // Names and paths in the message may come from a repository.
            let text = temper::text::terminal(&record.args().to_string(), 1000);
            note(format_args!("temper: warning: {text}"));
        }
    }

    fn flush(&self) {}
}

static WARNINGS: Warnings = Warnings;

fn main() -> ExitCode {
    if log::set_logger(&WARNINGS).is_ok() {
        log::set_max_level(log::LevelFilter::Warn);
    }
    let resolved = cli::parse().map_err(|failure| {
        // A run that could not start still tells its status file.
        let error = anyhow::Error::from(*failure.error);
        if let Some(file) = &failure.status {
            let now = chrono::Utc::now().timestamp();
            let status = temper::run::failed_status(now, now, &format!("{error:#}"));
            if let Err(e) = write_status(file, &status) {
                note(format_args!("temper: error: {e:#}"));
            }
        }
        error
    });
    match resolved.and_then(|(global, command)| run(global, command)) {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that stopped reading (`temper query ... | head`) is not an error, as with
        // ripgrep: end quietly.
        Err(e) if closed_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            note(format_args!("temper: error: {e:#}"));
            ExitCode::from(1)
        }
    }
}

/// Whether `e` comes from writing to a pipe whose reader has gone.
fn closed_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// A line on stderr; a stderr that cannot be written to is not worth failing for.
/// `temper list`: the stored repositories as a table or JSON, and a warning per damaged one.
fn list(dir: &std::path::Path, format: cli::SummaryFormat) -> Result<()> {
    let store = temper::store::Store::open(dir)?;
    let repos = store.repos()?;
    match format {
        cli::SummaryFormat::Table => emit(temper::store::listing(&repos).as_bytes())?,
        cli::SummaryFormat::Json => {
            let listed: Vec<temper::store::Listed> =
                repos.iter().map(temper::store::Listed::of).collect();
            let mut text = serde_json::to_vec_pretty(&listed).context("encoding the list")?;
            text.push(b'\n');
            emit(&text)?;
        }
    }
    for damaged in store.damaged() {
        let damaged = temper::text::terminal(&damaged, temper::text::TERMINAL_CELL_CHARS);
        note(format_args!(
            "temper: warning: repos/{damaged} is damaged (its live generation cannot be read) and is left out; `temper analyze` of that repository rebuilds it"
        ));
    }
    Ok(())
}

/// `temper deps`: the list on stdout, and the `run` configuration where asked.
fn deps(
    options: &temper::mine::deps::DepsOptions,
    listing: temper::mine::deps::Listing,
    config_out: Option<&std::path::Path>,
) -> Result<()> {
    let deps = temper::mine::deps::read(options)?;
    let text = temper::mine::deps::render(&deps, listing).context("encoding the list")?;
    if let Some(path) = config_out {
        let written_at = temper::text::rfc3339(chrono::Utc::now().timestamp());
        let config = temper::mine::deps::run_config(&deps, &written_at);
        temper::store::write_output(path, |f| f.write_all(config.as_bytes()))?;
    }
    emit(text.as_bytes())
}

fn note(line: std::fmt::Arguments<'_>) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Results on stdout; a full device is an error (exit 1), a closed pipe ends quietly.
fn emit(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .context("writing to standard output")
}

/// The notes `analyze` leaves on stderr: unchanged repositories, timings, data-quality findings.
fn note_outcomes(outcomes: &[temper::mine::analyze::RepoOutcome], timings: bool) {
    for outcome in outcomes {
        for change in &outcome.changes {
            // Paths and globs are the user's or the file system's text: no escapes reach the terminal.
            let change = temper::text::terminal(change, 1000);
            let what = match outcome.up_to_date {
                true => "the same history, so its tables stand",
                false => "its tables now follow the new setting",
            };
            note(format_args!(
                "temper: note: {}: {change}; {what}",
                outcome.summary.name
            ));
        }
        if outcome.up_to_date {
            note(format_args!(
                "temper: note: {}: unchanged since the stored run; nothing to mine",
                outcome.summary.name
            ));
        }
        if timings {
            note(format_args!(
                "temper: timings: {}",
                temper::mine::analyze::render_timings(outcome)
            ));
        }
        for line in temper::mine::analyze::finding_notes(outcome) {
            note(format_args!("temper: note: {line}"));
        }
    }
}

fn run(global: Global, command: Command) -> Result<()> {
    let progress = Progress::new(global.quiet);
    match command {
        Command::Analyze { options, format } => {
            let outcomes = temper::mine::analyze::analyze(&options, &progress)?;
            note_outcomes(&outcomes, global.timings);
            let text = match format {
                cli::SummaryFormat::Json => temper::mine::analyze::render_json(&outcomes),
                cli::SummaryFormat::Table => {
                    let summaries: Vec<_> = outcomes.into_iter().map(|o| o.summary).collect();
                    temper::mine::analyze::render_summaries(&summaries)
                }
            };
            emit(text.as_bytes())?;
        }
        Command::Export(options) => export(&options)?,
        Command::Report(options) => {
            let outcome = temper::read::report::write(&options)?;
            note(format_args!(
                "temper: report on {} written to {} ({} files)",
                outcome.repos.join(", "),
                options.out.display(),
                outcome.files.len()
            ));
        }
        Command::Dataset(options) => {
            let names = temper::store::dataset::write(&options)?;
            let what = match names.is_empty() {
                true => "no repository (the store holds none)".to_string(),
                false => names.join(", "),
            };
            note(format_args!(
                "temper: wrote {what} to {}",
                options.out.display()
            ));
        }
        Command::Query(options) => query(&options)?,
        Command::List(dir, format) => list(&dir, format)?,
        Command::Rm { store, names } => {
            let store = temper::store::Store::open(&store)?;
            let _lock = store.lock()?;
            store.remove_all(&names)?;
            for name in &names {
                let name = temper::text::terminal(name, temper::text::TERMINAL_CELL_CHARS);
                note(format_args!("temper: removed {name}"));
            }
        }
        Command::Mv { store, old, new } => {
            let store = temper::store::Store::open(&store)?;
            let _lock = store.lock()?;
            store.rename(&old, &new)?;
            let cell = |n: &str| temper::text::terminal(n, temper::text::TERMINAL_CELL_CHARS);
            note(format_args!(
                "temper: renamed {} to {}",
                cell(&old),
                cell(&new)
            ));
        }
        Command::Run { options, status } => {
            run_job(&options, status.as_deref(), &progress, global)?
        }
        Command::Deps {
            options,
            listing,
            config_out,
        } => deps(&options, listing, config_out.as_deref())?,
        Command::Completions(shell) => emit(&cli::completions(shell))?,
        Command::MineProject(options) => {
            if let Some(name) = options.repos.first().and_then(|r| r.name.as_deref()) {
                temper::store::fault_point(&format!("mine:{name}"));
            }
            let report = temper::run::mine_here(&options, &progress);
            emit(&serde_json::to_vec(&report).context("encoding the outcome")?)?;
        }
        Command::Man(out) => man(out.as_deref())?,
        Command::Chart(options) => {
            temper::read::chart::render(&options)
                .with_context(|| format!("chart {}", options.kind.name()))?;
        }
    }
    Ok(())
}

/// `man`: temper(1) on stdout, or every page into a directory.
fn man(out: Option<&std::path::Path>) -> Result<()> {
    match out {
        None => {
            let pages = cli::man_pages().context("rendering the man pages")?;
            emit(pages.first().map_or(&[][..], |(_, roff)| roff))
        }
        Some(dir) => {
            let n = cli::write_man_pages(dir)
                .with_context(|| format!("writing man pages to {}", dir.display()))?;
            note(format_args!(
                "temper: wrote {n} man pages to {}",
                dir.display()
            ));
            Ok(())
        }
    }
}

/// `export`: the table to `--out` (written atomically) or stdout (never Parquet to a terminal).
fn export(options: &temper::read::export::ExportOptions) -> Result<()> {
    let mut df = temper::read::export::export_frame(options)?;
    match &options.out {
        Some(path) => {
            temper::store::write_output(path, |w| {
                tables::write_as(&mut df, options.format, options.csv, w)
                    .map_err(|e| std::io::Error::other(e.to_string()))
            })
            .with_context(|| format!("writing {}", path.display()))?;
        }
        None => {
            if options.format == Format::Parquet && std::io::stdout().is_terminal() {
                bail!(
                    "refusing to write Parquet to a terminal; pass --out FILE or redirect stdout"
                );
            }
            let mut bytes = Vec::new();
            tables::write_as(&mut df, options.format, options.csv, &mut bytes)?;
            emit(&bytes)?;
        }
    }
    Ok(())
}

/// `query`: the SQL of a file or of `-e`, its result printed as a table, CSV or JSON.
fn query(options: &temper::cli::QueryOptions) -> Result<()> {
    let mut df = match (&options.file, &options.sql) {
        (Some(file), _) => temper::read::query::run_file(&options.store, file)?,
        (None, sql) => temper::read::query::run_sql(
            &options.store,
            std::path::Path::new("-e"),
            sql.as_deref().unwrap_or_default(),
        )?,
    };
    let mut bytes = Vec::new();
    match options.format {
        Some(format) => tables::write_as(&mut df, format, options.csv, &mut bytes)?,
        None => writeln!(bytes, "{}", tables::render_text(&df))?,
    }
    emit(&bytes)
}

/// `run`: the job, a timestamped line per project as it ends and one for the report (only the
/// failures with `--quiet`, on stderr), each project's timings if asked, the status file if
/// asked; exit 1 if any project failed.
fn run_job(
    options: &temper::run::RunOptions,
    status_file: Option<&std::path::Path>,
    progress: &Progress,
    global: Global,
) -> Result<()> {
    let mut written: Result<()> = Ok(());
    let mut log = |line: &str, failed: bool| {
        let stamped = format!(
            "{} {line}\n",
            temper::text::rfc3339(chrono::Utc::now().timestamp())
        );
        match (global.quiet, failed) {
            (false, _) => {
                if written.is_ok() {
                    written = emit(stamped.as_bytes());
                }
            }
            (true, true) => note(format_args!("{}", stamped.trim_end())),
            (true, false) => {}
        }
    };
    let result = temper::run::run(options, progress, &mut log);
    let finished = chrono::Utc::now().timestamp();
    if let Some(file) = status_file {
        let status = match &result {
            Ok(outcome) => outcome.status(finished),
            Err(e) => temper::run::failed_status(options.now, finished, &format!("{e:#}")),
        };
        write_status(file, &status)?;
    }
    let outcome = result?;
    for project in &outcome.projects {
        if let (true, temper::run::ProjectStatus::Mined(o)) = (global.timings, &project.status) {
            note(format_args!(
                "temper: timings: {}",
                temper::mine::analyze::render_timings(o)
            ));
        }
    }
    let failed = outcome.failures();
    if failed > 0 {
        bail!(
            "{failed} of {} projects failed (see above); the others are up to date",
            outcome.projects.len()
        );
    }
    // Only now: a reader that stopped reading the log must not hide a failure's exit code.
    written
}

/// Writes a run's status file, naming it in any error.
fn write_status(file: &std::path::Path, status: &temper::run::RunStatus) -> Result<()> {
    temper::run::write_status(file, status).with_context(|| format!("writing {}", file.display()))
}
