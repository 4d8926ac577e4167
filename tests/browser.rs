//! The HTML report in a real browser (headless Chromium, which `.ci/run` installs from the
//! distribution's packages), as people read it: at 1280 px in light and in dark mode, and at
//! 390 px (a phone, emulated by a 390 px frame). On the shipped datasets' report (six projects):
//! the page is at most 15,000 px tall at 1280 px, the first 1280 × 800 screen holds every
//! project's card with its verdict badge and three sparklines, the page never scrolls sideways,
//! every chart (folded ones opened) is drawn, no chart text is under 9 CSS px, no two texts of a
//! chart overlap, and the charts' background follows the colour scheme. On fixtures named with
//! markup: no element or attribute came from repository text, and no script error is raised.
//! Screenshots are written for people to look at.
//!
//! Without Chromium the test fails and says how to install it; `TEMPER_SKIP_BROWSER=1` skips it
//! on a machine that cannot have one.

use std::path::{Path, PathBuf};

use crate::common::*;

/// Chromium's path: `$TEMPER_CHROMIUM`, else the first of the usual names on `PATH`.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("TEMPER_CHROMIUM") {
        return Some(path.into());
    }
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

/// What the probe finds, as JSON in the `data-probe` attribute of the top page's body. It
/// measures the page as loaded (folded sections closed), then opens every `<details>` and looks
/// at every chart.
const PROBE: &str = r#"<script id="temper-probe">
window.__errors = [];
window.addEventListener('error', e => window.__errors.push(String(e.message)));
window.addEventListener('load', () => {
  const root = document.documentElement;
  const height = root.scrollHeight;
  const cards = [...document.querySelectorAll('.card')].map(c => ({
    bottom: Math.round(c.getBoundingClientRect().bottom),
    badge: c.querySelectorAll('.badge').length,
    sparks: [...c.querySelectorAll('svg.spark')].filter(s => s.getBoundingClientRect().width > 40).length }));
  document.querySelectorAll('details').forEach(d => d.open = true);
  const charts = [...document.querySelectorAll('figure svg')];
  const drawn = charts.filter(s => { const r = s.getBoundingClientRect(); return r.width > 100 && r.height > 50; });
  let smallest = 1000, small = [], overlaps = [];
  for (const svg of charts) {
    const box = svg.viewBox.baseVal;
    const scale = box && box.width ? svg.getBoundingClientRect().width / box.width : 1;
    const texts = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim())
      .map(t => [t, t.getBoundingClientRect()]).filter(([, r]) => r.width > 0);
    for (const [t] of texts) {
      const px = parseFloat(getComputedStyle(t).fontSize) * scale;
      if (px < smallest) smallest = px;
      if (px < 9 && small.length < 5) small.push(t.textContent.trim() + ' ' + px.toFixed(1));
    }
    for (let i = 0; i < texts.length; i++) for (let j = 0; j < i; j++) {
      const a = texts[i][1], b = texts[j][1];
      const x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (x > 1 && y > 1 && overlaps.length < 10)
        overlaps.push(texts[i][0].textContent.trim() + ' / ' + texts[j][0].textContent.trim());
    }
  }
  const luminance = c => { const m = c.match(/\d+/g).map(Number); return (0.2126 * m[0] + 0.7152 * m[1] + 0.0722 * m[2]) / 255; };
  const backgrounds = charts.map(s => luminance(getComputedStyle(s.querySelector('rect')).fill));
  // Elements and attributes the report never writes itself: any of them came from repository
  // text. The report's own style attributes are a project colour, a share or a chart's width.
  const own = /^(--project:#[0-9a-f]{6}|--p:\d+%|min-width:\d+px)$/;
  const foreign = [...document.querySelectorAll('*')].filter(el =>
    el.id !== 'temper-probe' && (
      ['IMG', 'SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'BASE', 'LINK', 'FORM', 'INPUT', 'BUTTON', 'TEXTAREA', 'VIDEO', 'AUDIO'].includes(el.tagName)
      || (el.tagName === 'A' && !(el.getAttribute('href') || '').startsWith('#'))
      || ((el.tagName === 'STYLE' || el.tagName === 'META') && el.closest('body'))
      || (el.hasAttribute('style') && !own.test(el.getAttribute('style')))
      || [...el.attributes].some(a => a.name.startsWith('on'))));
  const top = window.parent !== window ? parent.document.body : document.body;
  top.setAttribute('data-probe', JSON.stringify({
    height, scroll: root.scrollWidth, inner: window.innerWidth, cards, charts: charts.length,
    drawn: drawn.length, smallest, small, overlaps,
    darkest: Math.min(...backgrounds), lightest: Math.max(...backgrounds),
    dark: matchMedia('(prefers-color-scheme: dark)').matches,
    foreign: foreign.map(e => e.tagName), errors: window.__errors }));
});
</script>"#;

/// What the probe reported.
#[derive(Debug, serde::Deserialize)]
struct Probe {
    height: u32,
    scroll: u32,
    inner: u32,
    cards: Vec<Card>,
    charts: u32,
    drawn: u32,
    smallest: f64,
    small: Vec<String>,
    overlaps: Vec<String>,
    darkest: f64,
    lightest: f64,
    dark: bool,
    foreign: Vec<String>,
    errors: Vec<String>,
}

#[derive(Debug, serde::Deserialize)]
struct Card {
    bottom: u32,
    badge: u32,
    sparks: u32,
}

/// A way of looking at the page.
struct View {
    name: &'static str,
    width: u32,
    dark: bool,
}

const VIEWS: [View; 3] = [
    View {
        name: "1280",
        width: 1280,
        dark: false,
    },
    View {
        name: "1280-dark",
        width: 1280,
        dark: true,
    },
    View {
        name: "390",
        width: 390,
        dark: false,
    },
];

/// Runs Chromium on `page` as `view` sees it with `args` (`--dump-dom`, `--screenshot=...`).
fn browse(browser: &Path, view: &View, page: &Path, args: &[&str]) -> std::process::Output {
    // Chromium's window is at least 500 px wide: a phone is a 390 px frame in it.
    let target = match view.width < 500 {
        true => {
            let frame = page.with_extension(format!("frame-{}.html", view.name));
            let name = page.file_name().unwrap().to_string_lossy().into_owned();
            std::fs::write(
                &frame,
                format!(
                    "<!DOCTYPE html><html><body style=\"margin:0\"><iframe src=\"{name}\" \
                     style=\"width:{}px;height:800px;border:0\"></iframe></body></html>",
                    view.width
                ),
            )
            .unwrap();
            frame
        }
        false => page.to_path_buf(),
    };
    let mut command = std::process::Command::new(browser);
    command.args([
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--allow-file-access-from-files",
        "--virtual-time-budget=8000",
        &format!("--window-size={},800", view.width.max(500)),
    ]);
    if view.dark {
        command.args([
            "--force-dark-mode",
            "--blink-settings=preferredColorScheme=0",
        ]);
    }
    command
        .args(args)
        .arg(format!("file://{}", target.display()))
        .output()
        .unwrap()
}

/// The probe's findings on `html` seen in `view`.
fn probe(browser: &Path, view: &View, html: &Path) -> Probe {
    let probed = html.with_file_name(format!("probed-{}.html", view.name));
    let text = std::fs::read_to_string(html).unwrap();
    std::fs::write(&probed, text.replace("</body>", &format!("{PROBE}</body>"))).unwrap();
    let dumped = browse(browser, view, &probed, &["--dump-dom"]);
    let dom = String::from_utf8_lossy(&dumped.stdout);
    let start = dom.find("data-probe=\"").unwrap_or_else(|| {
        panic!(
            "the browser ran no script in {}: {}",
            view.name,
            String::from_utf8_lossy(&dumped.stderr)
        )
    }) + "data-probe=\"".len();
    let end = dom[start..].find('"').unwrap() + start;
    let json = dom[start..end]
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json:.2000}"))
}

