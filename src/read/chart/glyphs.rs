//! Text on PNG charts, placed the way the font says.
//!
//! plotters (0.3.7) draws each glyph of a PNG text at the pen position without the glyph's left
//! side bearing and rounds the pen to whole pixels, so letters drift apart or touch ("B ASH",
//! "J SON", "UTC" touching) and labels in a column start at different x. [`Kerned`] wraps the
//! bitmap backend and draws text itself with ab_glyph: each glyph outlined at its fractional pen
//! position (advance plus kerning), its bearing included, and blended into the image. Everything
//! else (lines, rectangles, anchors, rotation, the text box plotters lays out around) is as
//! plotters does it: the box is the advance width by `size / 1.24`, the baseline half the size
//! below its top, as plotters' own ab_glyph font code has them. SVG keeps text as text, laid out
//! by the viewer, so it needs none of this.

use ab_glyph::{point, Font, FontRef, ScaleFont};
use plotters::prelude::BitMapBackend;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};

use super::theme::FONT;

/// The shipped font, parsed once.
fn font() -> Option<&'static FontRef<'static>> {
    static FONT_REF: std::sync::OnceLock<Option<FontRef<'static>>> = std::sync::OnceLock::new();
    FONT_REF
        .get_or_init(|| FontRef::try_from_slice(FONT).ok())
        .as_ref()
}

/// The pen position of each character of `text` at `size` px, and the advance width of it all.
fn pen_positions(font: &FontRef<'static>, size: f32, text: &str) -> (Vec<f32>, f32) {
    let scaled = font.as_scaled(size);
    let mut x = 0.0f32;
    let mut previous = None;
    let mut pens = Vec::with_capacity(text.len());
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = previous {
            x += scaled.kern(p, id);
        }
        pens.push(x);
        x += scaled.h_advance(id);
        previous = Some(id);
    }
    (pens, x)
}

/// The advance width of `text` set in the shipped font at `px` pixels: what a viewer with
/// DejaVu Sans lays out (the SVG names it first), for fitting labels before they are drawn.
pub fn text_width(px: f64, text: &str) -> f64 {
    font().map_or(px * 0.62 * text.chars().count() as f64, |f| {
        f64::from(pen_positions(f, px as f32, text).1)
    })
}

/// The text box plotters lays out around: the advance width by `size / 1.24`.
fn layout_box(size: f64, text: &str) -> (i32, i32) {
    let width = font().map_or(0.0, |f| pen_positions(f, size as f32, text).1);
    (width.ceil() as i32, box_height(size))
}

/// The text box's height at `size`, as plotters has it.
fn box_height(size: f64) -> i32 {
    (size / 1.24) as i32
}

/// A bitmap backend whose text is drawn by [`draw_text`](DrawingBackend::draw_text) here.
pub struct Kerned<'a>(pub BitMapBackend<'a>);

type Error<'a> = DrawingErrorKind<<BitMapBackend<'a> as DrawingBackend>::ErrorType>;

