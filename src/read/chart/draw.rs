//! Drawing a [`ChartSpec`] with plotters, the same code for PNG and SVG.
//!
//! Layout, for a slide: a title and a subtitle across the top, the plot on the left, and the
//! legend in its own column on the right, so it never covers data. Text sizes scale with the
//! image height (at 1600x900 the title is 44 px, tick labels 24 px) and use the shipped font.
//! Month ticks fall on Januaries, every year or every few years so that a 20-year history keeps
//! about ten readable labels; numbers have thousands separators.

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::glyphs;
use super::theme::{self, Rgb, Theme, FONT_FAMILY};
use super::{ChartError, ChartOptions, ChartSpec, ImageFormat, Plot, Series, XAxis};
use crate::text::thousands;

fn color(c: Rgb) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

fn draw_error(e: impl std::fmt::Display) -> ChartError {
    ChartError::Draw(e.to_string())
}

/// Renders `spec` into `options.out` as PNG or SVG, written atomically.
pub fn write(spec: &ChartSpec, options: &ChartOptions) -> Result<(), ChartError> {
    theme::register_font();
    let theme = Theme::new(options.theme);
    let (w, h) = options.size;
    let io = |source| ChartError::Write {
        path: options.out.clone(),
        source,
    };
    match options.format {
        ImageFormat::Svg => {
            let text = svg(spec, options)?;
            crate::store::write_output(&options.out, |out| out.write_all(text.as_bytes())).map_err(
                |e| match e {
                    crate::store::StoreError::Io { source, .. } => io(source),
                    other => ChartError::Store(other),
                },
            )
        }
        ImageFormat::Png => {
            let mut pixels = vec![0u8; w as usize * h as usize * 3];
            {
                let bitmap = BitMapBackend::with_buffer(&mut pixels, (w, h));
                let root = super::glyphs::Kerned(bitmap).into_drawing_area();
                draw(&root, spec, &theme, (w, h))?;
                root.present().map_err(draw_error)?;
            }
            crate::store::write_output(&options.out, |out| {
                let mut encoder = png::Encoder::new(out, w, h);
                encoder.set_color(png::ColorType::Rgb);
                encoder.set_depth(png::BitDepth::Eight);
                let mut writer = encoder.write_header().map_err(std::io::Error::other)?;
                writer
                    .write_image_data(&pixels)
                    .map_err(std::io::Error::other)?;
                writer.finish().map_err(std::io::Error::other)
            })
            .map_err(|e| match e {
                crate::store::StoreError::Io { source, .. } => io(source),
                other => ChartError::Store(other),
            })
        }
    }
}

/// Renders `spec` as an SVG document (text stays text, escaped by plotters), with a tooltip
/// per month of a series chart: the month and what each series holds in it.
pub fn svg(spec: &ChartSpec, options: &ChartOptions) -> Result<String, ChartError> {
    theme::register_font();
    let theme = Theme::new(options.theme);
    let (w, h) = options.size;
    let mut text = String::new();
    let tips;
    {
        let root = SVGBackend::with_string(&mut text, (w, h)).into_drawing_area();
        tips = draw(&root, spec, &theme, (w, h))?;
        root.present().map_err(draw_error)?;
    }
    Ok(with_tips(&text, &tips))
}

use std::io::Write;

/// Sizes relative to a 900 px high image.
struct Scale(f64);

impl Scale {
    fn px(&self, v: f64) -> u32 {
        (v * self.0).round().max(1.0) as u32
    }

    fn font(&self, size: f64, c: Rgb) -> TextStyle<'static> {
        let mut style = TextStyle::from((FONT_FAMILY, size * self.0).into_font());
        style.color = color(c).to_backend_color();
        style
    }
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    spec: &ChartSpec,
    theme: &Theme,
    (w, h): (u32, u32),
) -> Result<Vec<Tip>, ChartError> {
    let s = Scale(f64::from(h) / 900.0);
    root.fill(&color(theme.background)).map_err(draw_error)?;
    let (header, body) = root.split_vertically(s.px(120.0));
    header
        .draw(&Text::new(
            spec.title.clone(),
            (s.px(40.0) as i32, s.px(24.0) as i32),
            s.font(44.0, theme.text),
        ))
        .map_err(draw_error)?;
    header
        .draw(&Text::new(
            spec.subtitle.clone(),
            (s.px(40.0) as i32, s.px(80.0) as i32),
            s.font(24.0, theme.axis),
        ))
        .map_err(draw_error)?;
    match &spec.plot {
        Plot::Bars { categories, panels } => {
            draw_bars(&body, categories, panels, theme, &s).map(|()| Vec::new())
        }
        plot => {
            let legend_w = (f64::from(w) * 0.2) as u32;
            let (plot_area, legend_area) = body.split_horizontally(w - legend_w);
            let entries = legend_entries(plot, theme);
            let tips = draw_series_chart(&plot_area, spec, plot, theme, &s)?;
            draw_legend(&legend_area, &entries, theme, &s)?;
            Ok(tips)
        }
    }
}

