//! The report's charts: which are drawn (the projects side by side, then each one's own), each
//! as a PNG in `charts/` and as SVG for the HTML, and the section each belongs with.

use std::path::{Path, PathBuf};

use super::ReportError;
use crate::month::Month;
use crate::read::chart::{self, Align, ChartKind, ChartOptions, ImageFormat, ThemeName};
use crate::store::StoreError;

/// One chart of the report: its PNG beside the report and its SVG for the HTML.
pub(super) struct Figure {
    pub(super) title: String,
    /// The PNG's path in the report folder (`charts/NAME.png`).
    pub(super) png: String,
    pub(super) svg: String,
    /// A second view of a chart shown open (the calendar-month versions): folded in the HTML.
    pub(super) extra: bool,
    /// The query of the section the chart illustrates (shown under that section's table).
    pub(super) section: &'static str,
}

/// The section a chart of the report belongs with, by its file stem.
fn section_of(stem: &str) -> &'static str {
    let ends = |suffix: &str| stem.ends_with(suffix);
    if ends("-loc") || ends("-language-share") {
        "queries/language_mix_now.sql"
    } else if ends("-classes") {
        "queries/findings_vendored.sql"
    } else if ends("-churn") {
        "queries/findings_new_code.sql"
    } else if ends("-age") {
        "queries/code_age_now.sql"
    } else {
        "queries/report_summary.sql"
    }
}

/// The report's charts of the `dated` projects (of `compared` in all): the side-by-side ones,
/// then each project's own; a project mined with `--activity-only` has no line charts.
pub(super) fn draw_figures(
    store: &Path,
    charts_dir: &Path,
    compared: &[String],
    dated: &[String],
    now: Option<Month>,
) -> Result<Vec<(Figure, PathBuf)>, ReportError> {
    // Each project keeps the colour of its place in the report, as on its decision card.
    let draw = |kind, chosen: &[String], align, stem: &str, class| {
        let at = Place {
            stem,
            class,
            now,
            palette: compared,
        };
        draw_figure(store, charts_dir, kind, chosen, align, &at)
    };
    let compared = compared.len();
    let mut out = Vec::new();
    if dated.is_empty() {
        return Ok(out);
    }
    let align = if compared > 1 {
        Align::Age
    } else {
        Align::Calendar
    };
    for (kind, align, stem) in [
        (ChartKind::LastYear, Align::Calendar, "last-year"),
        (ChartKind::Commits, align, "commits"),
        (ChartKind::Contributors, align, "contributors"),
    ] {
        out.push(draw(kind, dated, align, stem, None)?);
    }
    // Side by side, the same series in calendar time too: who was active when.
    if align == Align::Age {
        for (kind, stem) in [
            (ChartKind::Commits, "commits-calendar"),
            (ChartKind::Contributors, "contributors-calendar"),
        ] {
            let (mut figure, png) = draw(kind, dated, Align::Calendar, stem, None)?;
            figure.title = format!("{}, in calendar months", figure.title);
            figure.extra = true;
            out.push((figure, png));
        }
    }
    for repo in dated {
        let one = std::slice::from_ref(repo);
        // The language charts show the project's own code; the classes chart shows the rest.
        let own = Some(crate::mine::class::Class::Code);
        for (kind, what, class) in [
            (ChartKind::Loc, "loc", own),
            (ChartKind::LanguageShare, "language-share", own),
            (ChartKind::Classes, "classes", None),
            (ChartKind::Churn, "churn", own),
            (ChartKind::Age, "age", own),
        ] {
            let stem = format!("{repo}-{what}");
            match draw(kind, one, Align::Calendar, &stem, class) {
                Err(ReportError::Chart(
                    chart::ChartError::Empty(_)
                    | chart::ChartError::Store(StoreError::NotMined { .. }),
                )) => {}
                other => out.push(other?),
            }
        }
    }
    Ok(out)
}

/// Where a report's chart goes and what it shares with the others.
struct Place<'a> {
    /// Its file name without extension.
    stem: &'a str,
    class: Option<crate::mine::class::Class>,
    /// The report's as-of month: the chart's last.
    now: Option<Month>,
    /// The report's projects, whose order gives their colours.
    palette: &'a [String],
}

/// One chart as a PNG in `charts_dir` and as SVG for the HTML, its months ending with the
/// report's now.
fn draw_figure(
    store: &Path,
    charts_dir: &Path,
    kind: ChartKind,
    chosen: &[String],
    align: Align,
    at: &Place<'_>,
) -> Result<(Figure, PathBuf), ReportError> {
    let (stem, class, now) = (at.stem, at.class, at.now);
    let png = charts_dir.join(format!("{}.png", crate::store::dir_name(stem)));
    let options = ChartOptions {
        kind,
        store: store.to_path_buf(),
        repos: chosen.to_vec(),
        out: png.clone(),
        format: ImageFormat::Png,
        size: (1600, 900),
        theme: ThemeName::Light,
        title: None,
        since: None,
        until: now,
        align,
        class,
        by: chart::Period::Month,
        rolling: None,
        ymax: None,
        log: None,
        palette: at.palette.to_vec(),
    };
    let spec = chart::render(&options)?;
    let svg = chart::draw::svg(&spec, &options)?;
    let name = png
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let figure = Figure {
        title: spec.title,
        png: format!("charts/{name}"),
        svg,
        extra: false,
        section: section_of(stem),
    };
    Ok((figure, png))
}