impl<'a> DrawingBackend for Kerned<'a> {
    type ErrorType = <BitMapBackend<'a> as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), Error<'a>> {
        self.0.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), Error<'a>> {
        self.0.present()
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result<(), Error<'a>> {
        self.0.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), Error<'a>> {
        self.0.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), Error<'a>> {
        self.0.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), Error<'a>> {
        self.0.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), Error<'a>> {
        self.0.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), Error<'a>> {
        self.0.fill_polygon(vert, style)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), Error<'a>> {
        self.0.blit_bitmap(pos, size, src)
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), Error<'a>> {
        let (w, h) = layout_box(style.size(), text);
        Ok((w.max(0) as u32, h.max(0) as u32))
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), Error<'a>> {
        let color = style.color();
        let Some(font) = font() else {
            return self.0.draw_text(text, style, pos);
        };
        if color.alpha == 0.0 {
            return Ok(());
        }
        let size = style.size();
        let (pens, advance) = pen_positions(font, size as f32, text);
        let (width, height) = (advance.ceil() as i32, box_height(size));
        let dx = match style.anchor().h_pos {
            HPos::Left => 0,
            HPos::Right => -width,
            HPos::Center => -width / 2,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0,
            VPos::Center => -height / 2,
            VPos::Bottom => -height,
        };
        let transform = style.transform();
        let (w, h) = self.get_size();
        let scaled = font.as_scaled(size as f32);
        let baseline = size as f32 / 2.0;
        for (c, pen) in text.chars().zip(pens) {
            let glyph = scaled
                .glyph_id(c)
                .with_scale_and_position(size as f32, point(pen, baseline));
            let Some(outline) = font.outline_glyph(glyph) else {
                continue;
            };
            let bounds = outline.px_bounds();
            let mut pixels = Vec::new();
            outline.draw(|x, y, coverage| pixels.push((x, y, coverage)));
            for (x, y, coverage) in pixels {
                let gx = bounds.min.x as i32 + x as i32 + dx;
                let gy = bounds.min.y as i32 + y as i32 + dy;
                let (tx, ty) = transform.transform(gx, gy);
                let (px, py) = (pos.0 + tx, pos.1 + ty);
                if coverage > 0.0 && px >= 0 && py >= 0 && px < w as i32 && py < h as i32 {
                    let blended = BackendColor {
                        alpha: color.alpha * f64::from(coverage.min(1.0)),
                        rgb: color.rgb,
                    };
                    self.0.draw_pixel((px, py), blended)?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::prelude::*;
    use plotters::style::text_anchor::Pos;

    const SIZE: f64 = 48.0;

    /// Renders `text` in black on white at `(x, 20)`, left-anchored, and returns which columns
    /// hold ink (any pixel covered by an eighth or more).
    fn ink_columns(text: &str, x: i32) -> Vec<bool> {
        super::super::theme::register_font();
        let (w, h) = (600u32, 100u32);
        let mut pixels = vec![255u8; (w * h * 3) as usize];
        {
            let root = Kerned(BitMapBackend::with_buffer(&mut pixels, (w, h))).into_drawing_area();
            let style = TextStyle::from((super::super::theme::FONT_FAMILY, SIZE).into_font())
                .color(&BLACK)
                .pos(Pos::new(HPos::Left, VPos::Top));
            root.draw(&Text::new(text.to_string(), (x, 20), style))
                .unwrap();
            root.present().unwrap();
        }
        (0..w as usize)
            .map(|col| (0..h as usize).any(|row| pixels[(row * w as usize + col) * 3] < 224))
            .collect()
    }

    /// The font's own metrics of `c` at SIZE, unrounded: the ink's left edge (the left side
    /// bearing) and right edge from the pen, and the advance.
    fn metrics(c: char) -> (f32, f32, f32) {
        let font = font().unwrap();
        let scaled = font.as_scaled(SIZE as f32);
        let id = scaled.glyph_id(c);
        let ink = font.outline(id).unwrap().bounds;
        let k = scaled.h_scale_factor();
        (ink.min.x * k, ink.max.x * k, scaled.h_advance(id))
    }

    /// Runs of inked columns.
    fn ink_runs(cols: &[bool]) -> Vec<(usize, usize)> {
        let mut runs = Vec::new();
        let mut start = None;
        for (i, &ink) in cols.iter().chain([&false]).enumerate() {
            match (ink, start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    runs.push((s, i));
                    start = None;
                }
                _ => {}
            }
        }
        runs
    }

    /// The ink of a left-anchored label starts where the font puts its first glyph's outline:
    /// the anchor plus the glyph's left side bearing (plotters drew it at the anchor itself), so
    /// labels in one column starting with different letters line up as the font intends.
    #[test]
    fn ink_starts_at_the_left_side_bearing() {
        for text in ["BASH", "JSON", "UTC", "Go", "YAML"] {
            let first = text.chars().next().unwrap();
            let (lsb, _, _) = metrics(first);
            let start = ink_columns(text, 100).iter().position(|&c| c).unwrap();
            let expected = 100.0 + lsb;
            assert!(
                (start as f32 - expected).abs() <= 1.0,
                "{text}: ink at {start}, the font says {expected:.1}"
            );
        }
    }

    /// Between two letters the blank columns are what the font designs: the first's advance past
    /// its ink, plus kerning, plus the second's bearing (within a pixel of rounding).
    #[test]
    fn letter_gaps_follow_the_font() {
        let font = font().unwrap();
        let scaled = font.as_scaled(SIZE as f32);
        for pair in ["BA", "JS", "UT", "TC", "AV"] {
            let mut chars = pair.chars();
            let (a, b) = (chars.next().unwrap(), chars.next().unwrap());
            let (_, a_right, a_advance) = metrics(a);
            let (b_lsb, _, _) = metrics(b);
            let kern = scaled.kern(scaled.glyph_id(a), scaled.glyph_id(b));
            let designed = a_advance + kern + b_lsb - a_right;
            let runs = ink_runs(&ink_columns(pair, 100));
            if designed <= 0.5 {
                // Touching or overlapping by design (e.g. "AV"): no more than a pixel apart.
                let gap = if runs.len() >= 2 {
                    runs[1].0 - runs[0].1
                } else {
                    0
                };
                assert!(gap <= 1, "{pair}: {runs:?}, designed {designed:.2}");
                continue;
            }
            assert_eq!(runs.len(), 2, "{pair}: {runs:?}");
            let gap = (runs[1].0 - runs[0].1) as f32;
            assert!(
                (gap - designed).abs() <= 1.5,
                "{pair}: {gap} blank columns, the font designs {designed:.2}"
            );
        }
    }
}
