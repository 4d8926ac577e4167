//! Colours, text sizes and the shipped font.
//!
//! Colours come from palettes designed for colour-vision deficiencies (Okabe-Ito and Paul Tol's
//! muted set, without their darkest entries so they also read on the dark theme). Common
//! languages have a fixed colour; any other language gets one by a hash of its name, so a
//! language keeps its colour in every chart and every run. Repositories take Okabe-Ito colours in
//! the order they are drawn. Age cohorts use viridis, which stays ordered for colour-blind
//! readers and in greyscale.

use crate::read::chart::ThemeName;

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

/// The font every chart uses: DejaVu Sans (Bitstream Vera license, `assets/fonts/`).
pub const FONT: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
/// The family name the font is registered under. It is also what an SVG names (SVG text stays
/// text), so it is a CSS font list: the same font where installed, a close one otherwise.
pub const FONT_FAMILY: &str = "DejaVu Sans, Verdana, sans-serif";

/// Registers the shipped font with plotters (once per process).
pub fn register_font() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // The font is compiled in and known to parse (a test renders with it).
        let _ =
            plotters::style::register_font(FONT_FAMILY, plotters::style::FontStyle::Normal, FONT);
    });
}

/// Okabe-Ito, grey left out (it is "other"), black replaced by nothing.
pub const OKABE_ITO: [Rgb; 7] = [
    Rgb(0x00, 0x72, 0xB2), // blue
    Rgb(0xD5, 0x5E, 0x00), // vermillion
    Rgb(0x00, 0x9E, 0x73), // bluish green
    Rgb(0xE6, 0x9F, 0x00), // orange
    Rgb(0xCC, 0x79, 0xA7), // reddish purple
    Rgb(0x56, 0xB4, 0xE9), // sky blue
    Rgb(0xF0, 0xE4, 0x42), // yellow
];

/// Paul Tol's muted palette without indigo and wine (too dark on the dark theme).
const TOL_MUTED: [Rgb; 7] = [
    Rgb(0x88, 0xCC, 0xEE),
    Rgb(0x44, 0xAA, 0x99),
    Rgb(0x11, 0x77, 0x33),
    Rgb(0x99, 0x99, 0x33),
    Rgb(0xDD, 0xCC, 0x77),
    Rgb(0xCC, 0x66, 0x77),
    Rgb(0xAA, 0x44, 0x99),
];

/// The colour of "Other" (languages outside the top ones).
const OTHER: Rgb = Rgb(0x99, 0x99, 0x99);

/// The colour of a language, the same in every chart.
fn language_color(language: &str) -> Rgb {
    let fixed = match language {
        "Go" => Some(Rgb(0x56, 0xB4, 0xE9)),
        "C" => Some(Rgb(0x00, 0x72, 0xB2)),
        "C Header" => Some(Rgb(0x88, 0xCC, 0xEE)),
        "Rust" => Some(Rgb(0xD5, 0x5E, 0x00)),
        "Python" => Some(Rgb(0xF0, 0xE4, 0x42)),
        "Shell" | "BASH" => Some(Rgb(0x00, 0x9E, 0x73)),
        "YAML" => Some(Rgb(0xCC, 0x79, 0xA7)),
        "Markdown" => Some(Rgb(0xDD, 0xCC, 0x77)),
        "GNU Style Assembly" | "Assembly" => Some(Rgb(0xE6, 0x9F, 0x00)),
        "Makefile" => Some(Rgb(0x99, 0x99, 0x33)),
        "JSON" => Some(Rgb(0x44, 0xAA, 0x99)),
        "C++" | "C++ Header" => Some(Rgb(0xAA, 0x44, 0x99)),
        "JavaScript" => Some(Rgb(0xCC, 0x66, 0x77)),
        "TypeScript" => Some(Rgb(0x11, 0x77, 0x33)),
        "Protocol Buffers" => Some(Rgb(0xF0, 0xE4, 0x42)),
        "CSS" | "HTML" => Some(Rgb(0xCC, 0x66, 0x77)),
        "SVG" | "XML" => Some(Rgb(0x11, 0x77, 0x33)),
        "ReStructuredText" | "Plain Text" => Some(Rgb(0xDD, 0xCC, 0x77)),
        "Dockerfile" => Some(Rgb(0x44, 0xAA, 0x99)),
        "Perl" | "Autoconf" | "OCaml" => Some(Rgb(0xAA, 0x44, 0x99)),
        "Other" => Some(OTHER),
        _ => None,
    };
    fixed.unwrap_or_else(|| {
        let all: Vec<Rgb> = OKABE_ITO.iter().chain(TOL_MUTED.iter()).copied().collect();
        all[(crate::text::fnv1a(language.as_bytes()) % all.len() as u64) as usize]
    })
}

