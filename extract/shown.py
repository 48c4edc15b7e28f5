"""What a PDF page shows against what its text layer says, for the digits.

A font's /ToUnicode map says which character each glyph is; an anti-copy font (or a broken
converter) maps digit glyphs to other digits — the page shows 18, the text layer says 37.
The page is the reference: runs of digits are cut out of the rendered page (pypdfium2) at
their text-layer boxes and read by the OCR recogniser (rapidocr, no detection: one short line
each), then compared with the text layer, font by font.

- every run read agrees (but for OCR noise, AGREE): the font is honest;
- the runs disagree, and one digit-for-digit map, one to one, makes every run of that font
  read as shown (each digit the font prints seen at least once): the font lies consistently
  and its digits are read through that map (`remap`);
- anything else (a digit never seen, two glyphs giving one digit, runs that fit no map): the
  text layer cannot be vouched for (`unproven`), and the pages are read by OCR instead.

Run only on evidence (report.py: the cross-checks of a PDF's text layer fail), bounded by
MAX_RUNS crops on at most MAX_PAGES rendered pages.
"""
from __future__ import annotations

import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

MAX_RUNS = 60  # crops read by OCR, all fonts together
MAX_PAGES = 4  # pages rendered for them
PER_FONT = 16  # runs read per font beyond those that show each of its digits twice
SCALE = 3  # render scale (216 dpi): a table's 9 pt digits are ~27 px high, as the recogniser likes
MARGIN = 2.0, 0.5  # pt above and below a run's box, and beside it (its neighbours touch it)
PUNCTUATION = re.compile(r"[.,，。、:：;；()（）\-—%％]")  # a neighbour's edge read beside the digits
AGREE = 0.9  # share of a font's runs that must read as the text layer says (or as the map says)
DIGIT_FOLD = str.maketrans("０１２３４５６７８９Oo", "012345678900")


@dataclass
class Verdict:
    kind: str  # honest / remap / unproven / unread (nothing to compare)
    maps: dict = field(default_factory=dict)  # fontname -> str.maketrans of its digits
    detail: str = ""


def digit_runs(page, number: int) -> list[tuple]:
    """(font, text, (x0, top, x1, bottom), page number) of each run of digit characters
    printed in one font on one line of a pdfplumber page."""
    runs, current = [], []

    def close():
        if current:
            c0 = current[0]
            runs.append((c0["fontname"], "".join(c["text"] for c in current),
                         (c0["x0"], min(c["top"] for c in current), current[-1]["x1"],
                          max(c["bottom"] for c in current)), number))
            current.clear()

    for char in page.chars:
        if not re.fullmatch(r"[0-9]", char["text"]):
            close()
            continue
        if current:
            last = current[-1]
            if (char["fontname"] != last["fontname"] or abs(char["top"] - last["top"]) > 1
                    or not -1 <= char["x0"] - last["x1"] <= 0.3 * max(char["size"], 1)):
                close()
        current.append(char)
    close()
    return runs


def _sample(runs: list[tuple]) -> list[tuple]:
    """Runs that show every (font, digit) of the document twice (a crop may not read), then up
    to PER_FONT runs per font, from the first pages (at most MAX_PAGES), at most MAX_RUNS."""
    seen, per_font, chosen, pages = Counter(), Counter(), [], set()
    for run in sorted(runs, key=lambda r: (r[3], -len(r[1]))):
        font, text, _, page = run
        new = any(seen[font, d] < 2 for d in text)
        if not new and per_font[font] >= PER_FONT or len(chosen) >= MAX_RUNS:
            continue
        if page not in pages and len(pages) >= MAX_PAGES:
            continue
        chosen.append(run)
        pages.add(page)
        seen.update((font, d) for d in set(text))
        per_font[font] += 1
    return chosen


