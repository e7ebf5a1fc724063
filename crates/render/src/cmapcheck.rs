//! Work-around for large CJK fonts whose only Unicode `cmap` is format 4.
//!
//! ttf-parser 0.25 (used by Typst 0.15 for shaping) computes a format-4 glyph id that
//! comes from the glyph-index array as an `i16` and drops ids ≥ 32768. A CJK font has
//! ~30 000–65 000 glyphs, so in such a font (e.g. the Noto CJK subsets in `fonts/`)
//! characters like 量, 要 and “ shape to `.notdef`: blank boxes, and a failed PDF/A
//! export. Typst and rustybuzz both prefer a format-12 (3,10) subtable when one exists,
//! so on load we add one, decoded from the format-4 table with correct 16-bit
//! arithmetic. Fonts that already have a 32-bit subtable, or whose format-4 table never
//! yields an id ≥ 32768 through the glyph-index array, are left untouched.

/// Returns a standalone sfnt (face `index` of a collection, or the font itself) with a
/// format-12 `cmap` subtable added, or `None` when the font needs no fix.
pub fn patch(data: &[u8], index: u32) -> Option<Vec<u8>> {
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
    let mut tables = Vec::with_capacity(num_tables);
    for i in 0..num_tables {
        let rec = face + 12 + 16 * i;
        let tag: [u8; 4] = data.get(rec..rec + 4)?.try_into().ok()?;
        let off = u32_at(data, rec + 8)? as usize;
        let len = u32_at(data, rec + 12)? as usize;
        tables.push((tag, data.get(off..off + len)?));
    }
    let cmap = tables.iter().find(|(t, _)| t == b"cmap")?.1;
    let new_cmap = fix_cmap(cmap)?;

    // Rebuild the sfnt with the new cmap; the other tables are copied verbatim.
    let mut out = Vec::with_capacity(data.len() / 2 + new_cmap.len());
    out.extend_from_slice(data.get(face..face + 12)?);
    let dir_len = 12 + 16 * num_tables;
    out.resize(dir_len, 0);
    let mut offset = dir_len;
    let mut body = Vec::new();
    for (i, (tag, bytes)) in tables.iter().enumerate() {
        let bytes: &[u8] = if tag == b"cmap" { &new_cmap } else { bytes };
        let rec = 12 + 16 * i;
        out[rec..rec + 4].copy_from_slice(tag);
        out[rec + 4..rec + 8].copy_from_slice(&checksum(bytes).to_be_bytes());
        out[rec + 8..rec + 12].copy_from_slice(&(offset as u32).to_be_bytes());
        out[rec + 12..rec + 16].copy_from_slice(&(bytes.len() as u32).to_be_bytes());
        body.extend_from_slice(bytes);
        while body.len() % 4 != 0 {
            body.push(0);
        }
        offset = dir_len + body.len();
    }
    out.extend_from_slice(&body);
    Some(out)
}

fn u16_at(d: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(d.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(d.get(at..at + 4)?.try_into().ok()?))
}

fn checksum(bytes: &[u8]) -> u32 {
    bytes.chunks(4).fold(0u32, |sum, c| {
        let mut w = [0u8; 4];
        w[..c.len()].copy_from_slice(c);
        sum.wrapping_add(u32::from_be_bytes(w))
    })
}

fn fix_cmap(cmap: &[u8]) -> Option<Vec<u8>> {
    let n = u16_at(cmap, 2)? as usize;
    let mut records = Vec::with_capacity(n);
    let mut format4 = None;
    for i in 0..n {
        let rec = 4 + 8 * i;
        let platform = u16_at(cmap, rec)?;
        let encoding = u16_at(cmap, rec + 2)?;
        let off = u32_at(cmap, rec + 4)? as usize;
        let format = u16_at(cmap, off)?;
        let unicode = platform == 0 || (platform == 3 && (encoding == 1 || encoding == 10));
        if unicode && (format == 12 || format == 13) {
            return None; // a 32-bit table exists: nothing to fix
        }
        if unicode && format == 4 && format4.is_none() {
            format4 = Some(off);
        }
        records.push((platform, encoding, off));
    }
    let groups = group(decode_format4(cmap.get(format4?..)?)?);

    let mut sub = Vec::with_capacity(16 + 12 * groups.len());
    sub.extend_from_slice(&12u16.to_be_bytes());
    sub.extend_from_slice(&0u16.to_be_bytes());
    sub.extend_from_slice(&((16 + 12 * groups.len()) as u32).to_be_bytes());
    sub.extend_from_slice(&0u32.to_be_bytes());
    sub.extend_from_slice(&(groups.len() as u32).to_be_bytes());
    for (start, end, glyph) in &groups {
        sub.extend_from_slice(&start.to_be_bytes());
        sub.extend_from_slice(&end.to_be_bytes());
        sub.extend_from_slice(&glyph.to_be_bytes());
    }

    // New table: one more encoding record; old subtables copied after the new
    // directory (their offsets shift by 8), the format-12 subtable appended.
    let old_dir = 4 + 8 * n;
    let shift = 8usize;
    let mut all: Vec<(u16, u16, usize)> = records
        .iter()
        .map(|&(p, e, off)| (p, e, off + shift))
        .collect();
    let f12_off = old_dir + shift + (cmap.len() - old_dir);
    all.push((3, 10, f12_off));
    all.sort_by_key(|&(p, e, _)| (p, e));
    let mut out = Vec::with_capacity(f12_off + sub.len());
    out.extend_from_slice(&0u16.to_be_bytes());
    out.extend_from_slice(&((n + 1) as u16).to_be_bytes());
    for (p, e, off) in all {
        out.extend_from_slice(&p.to_be_bytes());
        out.extend_from_slice(&e.to_be_bytes());
        out.extend_from_slice(&(off as u32).to_be_bytes());
    }
    out.extend_from_slice(&cmap[old_dir..]);
    out.extend_from_slice(&sub);
    Some(out)
}

