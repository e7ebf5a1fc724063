//! Load-time check for large fonts whose only Unicode `cmap` is format 4.
//!
//! ttf-parser 0.25 (used by Typst 0.15 for shaping) computes a format-4 glyph id that
//! comes from the glyph-index array as an `i16` and drops ids ≥ 32768. In such a font
//! characters like 量, 要 and “ shape to `.notdef`: blank boxes, and a failed PDF/A
//! export. A format-12 (3,10) subtable has no such limit and is preferred by Typst and
//! rustybuzz, so the shipped subsets in `fonts/` carry one (`scripts/subset-fonts.sh`).
//! The program no longer patches fonts in memory — that copied 66 MB on every run — so a
//! font that would lose characters is refused when the fonts are scanned, instead of
//! silently printing blank boxes.

/// Whether ttf-parser would lose mappings of face `index` of `data` (a font or a
/// collection): it has no 32-bit Unicode subtable (format 12 or 13), and its Unicode
/// format-4 subtable maps some code point through the glyph-index array to a glyph id
/// ≥ 32768. Unparsable data counts as fine here; Typst reports it on its own terms.
pub fn drops_glyphs(data: &[u8], index: u32) -> bool {
    format4_needing_32_bits(data, index).unwrap_or(false)
}

fn format4_needing_32_bits(data: &[u8], index: u32) -> Option<bool> {
    let face = if data.get(0..4)? == b"ttcf" {
        let n = u32_at(data, 8)?;
        if index >= n {
            return None;
        }
        u32_at(data, 12 + 4 * index as usize)? as usize
    } else {
        0
    };
    let num_tables = u16_at(data, face + 4)? as usize;
    let cmap = (0..num_tables)
        .map(|i| face + 12 + 16 * i)
        .find(|&rec| data.get(rec..rec + 4) == Some(b"cmap"))?;
    let offset = u32_at(data, cmap + 8)? as usize;
    let len = u32_at(data, cmap + 12)? as usize;
    let cmap = data.get(offset..offset.checked_add(len)?)?;

    let mut format4 = None;
    for i in 0..u16_at(cmap, 2)? as usize {
        let rec = 4 + 8 * i;
        let platform = u16_at(cmap, rec)?;
        let encoding = u16_at(cmap, rec + 2)?;
        let off = u32_at(cmap, rec + 4)? as usize;
        let format = u16_at(cmap, off)?;
        let unicode = platform == 0 || (platform == 3 && (encoding == 1 || encoding == 10));
        if unicode && (format == 12 || format == 13) {
            return Some(false);
        }
        if unicode && format == 4 && format4.is_none() {
            format4 = Some(off);
        }
    }
    Some(format4_has_wide_ids(cmap.get(format4?..)?))
}

/// Whether a format-4 subtable maps a code point through its glyph-index array to an id
/// ≥ 32768 (computed with 16-bit modular arithmetic, as the specification says).
fn format4_has_wide_ids(t: &[u8]) -> bool {
    let Some(seg_x2) = u16_at(t, 6).map(usize::from) else {
        return false;
    };
    let ends = 14;
    let starts = ends + seg_x2 + 2;
    let deltas = starts + seg_x2;
    let ranges = deltas + seg_x2;
    for i in 0..seg_x2 / 2 {
        let (Some(end), Some(start), Some(delta), Some(ro)) = (
            u16_at(t, ends + 2 * i),
            u16_at(t, starts + 2 * i),
            u16_at(t, deltas + 2 * i),
            u16_at(t, ranges + 2 * i),
        ) else {
            return false;
        };
        // ro == 0: glyph = code point + delta, which ttf-parser computes correctly.
        if ro == 0 || ro == 0xFFFF || start > end {
            continue;
        }
        for c in start..=end {
            let pos = ranges + 2 * i + ro as usize + 2 * usize::from(c - start);
            match u16_at(t, pos) {
                Some(0) | None => {}
                Some(v) => {
                    if v.wrapping_add(delta) >= 0x8000 {
                        return true;
                    }
                }
            }
        }
    }
    false
}