def _read(pdf, chosen: list[tuple]) -> list[str | None]:
    """What the rendered page shows at each run's box: its digits, or None when the
    recogniser reads anything else there."""
    import numpy

    from .ocr import engine

    rendered, out = {}, []
    for _, _, (x0, top, x1, bottom), number in chosen:
        if number not in rendered:
            rendered[number] = numpy.asarray(pdf[number - 1].render(scale=SCALE).to_pil().convert("RGB"))
        pixels = rendered[number]
        dy, dx = MARGIN
        crop = pixels[max(0, int((top - dy) * SCALE)):int((bottom + dy) * SCALE),
                      max(0, int((x0 - dx) * SCALE)):int((x1 + dx) * SCALE)]
        result = engine()(numpy.ascontiguousarray(crop), use_det=False, use_cls=False, use_rec=True)
        text = "".join(result.txts or ()) if result is not None else ""
        text = PUNCTUATION.sub("", text.translate(DIGIT_FOLD).replace(" ", ""))
        out.append(text if re.fullmatch(r"[0-9]+", text) else None)
    return out


def _font_map(pairs: list[tuple[str, str]], printed: set[str]):
    """The one-to-one digit map that makes the layer's runs read as shown, or None."""
    votes = defaultdict(Counter)
    for layer, shown in pairs:
        if len(layer) == len(shown):
            for a, b in zip(layer, shown):
                votes[a][b] += 1
    if not printed <= set(votes):
        return None  # a digit the font prints was never seen on the page
    mapping = {a: c.most_common(1)[0][0] for a, c in votes.items()}
    if len(set(mapping.values())) != len(mapping):
        return None
    fits = sum(layer.translate(str.maketrans(mapping)) == shown for layer, shown in pairs)
    return mapping if fits >= AGREE * len(pairs) else None


def verdict(data: bytes, pages_limit: int) -> Verdict:
    """Whether the PDF's text layer prints the digits its pages show (see the module)."""
    import pdfplumber
    import pypdfium2

    from .ocr import _ocr_memory

    with pdfplumber.open(io.BytesIO(data)) as plumbed:
        runs, printed = [], defaultdict(set)
        for number, page in enumerate(plumbed.pages[:pages_limit], 1):
            for run in digit_runs(page, number):
                runs.append(run)
                printed[run[0]] |= set(run[1])
    chosen = _sample(runs)
    if not chosen:
        return Verdict("unread", detail="no digits in the text layer")
    _ocr_memory()
    shown = _read(pypdfium2.PdfDocument(data), chosen)
    by_font = defaultdict(list)
    for (font, text, _, _), seen in zip(chosen, shown):
        if seen is not None:
            by_font[font].append((text, seen))
    maps, notes, unproven, unknown = {}, [], [], []
    for font in sorted(printed):
        pairs = by_font.get(font, [])
        agree = sum(a == b for a, b in pairs)
        if not pairs:
            unknown.append(font)
            continue
        if agree >= AGREE * len(pairs):
            continue  # no evidence of a lie
        mapping = _font_map(pairs, printed[font])
        if mapping and any(a != b for a, b in mapping.items()):
            maps[font] = str.maketrans(mapping)
            notes.append(f"{font}: " + " ".join(f"{a}→{b}" for a, b in sorted(mapping.items()) if a != b))
        else:
            unproven.append(f"{font}: {agree} of {len(pairs)} runs read as the text layer says, no digit map fits")
    compared = sum(len(p) for p in by_font.values())
    if (maps or unproven) and unknown:  # a font lies: one whose digits were not read cannot be vouched for
        unproven += [f"{font}: no run read on the rendered pages" for font in unknown]
    if unproven:
        return Verdict("unproven", detail="; ".join(unproven) + f" ({compared} runs read on the rendered pages)")
    if maps:
        return Verdict("remap", maps, "; ".join(notes) + f" ({compared} runs read on the rendered pages)")
    return Verdict("honest", detail=f"{compared} runs read on the rendered pages agree with the text layer")
