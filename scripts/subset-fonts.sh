#!/usr/bin/env bash
# Regenerates the open fonts in fonts/ (dev machine only). The shipped files were made with two
# fontTools versions, and each reproduces its files (checked by comparing the tables):
# - Noto CJK and LXGW WenKai: fontTools 4.68.0 (PY) — byte for byte before the format 12 table
#   is added (checked for all five). Debian's 4.38 would drop
#   the BASE table and change CFF, GSUB and GPOS.
# - 朱雀仿宋: Debian's fontTools 4.38 (ZPY, apt-get install python3-fonttools) — every table
#   but head (its modification time) as shipped. 4.68 changes glyf, GSUB and others.
#
#   python3 -m venv /tmp/ft && /tmp/ft/bin/pip install fonttools==4.68.0
#   PY=/tmp/ft/bin/python scripts/subset-fonts.sh
#
#   scripts/subset-fonts.sh          all faces
#   scripts/subset-fonts.sh zhuque   only 朱雀仿宋 (the 仿宋 role)
#   scripts/subset-fonts.sh noto     only the Noto CJK and LXGW WenKai faces
#   scripts/subset-fonts.sh format12 only add the format 12 table to the Noto CJK and LXGW
#                                    files already in fonts/ (what `noto` does after subsetting)
#
# Sources: Debian fonts-noto-cjk (2022-01-27) and fonts-lxgw-wenkai (1.250); 朱雀仿宋 0.211
# (TrionesType, SIL OFL 1.1) built with fontmake from upstream commit 227319a1 — set ZHUQUE to its
# path. Every subset gets a 32-bit format 12 cmap subtable (see add_format12 below).
set -e
U="U+0020-007E,U+00A0-024F,U+02C6-02DD,U+0391-03C9,U+0401-0451,U+2000-206F,U+20AC,U+2100-218F,U+2190-21FF,U+2200-22FF,U+2300-23FF,U+2460-24FF,U+2500-257F,U+25A0-25FF,U+2600-26FF,U+2700-27BF,U+3000-303F,U+3040-30FF,U+3105-312F,U+3200-32FF,U+3300-33FF,U+3400-4DBF,U+4E00-9FFF,U+F900-FAFF,U+FE10-FE1F,U+FE30-FE4F,U+FF00-FFEF"
F=${OUT:-"$(cd "$(dirname "$0")/.." && pwd)/fonts"}   # OUT=dir writes elsewhere (to compare)
N=/usr/share/fonts/opentype/noto
ZHUQUE=${ZHUQUE:-/work/shared/fonts/ZhuqueFangsong-Regular.ttf}
PY=${PY:-python3}           # an interpreter with fontTools 4.68.0 (Noto CJK, LXGW WenKai)
ZPY=${ZPY:-/usr/bin/python3}  # Debian's python3-fonttools 4.38 (朱雀仿宋)

# sub SOURCE FONT-NUMBER OUTPUT [UNICODES]; $FT is the interpreter with the wanted fontTools
sub() { "$FT" -m fontTools.subset "$1" --font-number="$2" --unicodes="${4:-$U}" --layout-features='*' --name-IDs='*' --name-languages='*' --output-file="$3" --no-hinting; }

# ttf-parser (used by Typst) reads glyph ids above 32767 in a format 4 subtable as negative and
# drops them; a format 12 subtable (platform 3, encoding 10) has no such limit and is preferred.
# pyftsubset keeps only the format 4 tables of the Noto CJK and LXGW sources, so the table is
# added afterwards, with the mappings of the format 4 table decoded by fontTools (16-bit
# arithmetic, as the specification says). All other tables stay byte for byte as subset.
add_format12() {
  "$FT" - "$1" <<'PYEOF'
import sys
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables._c_m_a_p import CmapSubtable
path = sys.argv[1]
# Keep head.modified: regenerating from the same sources gives the same bytes.
font = TTFont(path, recalcTimestamp=False)
cmap = font["cmap"]
if not any(t.format == 12 and t.platformID == 3 and t.platEncID == 10 for t in cmap.tables):
    t = CmapSubtable.newSubtable(12)
    t.platformID, t.platEncID, t.language = 3, 10, 0
    t.cmap = dict(font.getBestCmap())
    cmap.tables.append(t)
    cmap.tables.sort(key=lambda t: (t.platformID, t.platEncID, t.format))
    font.save(path)
PYEOF
}

zhuque() {
  FT=$ZPY
  # plus the IPA block: GBK's pinyin letters ɑ (U+0251) and ɡ (U+0261) live there
  sub "$ZHUQUE" 0 "$F/ZhuqueFangsong-Regular.ttf" "$U,U+0250-02AF"
  add_format12 "$F/ZhuqueFangsong-Regular.ttf"
}

noto_lxgw() {
  FT=$PY
  # font-number 2 in the Noto CJK TTCs is the SC face (JP, KR, SC, TC, HK order)
  sub $N/NotoSerifCJK-Regular.ttc 2 "$F/NotoSerifCJKsc-Regular.otf"
  sub $N/NotoSerifCJK-Bold.ttc 2 "$F/NotoSerifCJKsc-Bold.otf"
  sub $N/NotoSansCJK-Regular.ttc 2 "$F/NotoSansCJKsc-Regular.otf"
  sub $N/NotoSansCJK-Bold.ttc 2 "$F/NotoSansCJKsc-Bold.otf"
  sub /usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf 0 "$F/LXGWWenKai-Regular.ttf"
  format12_noto_lxgw
}

format12_noto_lxgw() {
  FT=$PY
  for f in NotoSerifCJKsc-Regular.otf NotoSerifCJKsc-Bold.otf NotoSansCJKsc-Regular.otf NotoSansCJKsc-Bold.otf LXGWWenKai-Regular.ttf; do
    add_format12 "$F/$f"
  done
}

case "${1:-all}" in
  zhuque) zhuque ;;
  noto) noto_lxgw ;;
  format12) format12_noto_lxgw ;;
  all) noto_lxgw; zhuque ;;
  *) echo "usage: $0 [all|zhuque|noto|format12]" >&2; exit 2 ;;
esac
