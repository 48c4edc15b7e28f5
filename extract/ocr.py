"""Scanned reports: a picture (JPG/PNG attachment, 图片版) or a PDF page without a text layer,
read by OCR (rapidocr: its wheel ships the PP-OCR models, onnxruntime runs them; nothing is
downloaded) into positioned lines, then read like any text by the alignment reader.

The lines are ordered top to bottom, the words of one printed row (boxes overlapping in
height) joined left to right. Each line keeps its OCR confidence. OCR cells are stored only
where an identity vouches for them (readings.py, `layout = ocr`). A page turned a quarter is
turned upright and a crooked one levelled before it is read (deskew.py). Bounded: at most
`EXTRACT_OCR_PAGES` pages and `EXTRACT_OCR_PIXELS` megapixels a page (limits.py; a long
image's strips are read one at a time, so the engine's memory is a strip's), inside the
worker's time and memory limits like every extraction.
"""
from __future__ import annotations

import io
from functools import lru_cache

from . import deskew, ocr_columns, ocr_lines
from .limits import LimitExceeded, current
from .source import Document, UnreadableDocument, find_fields, title_from_lines


@lru_cache(maxsize=1)
def engine():
    import logging

    from rapidocr import RapidOCR

    engine = RapidOCR()
    logging.getLogger("RapidOCR").setLevel(logging.ERROR)  # a blank strip is no warning
    return engine


def boxes_of(image) -> list[ocr_lines.Box]:
    """Every text box of a PIL image in its coordinates: a tall image (a 长图) read strip by
    strip at its own scale (ocr_lines.py), the overlap's duplicates dropped by position."""
    import numpy

    pixels = numpy.asarray(image.convert("RGB"))
    windows = ocr_lines.strips(image.height)  # the image's pixels are bounded (_check)
    per_strip = []
    for top, bottom in windows:
        result = engine()(pixels[top:bottom], use_det=True, use_cls=True, use_rec=True)
        found = [] if result is None or result.boxes is None else zip(result.boxes, result.txts, result.scores)
        per_strip.append([ocr_lines.box_of(points, text, score, dy=top) for points, text, score in found])
    return ocr_lines.join_strips(per_strip, windows)


PROBE = 400  # px: the band of a quarter-turned page read both ways up


def _reads(pixels) -> float:
    """How much text a band shows this way up: characters × confidence, with the classifier
    that turns an upside-down line off (it would read either way)."""
    result = engine()(pixels, use_det=True, use_cls=False, use_rec=True)
    if result is None or result.txts is None:
        return 0.0
    return sum(len(text) * score for text, score in zip(result.txts, result.scores))


def upright(image):
    """The page image as it is read: a quarter-turned page turned the way its text reads
    (the densest band of ink read as it is and upside down), then levelled."""
    import numpy

    if deskew.quarter_turned(image):
        turned = image.convert("RGB").rotate(90, expand=True)
        pixels = numpy.asarray(turned)
        ink = (pixels.min(axis=2) < deskew.DARK).sum(axis=1)
        band = numpy.convolve(ink, numpy.ones(PROBE), "valid") if len(ink) > PROBE else ink[:1]
        top = int(band.argmax())
        strip = pixels[top:top + PROBE]
        if _reads(strip[::-1, ::-1].copy()) > _reads(strip):
            turned = turned.rotate(180)
        image = turned
    return deskew.level(image)[0]


def lines_of(image) -> list[tuple[str, float]]:
    """(text, confidence) for each printed line of a PIL image, top to bottom."""
    return ocr_columns.lines(boxes_of(image))


def _check(image) -> None:
    pixels = image.width * image.height / 1e6
    if pixels > current().ocr_pixels:
        raise LimitExceeded(f"an image of {pixels:.0f} megapixels is over the OCR limit of "
                            f"{current().ocr_pixels} (EXTRACT_OCR_PIXELS); not read")


MIN_TEXT_CHARS = 20  # fewer characters read on every page together: no text found


def _ocr_memory() -> None:
    """The OCR models need more address space than a worker's cap: a worker reading a scan
    gets its own, EXTRACT_OCR_MEMORY_MB (the soft limit raised; the worker is bounded by it)."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = current().ocr_memory_mb * 2**20
    if soft != resource.RLIM_INFINITY and soft < cap and (hard == resource.RLIM_INFINITY or cap <= hard):
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def document(images, source: str) -> Document:
    """The Document of pages given as PIL images: lines with their confidence."""
    _ocr_memory()
    lines, scores = [], []
    for image in images:
        _check(image)
        for text, score in lines_of(upright(image)):
            lines.append(text)
            scores.append(score)
    # a ruled line read as 一 is not text: a page of a report holds hundreds of characters
    if sum(len(line.strip()) for line in lines) < MIN_TEXT_CHARS:
        raise UnreadableDocument("image-only report: OCR found no text on it (no numbers read)")
    doc = Document(source=source, kind="text", lines=lines, body_text="\n".join(lines), layout="ocr")
    doc.line_scores = scores
    doc.title = title_from_lines(lines)
    doc.fields = find_fields(lines[:40])
    return doc


def load_image(data: bytes, source: str) -> Document:
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = int(current().ocr_pixels * 1e6)
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise UnreadableDocument(f"image-only report: the image does not decode ({type(exc).__name__}: {exc})") from exc
    return document([image], source)


def load_scanned_pdf(data: bytes, source: str) -> Document:
    """A PDF without a text layer: its pages rendered (pypdfium2) and read by OCR."""
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise UnreadableDocument(f"PDF does not render: {exc}") from exc
    if len(pdf) > current().ocr_pages:
        raise LimitExceeded(f"a scanned PDF of {len(pdf)} pages is over the OCR limit of "
                            f"{current().ocr_pages} pages (EXTRACT_OCR_PAGES); not read")
    images = (pdf[i].render(scale=2).to_pil() for i in range(len(pdf)))
    return document(images, source)