/// A hover target of the SVG: one month's column of the plot, with what each series holds there.
pub struct Tip {
    x: i32,
    y: i32,
    w: i32,
    h: i32,
    text: String,
}

/// What position `i` of the axis is called in a tooltip: `2020-03`, `2020-Q1`, `2020`.
fn month_name(x: &XAxis, i: usize) -> String {
    match *x {
        XAxis::Months { first, period, .. } => {
            period.name(first.minus(-(i as i32 * period.months())))
        }
        XAxis::MonthsSince { period, .. } => {
            format!("{} {} since the first commit", period.noun(), i + 1)
        }
    }
}

/// A value in a tooltip: a percentage on percent charts (whose values are percentages already),
/// else a whole number.
fn tip_value(v: f64, percent: bool) -> String {
    match percent {
        true => format!("{v:.1} %"),
        false if v.fract() == 0.0 => crate::text::thousands(v.abs() as u64),
        false => format!("{v:.1}"),
    }
}

/// Each month's values of `plot`, as tooltip texts (empty for a month without any).
fn month_texts(spec: &ChartSpec, plot: &Plot) -> Vec<String> {
    let n = spec.x.len();
    let mut out: Vec<Vec<String>> = vec![Vec::new(); n];
    let mut add = |i: usize, name: &str, v: Option<f64>, percent: bool| {
        if let (Some(v), Some(cell)) = (v, out.get_mut(i)) {
            cell.push(format!("{name} {}", tip_value(v, percent)));
        }
    };
    match plot {
        Plot::Stacked { series, percent } => {
            for se in series.iter().rev() {
                for (i, v) in se.values.iter().enumerate() {
                    add(i, &se.name, *v, *percent);
                }
            }
        }
        Plot::Lines { series } => {
            for se in series {
                for (i, v) in se.values.iter().enumerate() {
                    add(i, &se.name, *v, false);
                }
            }
        }
        Plot::Churn {
            added,
            removed,
            share,
        } => {
            for i in 0..n {
                add(i, "added", added.get(i).copied().flatten(), false);
                add(i, "removed", removed.get(i).copied().flatten(), false);
                // The share is a fraction; the tooltip says it in percent.
                let share = share.get(i).copied().flatten().map(|s| s * 100.0);
                add(i, "new code", share, true);
            }
        }
        Plot::Bars { .. } => {}
    }
    out.into_iter()
        .enumerate()
        .map(|(i, cells)| match cells.is_empty() {
            true => String::new(),
            false => format!("{}: {}", month_name(&spec.x, i), cells.join(", ")),
        })
        .collect()
}

/// `svg` with a transparent hover target per tip before its end: a browser shows the month's
/// values as a tooltip. Repository text in tips (series names) is escaped.
fn with_tips(svg: &str, tips: &[Tip]) -> String {
    let Some(end) = svg.rfind("</svg>") else {
        return svg.to_string();
    };
    let mut out = String::with_capacity(svg.len() + tips.len() * 120);
    out.push_str(&svg[..end]);
    out.push_str("<g fill=\"#000\" fill-opacity=\"0\">");
    for t in tips.iter().filter(|t| !t.text.is_empty()) {
        out.push_str(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{}</title></rect>",
            t.x,
            t.y,
            t.w,
            t.h,
            crate::text::html(&crate::text::xml_safe(&t.text))
        ));
    }
    out.push_str("</g>");
    out.push_str(&svg[end..]);
    out
}

/// Turns an x position into its tick label.
type TickLabel = Box<dyn Fn(&f64) -> String>;