/// A screenshot of `html`'s first screen in `view`, for people to look at.
fn screenshot(browser: &Path, view: &View, html: &Path, name: &str) -> PathBuf {
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}.png", view.name));
    let taken = browse(
        browser,
        view,
        html,
        &[&format!("--screenshot={}", shot.display())],
    );
    assert!(
        shot.metadata().is_ok_and(|m| m.len() > 10_000),
        "no screenshot: {}",
        String::from_utf8_lossy(&taken.stderr)
    );
    shot
}

/// Chromium, or `None` when the test is to be skipped (it panics when Chromium is missing and
/// skipping was not asked for).
fn browser_or_skip() -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        if std::env::var_os("TEMPER_SKIP_BROWSER").is_some() {
            eprintln!("TEMPER_SKIP_BROWSER is set: the browser test is skipped");
            return None;
        }
        panic!(
            "the report test needs Chromium: apt-get install chromium (or set TEMPER_CHROMIUM to \
             its path; TEMPER_SKIP_BROWSER=1 skips this test)"
        );
    }
    found
}

#[test]
fn the_shipped_report_reads_on_one_screen_in_light_dark_and_on_a_phone() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("report");
    let datasets = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets");
    report("--dataset", &datasets, &out);
    let html = out.join("report.html");
    for view in &VIEWS {
        let p = probe(&browser, view, &html);
        let shot = screenshot(&browser, view, &html, "shipped");
        eprintln!("{}: {p:?}; screenshot {}", view.name, shot.display());
        assert_eq!(p.inner, view.width, "{}", view.name);
        assert_eq!(p.dark, view.dark, "{}: the colour scheme", view.name);
        assert!(
            p.scroll <= p.inner,
            "{}: the page is {} px wide",
            view.name,
            p.scroll
        );
        assert_eq!(p.cards.len(), 6, "{}: a card per project", view.name);
        for card in &p.cards {
            assert_eq!((card.badge, card.sparks), (1, 3), "{}: {card:?}", view.name);
        }
        assert!(p.charts >= 30, "{}: {} charts", view.name, p.charts);
        assert_eq!(p.drawn, p.charts, "{}: every chart is drawn", view.name);
        assert!(
            p.smallest >= 9.0,
            "{}: chart text at {:.1} px: {:?}",
            view.name,
            p.smallest,
            p.small
        );
        assert_eq!(
            p.overlaps,
            Vec::<String>::new(),
            "{}: overlapping labels",
            view.name
        );
        // Chart backgrounds: white on a light page, the page's dark grey on a dark one.
        match view.dark {
            true => assert!(
                p.lightest < 0.2,
                "{}: a light chart on a dark page",
                view.name
            ),
            false => assert!(
                p.darkest > 0.9,
                "{}: a dark chart on a light page",
                view.name
            ),
        }
        if view.width == 1280 {
            assert!(
                p.height <= 15_000,
                "{}: the page is {} px tall",
                view.name,
                p.height
            );
            let lowest = p.cards.iter().map(|c| c.bottom).max().unwrap();
            assert!(
                lowest <= 800,
                "{}: the cards end at {lowest} px, below the first screen",
                view.name
            );
        }
        assert_eq!(
            p.errors,
            Vec::<String>::new(),
            "{}: script errors",
            view.name
        );
        assert_eq!(
            p.foreign,
            Vec::<String>::new(),
            "{}: foreign elements",
            view.name
        );
    }
}

