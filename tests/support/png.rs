//! A PNG that is only a header, for tests of evidence images (shared by the root tests and
//! `crates/render/tests/binder.rs`, which include this file by path: two test crates, one
//! writer).

/// A PNG that is a signature, a header claiming `width`×`height` pixels of `colour_type`
/// (0 grey, 2 RGB; 8 bits each), and an empty data chunk: enough for anything that reads
/// the size without decoding, and nothing a decoder could draw.
pub fn png_header_only(width: u32, height: u32, colour_type: u8) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend(width.to_be_bytes());
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([8, colour_type, 0, 0, 0]); // 8 bits, deflate, no filter, no interlace
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    for chunk in [ihdr, b"IDAT".to_vec(), b"IEND".to_vec()] {
        png.extend((chunk.len() as u32 - 4).to_be_bytes());
        png.extend(&chunk);
        png.extend(crc32(&chunk).to_be_bytes());
    }
    png
}