/// Tick positions and labels for the x axis.
fn x_ticks(x: &XAxis) -> (Vec<f64>, TickLabel) {
    let count = x.len();
    let period = x.period();
    let step = period.months();
    let months = count as i32 * step;
    match *x {
        XAxis::Months { first, .. } => {
            let at = move |i: i32| first.minus(-(i * step));
            let years = (months / 12).max(0) as usize;
            if years < 2 {
                // A short range: a tick every quarter (or every month for a few months).
                let every = match (period, months <= 12) {
                    (super::Period::Month, true) => 1,
                    (super::Period::Month, false) => 3,
                    _ => 1,
                };
                let points = (0..count)
                    .filter(|i| i % every == 0)
                    .map(|i| i as f64)
                    .collect();
                return (
                    points,
                    Box::new(move |v: &f64| period.name(at(v.round() as i32))),
                );
            }
            let every = years.div_ceil(10).max(1) as i32;
            let points = (0..count as i32)
                .filter(|&i| {
                    let m = at(i);
                    m.month() == 1 && m.year() % every == 0
                })
                .map(f64::from)
                .collect();
            (
                points,
                Box::new(move |v: &f64| at(v.round() as i32).year().to_string()),
            )
        }
        XAxis::MonthsSince { .. } => {
            let years = (months / 12).max(0) as usize;
            // Positions per year, and a tick every few years.
            let per_year = (12 / step).max(1) as usize;
            let every = years.div_ceil(10).max(1) * per_year;
            let points = (0..count).step_by(every).map(|i| i as f64).collect();
            (
                points,
                Box::new(move |v: &f64| format!("{}", (v.round() as i64) * i64::from(step) / 12)),
            )
        }
    }
}

fn y_label(v: f64, percent: bool) -> String {
    if percent {
        return format!("{v:.0}%");
    }
    let sign = if v < 0.0 { "-" } else { "" };
    format!("{sign}{}", thousands(v.abs().round() as u64))
}

struct LegendEntry {
    name: String,
    color: Rgb,
    line: bool,
}

fn legend_entries(plot: &Plot, theme: &Theme) -> Vec<LegendEntry> {
    let entry = |s: &Series, line: bool| LegendEntry {
        name: s.name.clone(),
        color: s.color,
        line,
    };
    match plot {
        // Top of the stack first, as the eye reads it.
        Plot::Stacked { series, .. } => series.iter().rev().map(|s| entry(s, false)).collect(),
        Plot::Lines { series } => series.iter().map(|s| entry(s, true)).collect(),
        Plot::Churn { .. } => vec![
            LegendEntry {
                name: "lines added".into(),
                color: theme::OKABE_ITO[2],
                line: false,
            },
            LegendEntry {
                name: "lines removed".into(),
                color: theme::OKABE_ITO[1],
                line: false,
            },
            LegendEntry {
                name: "new code (right)".into(),
                color: theme.accent,
                line: true,
            },
        ],
        Plot::Bars { .. } => Vec::new(),
    }
}

fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[LegendEntry],
    theme: &Theme,
    s: &Scale,
) -> Result<(), ChartError> {
    let (_, height) = area.dim_in_pixel();
    let top = s.px(30.0) as i32;
    let row = (s.px(38.0) as i32).min((height as i32 - top) / entries.len().max(1) as i32);
    let (width, _) = area.dim_in_pixel();
    // The text keeps its size (legible on a slide and a phone); a name longer than the legend
    // is shortened with an ellipsis, never shrunk.
    let text_size = (f64::from(row.max(1) as u32) * 0.65 / s.0).min(24.0);
    let room = f64::from(width) - 60.0 * s.0;
    for (i, e) in entries.iter().enumerate() {
        let y = top + i as i32 * row;
        let x = s.px(10.0) as i32;
        let swatch = s.px(28.0) as i32;
        let mid = y + row / 2;
        if e.line {
            area.draw(&PathElement::new(
                vec![(x, mid), (x + swatch, mid)],
                color(e.color).stroke_width(s.px(4.0)),
            ))
            .map_err(draw_error)?;
        } else {
            area.draw(&Rectangle::new(
                [(x, mid - row / 3), (x + swatch, mid + row / 3)],
                color(e.color).filled(),
            ))
            .map_err(draw_error)?;
        }
        area.draw(&Text::new(
            fit_text(&e.name, text_size * s.0 / 1.24, room),
            (
                x + swatch + s.px(10.0) as i32,
                mid - (text_size * s.0 * 0.55) as i32,
            ),
            s.font(text_size, theme.text),
        ))
        .map_err(draw_error)?;
    }
    Ok(())
}