#[test]
fn repository_text_never_becomes_markup_in_the_browser() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let age = build_fixture("make_age.sh", tmp.path(), "age");
    let history = build_fixture("make_history.sh", tmp.path(), "history");
    analyze(&age, &store, &["--name", "<img src onerror alert(1)>"]);
    analyze(
        &history,
        &store,
        &[
            "--name",
            "a-very-long-project-name-that-could-push-the-page-wider-than-the-window",
        ],
    );
    let out = tmp.path().join("report");
    report("--store", &store, &out);
    for view in [&VIEWS[0], &VIEWS[2]] {
        let p = probe(&browser, view, &out.join("report.html"));
        assert!(
            p.scroll <= p.inner,
            "{}: the page is {} px wide",
            view.name,
            p.scroll
        );
        assert_eq!(p.drawn, p.charts, "{}: every chart is drawn", view.name);
        assert!(p.charts >= 7, "{} charts", p.charts);
        assert_eq!(
            p.foreign,
            Vec::<String>::new(),
            "elements from repository text"
        );
        assert_eq!(p.errors, Vec::<String>::new(), "script errors");
        assert_eq!(
            p.overlaps,
            Vec::<String>::new(),
            "{}: overlapping labels",
            view.name
        );
        assert!(p.smallest >= 9.0, "{}: {:?}", view.name, p.small);
        screenshot(&browser, view, &out.join("report.html"), "fixtures");
    }
}