/// How far apart two colours of one chart must be (CIE76 ΔE in CIELAB): sky blue (Go) and light
/// cyan (C Header) are 16 apart and read as one colour on a slide; 20 keeps them apart.
const MIN_DELTA_E: f64 = 20.0;

/// The CIE76 colour difference of two sRGB colours (D65 white).
fn delta_e(a: Rgb, b: Rgb) -> f64 {
    let (l1, a1, b1) = lab(a);
    let (l2, a2, b2) = lab(b);
    ((l1 - l2).powi(2) + (a1 - a2).powi(2) + (b1 - b2).powi(2)).sqrt()
}

/// sRGB to CIELAB.
fn lab(c: Rgb) -> (f64, f64, f64) {
    let linear = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    let (r, g, b) = (linear(c.0), linear(c.1), linear(c.2));
    let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
    let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
    let f = |t: f64| {
        if t > 0.008856 {
            t.cbrt()
        } else {
            7.787 * t + 16.0 / 116.0
        }
    };
    let (fx, fy, fz) = (f(x), f(y), f(z));
    (116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz))
}

/// The colours of the languages of one chart, in order: each its own colour
/// (`language_color`) unless that is within `MIN_DELTA_E` of a colour drawn before it in
/// this chart; then the palette colour farthest from all of those.
pub fn language_colors(names: &[&str]) -> Vec<Rgb> {
    let mut used: Vec<Rgb> = Vec::with_capacity(names.len());
    for name in names {
        let own = language_color(name);
        let nearest = |c: Rgb| used.iter().map(|u| delta_e(c, *u)).fold(f64::MAX, f64::min);
        let color = match nearest(own) >= MIN_DELTA_E {
            true => own,
            false => spare_colors()
                .max_by(|a, b| nearest(*a).total_cmp(&nearest(*b)))
                .unwrap_or(own),
        };
        used.push(color);
    }
    used
}

/// A class's colour: own code the strongest, what is not the project's own in greys.
pub fn class_color(class: crate::mine::class::Class) -> Rgb {
    use crate::mine::class::Class;
    match class {
        Class::Code => Rgb(31, 119, 180),
        Class::Test => Rgb(44, 160, 44),
        Class::Docs => Rgb(255, 187, 120),
        Class::Vendored => Rgb(127, 127, 127),
        Class::Generated => Rgb(199, 199, 199),
    }
}

/// The colours a language can take when its own is too close to one already in its chart:
/// Okabe-Ito's, then Paul Tol's muted ones.
fn spare_colors() -> impl Iterator<Item = Rgb> {
    OKABE_ITO.into_iter().chain(TOL_MUTED)
}

/// The colour of the i-th repository of a chart's palette: Okabe-Ito's seven, then Paul Tol's
/// olive (the muted colour farthest from all seven: CIE76 36.7), so the eight projects of a
/// decision view have eight colours at least `MIN_DELTA_E` apart (a test checks it); more
/// projects repeat them.
pub fn repo_color(i: usize) -> Rgb {
    const REPOS: [Rgb; 8] = [
        OKABE_ITO[0],
        OKABE_ITO[1],
        OKABE_ITO[2],
        OKABE_ITO[3],
        OKABE_ITO[4],
        OKABE_ITO[5],
        OKABE_ITO[6],
        Rgb(0x99, 0x99, 0x33),
    ];
    REPOS[i % REPOS.len()]
}