fn draw_series_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    spec: &ChartSpec,
    plot: &Plot,
    theme: &Theme,
    s: &Scale,
) -> Result<Vec<Tip>, ChartError> {
    let n = spec.x.len();
    let percent = matches!(plot, Plot::Stacked { percent: true, .. });
    // `--log`: lines drawn through log10 of their values, whole decades on the axis.
    let logged = match (spec.log, plot) {
        (true, Plot::Lines { series }) => Some(log_lines(series)),
        _ => None,
    };
    let drawn = logged.as_ref().unwrap_or(plot);
    let range = match &logged {
        Some(lines) => decades(lines),
        None => y_range(plot, n, spec.ymax),
    };
    let (y_min, y_max) = (range.lo, range.hi);
    let x_range = -0.5f64..(n as f64 - 0.5);
    let mut chart = ChartBuilder::on(area)
        .margin_left(s.px(20.0))
        .margin_top(s.px(10.0))
        .margin_bottom(s.px(10.0))
        .x_label_area_size(s.px(80.0))
        .y_label_area_size(s.px(150.0))
        .margin_right(if matches!(plot, Plot::Churn { .. }) {
            s.px(130.0)
        } else {
            s.px(20.0)
        })
        .build_cartesian_2d(x_range, y_min..y_max)
        .map_err(draw_error)?;
    let log = logged.is_some();
    let y_fmt = move |v: &f64| match log {
        true => y_label(10f64.powf(v.round()), false),
        false => y_label(*v, percent),
    };
    let y_labels = match log {
        true => (y_max - y_min).round() as usize + 1,
        false => 8,
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_label_formatter(&y_fmt)
        .y_labels(y_labels)
        .x_desc(spec.x_label.clone())
        .y_desc(spec.y_label.clone())
        .label_style(s.font(24.0, theme.text))
        .axis_desc_style(s.font(24.0, theme.axis))
        .max_light_lines(0)
        .bold_line_style(color(theme.grid).stroke_width(1))
        .axis_style(color(theme.axis).stroke_width(s.px(2.0)))
        .draw()
        .map_err(draw_error)?;
    draw_month_ticks(area, &mut chart, &spec.x, (y_min, y_max), theme, s)?;
    // One hover target per month column, in the SVG's pixels.
    let (bx, by) = area.get_base_pixel();
    let tips = month_texts(spec, plot)
        .into_iter()
        .enumerate()
        .map(|(i, text)| {
            let (x0, y0) = chart.backend_coord(&(i as f64 - 0.5, y_max));
            let (x1, y1) = chart.backend_coord(&(i as f64 + 0.5, y_min));
            Tip {
                x: x0 + bx,
                y: y0 + by,
                w: (x1 - x0).max(1),
                h: (y1 - y0).max(1),
                text,
            }
        })
        .collect();
    match drawn {
        Plot::Stacked { series, .. } => draw_stacked(&mut chart, series, n),
        Plot::Lines { series } => draw_lines(&mut chart, series, s),
        Plot::Churn {
            added,
            removed,
            share,
        } => {
            let rates = ChurnBars {
                added,
                removed,
                share,
            };
            draw_churn(area, &mut chart, &rates, (y_min, y_max), n, theme, s)
        }
        Plot::Bars { .. } => Ok(()),
    }?;
    if range.clipped {
        let clipped = beyond(plot, n, (y_min, y_max));
        label_clipped(area, &chart, &clipped, (y_min, y_max), theme, s)?;
    }
    Ok(tips)
}

/// The chart context of a series chart: months on x, values on y.
type SeriesChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Month ticks where `x_ticks` puts them (Januaries), drawn by hand: plotters would pick round
/// numbers of months.
fn draw_month_ticks<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &mut SeriesChart<'_, DB>,
    x: &super::XAxis,
    (y_min, y_max): (f64, f64),
    theme: &Theme,
    s: &Scale,
) -> Result<(), ChartError> {
    let (points, x_format) = x_ticks(x);
    for p in &points {
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(*p, y_min), (*p, y_max)],
                color(theme.grid).stroke_width(1),
            )))
            .map_err(draw_error)?;
        label_below(
            area,
            chart,
            (*p, y_min),
            x_format(p),
            s.font(24.0, theme.text),
            Some(color(theme.axis).stroke_width(s.px(2.0))),
            s,
        )?;
    }
    Ok(())
}