/// Runs where code point and glyph both increase by one: (start, end, start glyph).
fn group(pairs: Vec<(u32, u32)>) -> Vec<(u32, u32, u32)> {
    let mut groups: Vec<(u32, u32, u32)> = Vec::new();
    for (c, g) in pairs {
        if let Some((start, end, glyph)) = groups.last_mut()
            && c == *end + 1
            && g == *glyph + (c - *start)
        {
            *end = c;
            continue;
        }
        groups.push((c, c, g));
    }
    groups
}

/// All (code point, glyph) pairs of a format-4 subtable, with 16-bit modular glyph
/// arithmetic as the specification says. `None` when the table never maps a code point
/// through the glyph-index array to an id ≥ 32768 (ttf-parser reads those fine).
fn decode_format4(t: &[u8]) -> Option<Vec<(u32, u32)>> {
    let seg_x2 = u16_at(t, 6)? as usize;
    let segs = seg_x2 / 2;
    let ends = 14;
    let starts = ends + seg_x2 + 2;
    let deltas = starts + seg_x2;
    let ranges = deltas + seg_x2;
    let mut out = Vec::new();
    let mut needed = false;
    for i in 0..segs {
        let end = u16_at(t, ends + 2 * i)?;
        let start = u16_at(t, starts + 2 * i)?;
        let delta = u16_at(t, deltas + 2 * i)?;
        let ro = u16_at(t, ranges + 2 * i)? as usize;
        if start > end {
            continue;
        }
        for c in start..=end {
            if c == 0xFFFF {
                break;
            }
            let g = if ro == 0 {
                c.wrapping_add(delta)
            } else if ro == 0xFFFF {
                0
            } else {
                let pos = ranges + 2 * i + ro + 2 * (c - start) as usize;
                match u16_at(t, pos) {
                    Some(0) | None => 0,
                    Some(v) => {
                        let g = v.wrapping_add(delta);
                        if g >= 0x8000 {
                            needed = true;
                        }
                        g
                    }
                }
            };
            if g != 0 {
                out.push((c as u32, g as u32));
            }
        }
    }
    needed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped 朱雀仿宋 subset carries its own format 12 (3,10) subtable, so it is
    /// loaded as is.
    #[test]
    fn the_shipped_fangsong_has_a_32_bit_cmap_and_needs_no_patch() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fonts/ZhuqueFangsong-Regular.ttf"
        );
        let data = std::fs::read(path).expect("fonts/ZhuqueFangsong-Regular.ttf");
        let num_tables = u16_at(&data, 4).unwrap() as usize;
        let cmap = (0..num_tables)
            .map(|i| 12 + 16 * i)
            .find(|&rec| &data[rec..rec + 4] == b"cmap")
            .map(|rec| u32_at(&data, rec + 8).unwrap() as usize)
            .expect("cmap table");
        let subtables = u16_at(&data, cmap + 2).unwrap() as usize;
        let has_format12 = (0..subtables).any(|i| {
            let rec = cmap + 4 + 8 * i;
            let (platform, encoding) =
                (u16_at(&data, rec).unwrap(), u16_at(&data, rec + 2).unwrap());
            let offset = u32_at(&data, rec + 4).unwrap() as usize;
            platform == 3 && encoding == 10 && u16_at(&data, cmap + offset) == Some(12)
        });
        assert!(has_format12, "no format 12 (3,10) cmap subtable");
        assert!(patch(&data, 0).is_none(), "the font should need no patch");
    }
}