fn u16_at(d: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(d.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(d.get(at..at + 4)?.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped(name: &str) -> Vec<u8> {
        let path = format!("{}/../../fonts/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// Removes every 32-bit Unicode subtable from the cmap directory (the records are
    /// renamed to platform 3, encoding 0 — symbol — which no Unicode lookup uses), which
    /// is what the shipped Noto subsets looked like before they got a format 12 table.
    fn without_format12(mut data: Vec<u8>) -> Vec<u8> {
        let num_tables = u16_at(&data, 4).unwrap() as usize;
        let rec = (0..num_tables)
            .map(|i| 12 + 16 * i)
            .find(|&rec| &data[rec..rec + 4] == b"cmap")
            .unwrap();
        let cmap = u32_at(&data, rec + 8).unwrap() as usize;
        for i in 0..u16_at(&data, cmap + 2).unwrap() as usize {
            let r = cmap + 4 + 8 * i;
            let off = u32_at(&data, r + 4).unwrap() as usize;
            if u16_at(&data, cmap + off) == Some(12) {
                data[r..r + 4].copy_from_slice(&[0, 3, 0, 0]);
            }
        }
        data
    }

    /// All (code point, glyph) pairs of the Unicode format-4 subtable of a single font,
    /// decoded with 16-bit modular arithmetic as the specification says — what the old
    /// in-memory patch turned into a format 12 table.
    fn format4_pairs(data: &[u8]) -> Vec<(u16, u16)> {
        let num_tables = u16_at(data, 4).unwrap() as usize;
        let rec = (0..num_tables)
            .map(|i| 12 + 16 * i)
            .find(|&rec| &data[rec..rec + 4] == b"cmap")
            .unwrap();
        let cmap = &data[u32_at(data, rec + 8).unwrap() as usize..];
        let off = (0..u16_at(cmap, 2).unwrap() as usize)
            .map(|i| 4 + 8 * i)
            .filter(|&r| u16_at(cmap, r) == Some(3) && u16_at(cmap, r + 2) == Some(1))
            .map(|r| u32_at(cmap, r + 4).unwrap() as usize)
            .find(|&off| u16_at(cmap, off) == Some(4))
            .expect("a (3,1) format 4 subtable");
        let t = &cmap[off..];
        let seg_x2 = u16_at(t, 6).unwrap() as usize;
        let (ends, starts) = (14, 14 + seg_x2 + 2);
        let (deltas, ranges) = (starts + seg_x2, starts + 2 * seg_x2);
        let mut pairs = Vec::new();
        for i in 0..seg_x2 / 2 {
            let end = u16_at(t, ends + 2 * i).unwrap();
            let start = u16_at(t, starts + 2 * i).unwrap();
            let delta = u16_at(t, deltas + 2 * i).unwrap();
            let ro = u16_at(t, ranges + 2 * i).unwrap() as usize;
            for c in start..=end.min(0xFFFE) {
                let g = if ro == 0 {
                    c.wrapping_add(delta)
                } else {
                    match u16_at(t, ranges + 2 * i + ro + 2 * usize::from(c - start)) {
                        Some(0) | None => 0,
                        Some(v) => v.wrapping_add(delta),
                    }
                };
                if g != 0 {
                    pairs.push((c, g));
                }
            }
        }
        pairs
    }

    /// Every shipped font maps, through ttf-parser (what Typst shapes and checks glyphs
    /// with), every code point of its format-4 table to the same glyph as the table
    /// itself — so the shipped files cover all that the removed in-memory patch
    /// provided — including 量 and GBK characters whose glyph ids are above 32767 in the
    /// Noto subsets.
    #[test]
    fn every_shipped_font_resolves_its_whole_cmap_through_ttf_parser() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fonts");
        let mut fonts: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("otf" | "ttf")))
            .collect();
        fonts.sort();
        assert_eq!(fonts.len(), 6, "{fonts:?}");
        let mut wide_ids = 0;
        for path in &fonts {
            let data = std::fs::read(path).unwrap();
            let face = ttf_parser::Face::parse(&data, 0).unwrap();
            let pairs = format4_pairs(&data);
            assert!(pairs.len() > 12_000, "{}: {}", path.display(), pairs.len());
            for &(c, g) in &pairs {
                let Some(ch) = char::from_u32(u32::from(c)) else {
                    continue;
                };
                assert_eq!(
                    face.glyph_index(ch).map(|g| g.0),
                    Some(g),
                    "{}: U+{c:04X}",
                    path.display()
                );
            }
            wide_ids += pairs.iter().filter(|(_, g)| *g >= 0x8000).count();
            // 量 (the character PDF/A export used to fail on), 劼 (in the example data),
            // and a GBK-only hanzi outside GB 2312 (亍 is in GB 2312; 丟 is GBK only).
            for ch in ['量', '劼', '丟', '“', '—'] {
                assert!(
                    face.glyph_index(ch).is_some_and(|g| g.0 != 0),
                    "{}: {ch}",
                    path.display()
                );
            }
            assert!(!drops_glyphs(&data, 0), "{}", path.display());
        }
        // The comparison above must have covered the ids the old patch existed for.
        assert!(wide_ids > 10_000, "{wide_ids}");
    }

    /// The check must fire on the fonts it exists for: the same Noto subset with only its
    /// format 4 table is refused; with its format 12 table (as shipped) it is accepted.
    #[test]
    fn a_large_cjk_font_with_only_format_4_is_detected() {
        let data = shipped("NotoSerifCJKsc-Regular.otf");
        assert!(!drops_glyphs(&data, 0), "the shipped file has format 12");
        assert!(drops_glyphs(&without_format12(data), 0));
    }

    /// Loading the fonts refuses such a file with a message naming it, instead of
    /// printing blank boxes later.
    #[test]
    fn the_font_set_refuses_a_font_that_would_lose_characters() {
        let dir = tempfile::tempdir().unwrap();
        let narrow = without_format12(shipped("NotoSansCJKsc-Regular.otf"));
        std::fs::write(dir.path().join("NotoSansCJKsc-Regular.otf"), narrow).unwrap();
        let err = match crate::fonts::FontSet::load_with(dir.path(), false) {
            Ok(_) => panic!("a font with only a format 4 cmap and glyph ids > 32767 was accepted"),
            Err(e) => e.to_string(),
        };
        assert!(err.contains("NotoSansCJKsc-Regular.otf"), "{err}");
        assert!(err.contains("format 12"), "{err}");

        // The same file as shipped is accepted (and serves 黑体).
        std::fs::write(
            dir.path().join("NotoSansCJKsc-Regular.otf"),
            shipped("NotoSansCJKsc-Regular.otf"),
        )
        .unwrap();
        for other in [
            "NotoSerifCJKsc-Regular.otf",
            "LXGWWenKai-Regular.ttf",
            "ZhuqueFangsong-Regular.ttf",
        ] {
            std::fs::write(dir.path().join(other), shipped(other)).unwrap();
        }
        let set = crate::fonts::FontSet::load_with(dir.path(), false).expect("fonts load");
        assert_eq!(
            set.families(crate::fonts::Role::Heiti),
            ["Noto Sans CJK SC".to_string()]
        );
    }

    /// 朱雀仿宋 has fewer than 32768 glyphs: even without its format 12 table nothing is
    /// lost, so the check must not fire (no false alarm for ordinary fonts).
    #[test]
    fn a_font_with_small_glyph_ids_passes_without_format_12() {
        let data = shipped("ZhuqueFangsong-Regular.ttf");
        assert!(!drops_glyphs(&without_format12(data), 0));
    }
}