/// Stacked areas, the tallest drawn first so each lower area covers what lies beneath it.
fn draw_stacked<DB: DrawingBackend>(
    chart: &mut SeriesChart<'_, DB>,
    series: &[super::Series],
    n: usize,
) -> Result<(), ChartError> {
    let mut cumulative: Vec<Vec<f64>> = Vec::with_capacity(series.len());
    let mut running = vec![0.0; n];
    for se in series {
        for (r, v) in running.iter_mut().zip(&se.values) {
            *r += v.unwrap_or(0.0);
        }
        cumulative.push(running.clone());
    }
    let present: Vec<bool> = (0..n)
        .map(|i| series.iter().any(|se| se.values[i].is_some()))
        .collect();
    for (se, top) in series.iter().zip(&cumulative).rev() {
        for run in runs(&present) {
            let pts: Vec<(f64, f64)> = run.map(|i| (i as f64, top[i])).collect();
            chart
                .draw_series(AreaSeries::new(pts, 0.0, color(se.color).filled()))
                .map_err(draw_error)?;
        }
    }
    Ok(())
}

/// One line per series, broken where it has no value.
fn draw_lines<DB: DrawingBackend>(
    chart: &mut SeriesChart<'_, DB>,
    series: &[super::Series],
    s: &Scale,
) -> Result<(), ChartError> {
    for se in series {
        let present: Vec<bool> = se.values.iter().map(Option::is_some).collect();
        for run in runs(&present) {
            let pts: Vec<(f64, f64)> = run
                .filter_map(|i| se.values[i].map(|v| (i as f64, v)))
                .collect();
            chart
                .draw_series(LineSeries::new(
                    pts,
                    color(se.color).stroke_width(s.px(3.0)),
                ))
                .map_err(draw_error)?;
        }
    }
    Ok(())
}

/// What a churn chart draws: lines added and removed per month, and the new-code share.
struct ChurnBars<'a> {
    added: &'a [Option<f64>],
    removed: &'a [Option<f64>],
    share: &'a [Option<f64>],
}

