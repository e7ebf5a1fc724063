#!/usr/bin/env bash
# Regenerates fonts/ from Debian fonts-noto-cjk and fonts-lxgw-wenkai (dev machine only; needs fonttools).
set -e
U="U+0020-007E,U+00A0-024F,U+02C6-02DD,U+0391-03C9,U+0401-0451,U+2000-206F,U+20AC,U+2100-218F,U+2190-21FF,U+2200-22FF,U+2300-23FF,U+2460-24FF,U+2500-257F,U+25A0-25FF,U+2600-26FF,U+2700-27BF,U+3000-303F,U+3040-30FF,U+3105-312F,U+3200-32FF,U+3300-33FF,U+3400-4DBF,U+4E00-9FFF,U+F900-FAFF,U+FE10-FE1F,U+FE30-FE4F,U+FF00-FFEF"
sub() { pyftsubset "$1" --font-number=$2 --unicodes="$U" --layout-features='*' --name-IDs='*' --name-languages='*' --output-file="$3" --no-hinting; }
N=/usr/share/fonts/opentype/noto
# font-number 2 in the Noto CJK TTCs is the SC face (JP, KR, SC, TC, HK order)

F=/work/main/fonts
sub $N/NotoSerifCJK-Regular.ttc 2 $F/NotoSerifCJKsc-Regular.otf
sub $N/NotoSerifCJK-Bold.ttc 2 $F/NotoSerifCJKsc-Bold.otf
sub $N/NotoSansCJK-Regular.ttc 2 $F/NotoSansCJKsc-Regular.otf
sub $N/NotoSansCJK-Bold.ttc 2 $F/NotoSansCJKsc-Bold.otf
pyftsubset /usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf --unicodes="$U" --layout-features='*' --name-IDs='*' --name-languages='*' --output-file=$F/LXGWWenKai-Regular.ttf --no-hinting
