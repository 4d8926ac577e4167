//! The HTML report in a real browser (headless Chromium, which `.ci/run` installs from the
//! distribution's packages): at 1280 px the page does not scroll sideways, no script error is
//! raised, every chart is drawn with a size, and no element or attribute came from repository
//! text (the projects are named with markup). A screenshot is written for people to look at.
//!
//! Without Chromium the test fails and says how to install it; `TEMPER_SKIP_BROWSER=1` skips it
//! on a machine that cannot have one.

use crate::common::*;

/// Chromium's path: `$TEMPER_CHROMIUM`, else the first of the usual names on `PATH`.
fn chromium() -> Option<std::path::PathBuf> {
    if let Some(path) = std::env::var_os("TEMPER_CHROMIUM") {
        return Some(path.into());
    }
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

/// What the probe script finds, written into the page's `data-probe` attribute.
const PROBE: &str = r#"<script id="temper-probe">
window.__errors = [];
window.addEventListener('error', e => window.__errors.push(String(e.message)));
window.addEventListener('load', () => {
  const root = document.documentElement;
  const svgs = [...document.querySelectorAll('figure svg')];
  const drawn = svgs.filter(s => { const r = s.getBoundingClientRect(); return r.width > 100 && r.height > 50; });
  const foreign = [...document.querySelectorAll('*')].filter(el =>
    el.id !== 'temper-probe' && (['IMG', 'SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'A'].includes(el.tagName) && !(el.tagName === 'A' && (el.getAttribute('href') || '').startsWith('#'))
      || [...el.attributes].some(a => a.name.startsWith('on'))));
  document.body.setAttribute('data-probe', JSON.stringify({
    scroll: root.scrollWidth, inner: window.innerWidth, svgs: svgs.length, drawn: drawn.length,
    foreign: foreign.map(e => e.tagName), errors: window.__errors }));
});
</script>"#;

fn probe_field<'a>(dom: &'a str, field: &str) -> &'a str {
    let key = format!("&quot;{field}&quot;:");
    let start = dom
        .find(&key)
        .unwrap_or_else(|| panic!("{field} in {dom:.2000}"))
        + key.len();
    let rest = &dom[start..];
    let end = rest
        .find(",&quot;")
        .or_else(|| rest.find('}'))
        .unwrap_or(rest.len());
    &rest[..end]
}

#[test]
fn the_html_report_fits_and_draws_in_a_browser() {
    let Some(browser) = chromium() else {
        if std::env::var_os("TEMPER_SKIP_BROWSER").is_some() {
            eprintln!("TEMPER_SKIP_BROWSER is set: the browser test is skipped");
            return;
        }
        panic!(
            "the report test needs Chromium: apt-get install chromium (or set TEMPER_CHROMIUM to \
             its path; TEMPER_SKIP_BROWSER=1 skips this test)"
        );
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
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let probed = out.join("probed.html");
    std::fs::write(&probed, html.replace("</body>", &format!("{PROBE}</body>"))).unwrap();
    let run = |args: &[&str], page: &std::path::Path| {
        std::process::Command::new(&browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--window-size=1280,900",
                "--virtual-time-budget=5000",
            ])
            .args(args)
            .arg(format!("file://{}", page.display()))
            .output()
            .unwrap()
    };
    let dumped = run(&["--dump-dom"], &probed);
    let dom = String::from_utf8_lossy(&dumped.stdout);
    assert!(
        dom.contains("data-probe"),
        "the browser ran no script: {}",
        String::from_utf8_lossy(&dumped.stderr)
    );
    let scroll: u32 = probe_field(&dom, "scroll").parse().unwrap();
    let inner: u32 = probe_field(&dom, "inner").parse().unwrap();
    assert_eq!(inner, 1280);
    assert!(
        scroll <= inner,
        "the page is {scroll} px wide at {inner} px"
    );
    let svgs: u32 = probe_field(&dom, "svgs").parse().unwrap();
    let drawn: u32 = probe_field(&dom, "drawn").parse().unwrap();
    assert!(svgs >= 7, "{svgs} charts");
    assert_eq!(drawn, svgs, "every chart is visible");
    assert_eq!(
        probe_field(&dom, "foreign"),
        "[]",
        "elements from repository text"
    );
    assert_eq!(probe_field(&dom, "errors"), "[]", "script errors");
    // A screenshot of the report as shipped, for people to look at.
    let shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-1280.png");
    let taken = run(
        &[&format!("--screenshot={}", shot.display())],
        &out.join("report.html"),
    );
    assert!(
        shot.metadata().is_ok_and(|m| m.len() > 10_000),
        "no screenshot: {}",
        String::from_utf8_lossy(&taken.stderr)
    );
    eprintln!(
        "probe: scroll {scroll} of {inner} px, {drawn} of {svgs} charts drawn; screenshot: {}",
        shot.display()
    );
}