/// Bars of lines added (up) and removed (down), and the new-code share as a line over the full
/// height, 0 % at the bottom and 100 % at the top, labelled on the right.
fn draw_churn<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &mut SeriesChart<'_, DB>,
    churn: &ChurnBars<'_>,
    (y_min, y_max): (f64, f64),
    n: usize,
    theme: &Theme,
    s: &Scale,
) -> Result<(), ChartError> {
    let bar = |i: usize, lo: f64, hi: f64, c: Rgb| {
        Rectangle::new(
            [(i as f64 - 0.42, lo), (i as f64 + 0.42, hi)],
            color(c).filled(),
        )
    };
    let up = churn.added.iter().enumerate();
    chart
        .draw_series(up.filter_map(|(i, v)| v.map(|v| bar(i, 0.0, v, theme::OKABE_ITO[2]))))
        .map_err(draw_error)?;
    let down = churn.removed.iter().enumerate();
    chart
        .draw_series(down.filter_map(|(i, v)| v.map(|v| bar(i, -v, 0.0, theme::OKABE_ITO[1]))))
        .map_err(draw_error)?;
    let to_y = |share: f64| y_min + share * (y_max - y_min);
    let base = area.get_base_pixel();
    let (right, _) = chart.backend_coord(&(n as f64 - 0.5, y_min));
    for pct in (0..=100).step_by(20) {
        let (_, py) = chart.backend_coord(&(0.0, to_y(f64::from(pct) / 100.0)));
        let (x, y) = (right - base.0, py - base.1);
        area.draw(&PathElement::new(
            vec![(x, y), (x + s.px(8.0) as i32, y)],
            color(theme.axis).stroke_width(s.px(2.0)),
        ))
        .map_err(draw_error)?;
        area.draw(&Text::new(
            format!("{pct}%"),
            (x + s.px(12.0) as i32, y),
            s.font(24.0, theme.text)
                .pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(draw_error)?;
    }
    let share = churn.share;
    let present: Vec<bool> = share.iter().map(Option::is_some).collect();
    for run in runs(&present) {
        let pts: Vec<(f64, f64)> = run
            .filter_map(|i| share[i].map(|v| (i as f64, to_y(v))))
            .collect();
        chart
            .draw_series(LineSeries::new(
                pts,
                color(theme.accent).stroke_width(s.px(3.0)),
            ))
            .map_err(draw_error)?;
    }
    Ok(())
}

/// Draws `text` centred below the chart point `at` (outside the plotting area, where plotters'
/// own labels go), with a short tick mark when `tick` is given.
fn label_below<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    at: (f64, f64),
    text: String,
    style: TextStyle<'static>,
    tick: Option<ShapeStyle>,
    s: &Scale,
) -> Result<(), ChartError> {
    let base = area.get_base_pixel();
    let (px, py) = chart.backend_coord(&at);
    let (x, y) = (px - base.0, py - base.1);
    if let Some(tick) = tick {
        area.draw(&PathElement::new(
            vec![(x, y), (x, y + s.px(8.0) as i32)],
            tick,
        ))
        .map_err(draw_error)?;
    }
    area.draw(&Text::new(
        text,
        (x, y + s.px(12.0) as i32),
        style.pos(Pos::new(HPos::Center, VPos::Top)),
    ))
    .map_err(draw_error)
}

/// Lines with each value as its log10 (a value of 0 or less has none: no point on a log axis).
fn log_lines(series: &[Series]) -> Plot {
    let series = series
        .iter()
        .map(|se| Series {
            values: se
                .values
                .iter()
                .map(|v| v.filter(|&v| v > 0.0).map(f64::log10))
                .collect(),
            ..se.clone()
        })
        .collect();
    Plot::Lines { series }
}

/// The whole decades (in log10) that hold every value of logged lines: from 1 (10^0) at least.
fn decades(lines: &Plot) -> YRange {
    let values: Vec<f64> = match lines {
        Plot::Lines { series } => series
            .iter()
            .flat_map(|s| s.values.iter().flatten().copied())
            .collect(),
        _ => Vec::new(),
    };
    let lo = values
        .iter()
        .copied()
        .fold(f64::MAX, f64::min)
        .floor()
        .max(0.0);
    let hi = values
        .iter()
        .copied()
        .fold(0.0, f64::max)
        .ceil()
        .max(lo + 1.0);
    YRange {
        lo: if lo == f64::MAX { 0.0 } else { lo },
        hi,
        clipped: false,
    }
}

/// The y range of a series chart, and the values it leaves out.
struct YRange {
    lo: f64,
    hi: f64,
    /// Whether values beyond `lo`..`hi` were clipped (then they are labelled with their value).
    clipped: bool,
}

/// The y range a plot needs, with headroom. Above `ymax` (the user's) values are clipped; a
/// churn chart without one clips far outliers itself: magnitudes above Tukey's far-out fence
/// (the third quartile plus three interquartile ranges of its non-zero bars), such as the month
/// a vendored tree is imported, which would flatten years of ordinary months.
fn y_range(plot: &Plot, n: usize, ymax: Option<f64>) -> YRange {
    let max_of = |values: &mut dyn Iterator<Item = f64>| values.fold(0.0f64, f64::max);
    let (lo, hi) = match plot {
        Plot::Stacked { percent: true, .. } => {
            return YRange {
                lo: 0.0,
                hi: 100.0,
                clipped: false,
            }
        }
        Plot::Stacked { series, .. } => {
            let sums = (0..n).map(|i| series.iter().filter_map(|s| s.values[i]).sum::<f64>());
            (0.0, max_of(&mut sums.into_iter()))
        }
        Plot::Lines { series } => (
            0.0,
            max_of(
                &mut series
                    .iter()
                    .flat_map(|s| s.values.iter().flatten().copied()),
            ),
        ),
        Plot::Churn { added, removed, .. } => (
            -max_of(&mut removed.iter().flatten().copied()),
            max_of(&mut added.iter().flatten().copied()),
        ),
        Plot::Bars { .. } => (0.0, 1.0),
    };
    let pad = |v: f64| if v == 0.0 { 0.0 } else { v * 1.08 };
    if let Some(top) = ymax {
        // Churn's bars go down as far as up: the limit holds for both.
        return YRange {
            lo: -pad(-lo).min(top),
            hi: top,
            clipped: hi > top || -lo > top,
        };
    }
    if let Plot::Churn { added, removed, .. } = plot {
        if let Some(fence) = far_out_fence(added.iter().chain(removed.iter()).flatten().copied()) {
            if hi.max(-lo) > fence {
                // The largest bar within the fence sets the scale.
                let within = |v: &[Option<f64>]| {
                    max_of(&mut v.iter().flatten().copied().filter(|&x| x <= fence))
                };
                return YRange {
                    lo: -pad(within(removed)),
                    hi: pad(within(added)).max(1.0),
                    clipped: true,
                };
            }
        }
    }
    let hi = if hi <= 0.0 && lo >= 0.0 { 1.0 } else { pad(hi) };
    YRange {
        lo: pad(lo),
        hi,
        clipped: false,
    }
}

/// Tukey's far-out fence of the non-zero magnitudes among `values`: Q3 + 3 (Q3 - Q1), quartiles
/// by nearest rank; `None` for fewer than 8 values (too few to call one an outlier).
fn far_out_fence(values: impl Iterator<Item = f64>) -> Option<f64> {
    let mut v: Vec<f64> = values.map(f64::abs).filter(|&x| x > 0.0).collect();
    if v.len() < 8 {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let rank = |q: f64| v[((q * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1];
    let (q1, q3) = (rank(0.25), rank(0.75));
    Some(q3 + 3.0 * (q3 - q1))
}

/// Labels each value beyond the y range with its value, at the edge it was clipped at. A label
/// that would run into the one before it on the same edge goes a line further in, and labels
/// in the right fifth of the plot end at their bar instead of starting there.
fn label_clipped<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &SeriesChart<'_, DB>,
    clipped: &[(usize, f64)],
    (y_min, y_max): (f64, f64),
    theme: &Theme,
    s: &Scale,
) -> Result<(), ChartError> {
    let base = area.get_base_pixel();
    let style = s.font(24.0, theme.text);
    let (left, _) = chart.backend_coord(&(-0.5, y_min));
    let (right, _) = chart.backend_coord(&(chart.x_range().end, y_min));
    let line = s.px(24.0) as i32;
    // Per edge (top, bottom): the right end of the last label on each line.
    let mut ends: [Vec<i32>; 2] = [Vec::new(), Vec::new()];
    let mut sorted = clipped.to_vec();
    sorted.sort_by_key(|&(i, v)| (v < 0.0, i));
    for (i, v) in sorted {
        let (edge, v_pos, text, side) = match v >= 0.0 {
            true => (
                y_max,
                VPos::Top,
                format!("▲ {}", thousands(v.round() as u64)),
                0,
            ),
            false => (
                y_min,
                VPos::Bottom,
                format!("▼ −{}", thousands(v.abs().round() as u64)),
                1,
            ),
        };
        let (px, py) = chart.backend_coord(&(i as f64, edge));
        let (w, _) = area.estimate_text_size(&text, &style).map_err(draw_error)?;
        let gap = s.px(6.0) as i32;
        let near_end = px > left + (right - left) * 4 / 5;
        let (x0, h_pos) = match near_end {
            true => (px - gap - w as i32, HPos::Right),
            false => (px + gap, HPos::Left),
        };
        let lines = &mut ends[side];
        let row = lines
            .iter()
            .position(|&end| x0 > end + gap)
            .unwrap_or(lines.len());
        if row == lines.len() {
            lines.push(0);
        }
        lines[row] = x0 + w as i32;
        let shift = row as i32 * line * if side == 0 { 1 } else { -1 };
        let anchor_x = match h_pos {
            HPos::Right => px - gap,
            _ => px + gap,
        };
        area.draw(&Text::new(
            text,
            (anchor_x - base.0, py - base.1 + shift),
            style.clone().pos(Pos::new(h_pos, v_pos)),
        ))
        .map_err(draw_error)?;
    }
    Ok(())
}

/// The values of `plot` beyond `lo`..`hi`, by position (a stacked chart's totals).
fn beyond(plot: &Plot, n: usize, (lo, hi): (f64, f64)) -> Vec<(usize, f64)> {
    let mut out = Vec::new();
    let mut check = |i: usize, v: f64| {
        if v > hi || v < lo {
            out.push((i, v));
        }
    };
    match plot {
        Plot::Lines { series } => {
            for se in series {
                for (i, v) in se.values.iter().enumerate() {
                    if let Some(v) = v {
                        check(i, *v);
                    }
                }
            }
        }
        Plot::Stacked { series, .. } => {
            for i in 0..n {
                check(i, series.iter().filter_map(|se| se.values[i]).sum());
            }
        }
        Plot::Churn { added, removed, .. } => {
            for (i, v) in added.iter().enumerate() {
                if let Some(v) = v {
                    check(i, *v);
                }
            }
            for (i, v) in removed.iter().enumerate() {
                if let Some(v) = v {
                    check(i, -*v);
                }
            }
        }
        Plot::Bars { .. } => {}
    }
    out
}

/// Maximal runs of consecutive `true` positions.
fn runs(present: &[bool]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, &p) in present.iter().chain(std::iter::once(&false)).enumerate() {
        match (p, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(s..i);
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// Side-by-side panels of horizontal bars, one row per category: the names stand left of their
/// bars, one per row, so they cannot overlap however long they are (a name wider than the
/// panel's name column is shortened with an ellipsis), and each bar ends with its value.
fn draw_bars<DB: DrawingBackend>(
    body: &DrawingArea<DB, Shift>,
    categories: &[(String, Rgb)],
    panels: &[(String, Vec<f64>)],
    theme: &Theme,
    s: &Scale,
) -> Result<(), ChartError> {
    let areas = body.split_evenly((1, panels.len().max(1)));
    let n = categories.len().max(1);
    for (area, (title, values)) in areas.iter().zip(panels) {
        let (w, h) = area.dim_in_pixel();
        // Rows share what the caption and the value axis leave; a name's text fits its row.
        let row = f64::from(h.saturating_sub(s.px(170.0))) / n as f64;
        let name_size = (26.0 * s.0).min(row * 0.7 * 1.24) / s.0;
        let name_px = name_size * s.0 / 1.24;
        let column = f64::from(w) * 0.42;
        let names: Vec<String> = categories
            .iter()
            .map(|c| fit_text(&c.0, name_px, column))
            .collect();
        let widest = names
            .iter()
            .map(|t| glyphs::text_width(name_px, t))
            .fold(0.0, f64::max);
        let top = values.iter().copied().fold(0.0f64, f64::max).max(1.0) * 1.3;
        let y_range = -0.5f64..(n as f64 - 0.5);
        let mut chart = ChartBuilder::on(area)
            .caption(title.clone(), s.font(30.0, theme.text))
            .margin(s.px(30.0))
            .x_label_area_size(s.px(50.0))
            .y_label_area_size((widest + f64::from(s.px(24.0))).ceil() as u32)
            .build_cartesian_2d(0f64..top, y_range)
            .map_err(draw_error)?;
        let x_fmt = |v: &f64| y_label(*v, false);
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_labels(5)
            .x_label_formatter(&x_fmt)
            .label_style(s.font(24.0, theme.text))
            .max_light_lines(0)
            .bold_line_style(color(theme.grid).stroke_width(1))
            .axis_style(color(theme.axis).stroke_width(s.px(2.0)))
            .draw()
            .map_err(draw_error)?;
        // The first category on top.
        let y_of = |i: usize| (n - 1 - i) as f64;
        let base = area.get_base_pixel();
        for (i, name) in names.into_iter().enumerate() {
            let (px, py) = chart.backend_coord(&(0.0, y_of(i)));
            area.draw(&Text::new(
                name,
                (px - base.0 - s.px(12.0) as i32, py - base.1),
                s.font(name_size, theme.text)
                    .pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(draw_error)?;
        }
        for (i, v) in values.iter().enumerate() {
            let c = categories.get(i).map_or(theme.text, |c| c.1);
            let y = y_of(i);
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y - 0.3), (*v, y + 0.3)],
                    color(c).filled(),
                )))
                .map_err(draw_error)?;
            let label = if v.fract() == 0.0 {
                thousands(*v as u64)
            } else {
                format!("{v:.1}")
            };
            let (px, py) = chart.backend_coord(&(*v, y));
            area.draw(&Text::new(
                label,
                (px - base.0 + s.px(10.0) as i32, py - base.1),
                s.font(name_size, theme.text)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(draw_error)?;
        }
    }
    Ok(())
}

/// `text` as it fits `width` pixels at `px`: whole, or cut with an ellipsis.
fn fit_text(text: &str, px: f64, width: f64) -> String {
    if glyphs::text_width(px, text) <= width {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    (1..chars.len())
        .rev()
        .map(|k| format!("{}\u{2026}", chars[..k].iter().collect::<String>()))
        .find(|t| glyphs::text_width(px, t) <= width)
        .unwrap_or_else(|| "\u{2026}".to_string())
}