/// The colour of cohort band `band` among `first..=last`: viridis from dark (old) to yellow
/// (new). Its lightness rises steadily, so at most eight bands stay apart in greyscale (a test
/// checks it).
pub fn cohort_color(band: i32, first: i32, last: i32) -> Rgb {
    use plotters::style::colors::colormaps::{ColorMap, ViridisRGB};
    let span = (last - first).max(1) as f32;
    // Skip viridis's darkest tenth so the oldest band still shows on a dark page.
    let t = 0.1 + 0.9 * (band - first) as f32 / span;
    let c = ViridisRGB.get_color_normalized(t, 0.0, 1.0);
    Rgb(c.0, c.1, c.2)
}

/// Background, text and grid colours.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    /// The page behind everything.
    pub background: Rgb,
    /// Titles, labels and legends.
    pub text: Rgb,
    /// The grid lines behind the plot.
    pub grid: Rgb,
    /// Axis lines, axis descriptions and the subtitle.
    pub axis: Rgb,
    /// Lines drawn over bars (the churn chart's share).
    pub accent: Rgb,
}

impl Theme {
    /// The colours of the light or the dark theme.
    pub fn new(name: ThemeName) -> Theme {
        match name {
            ThemeName::Light => Theme {
                background: Rgb(0xFF, 0xFF, 0xFF),
                text: Rgb(0x22, 0x22, 0x22),
                grid: Rgb(0xE4, 0xE4, 0xE4),
                axis: Rgb(0x55, 0x55, 0x55),
                accent: Rgb(0x22, 0x22, 0x22),
            },
            ThemeName::Dark => Theme {
                background: Rgb(0x1E, 0x1E, 0x24),
                text: Rgb(0xEE, 0xEE, 0xEE),
                grid: Rgb(0x3A, 0x3A, 0x44),
                axis: Rgb(0xAA, 0xAA, 0xAA),
                accent: Rgb(0xFF, 0xFF, 0xFF),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Eight code-age bands, as greys: each at least 7 CIELAB lightness units from its
    /// neighbours (a just-noticeable difference is about 1; 7 holds on a projector).
    #[test]
    fn age_bands_stay_apart_in_greyscale() {
        let l = |c: Rgb| lab(c).0;
        let bands: Vec<f64> = (0..8).map(|i| l(cohort_color(i, 0, 7))).collect();
        for pair in bands.windows(2) {
            assert!(pair[1] - pair[0] >= 7.0, "{bands:?}");
        }
    }

    #[test]
    fn eight_projects_have_eight_distinct_colours() {
        for i in 0..8 {
            for j in 0..i {
                let d = delta_e(repo_color(i), repo_color(j));
                assert!(d >= MIN_DELTA_E, "projects {i} and {j}: {d:.1}");
            }
        }
    }

    #[test]
    fn a_language_keeps_its_colour() {
        assert_eq!(language_color("Go"), language_color("Go"));
        assert_eq!(language_color("Zig"), language_color("Zig"));
        assert_ne!(language_color("C"), language_color("Go"));
        assert_eq!(language_color("Other"), OTHER);
    }

    /// The languages of moby's and xen's language charts (their top eight and Other) get
    /// colours at least MIN_DELTA_E apart; a language without a close neighbour keeps its own.
    #[test]
    fn languages_of_one_chart_never_share_a_colour() {
        // A reference value: the CIE76 distance of pure black and white is 100.
        assert!((delta_e(Rgb(0, 0, 0), Rgb(255, 255, 255)) - 100.0).abs() < 0.01);
        assert!(delta_e(Rgb(0x56, 0xB4, 0xE9), Rgb(0x88, 0xCC, 0xEE)) < MIN_DELTA_E);
        for names in [
            &[
                "Go",
                "YAML",
                "JSON",
                "Shell",
                "C Header",
                "Markdown",
                "Protocol Buffers",
                "C",
                "Other",
            ][..],
            &[
                "C",
                "C Header",
                "GNU Style Assembly",
                "Python",
                "OCaml",
                "Makefile",
                "Perl",
                "Shell",
                "Other",
            ][..],
        ] {
            let colors = language_colors(names);
            for i in 0..colors.len() {
                for j in 0..i {
                    let d = delta_e(colors[i], colors[j]);
                    assert!(d >= MIN_DELTA_E, "{} and {}: {d:.1}", names[i], names[j]);
                }
            }
            assert_eq!(colors[0], language_color(names[0]));
        }
    }
}
