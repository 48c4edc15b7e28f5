"""A report page whose tables are posted as pictures inside the HTML (`<img src="data:image/
png;base64,…">`, as an editor pastes a screenshot): when the page's text holds no report
table, each inline picture is read by OCR (ocr.py) and its lines stand where the picture
stood, so the section headings before it still say which table it is. The page is then read
as OCR text (layout `ocr`: a cell is stored only where an identity vouches for it).

Bounded: at most EXTRACT_OCR_PAGES pictures (the rest not read, one `limit:` error), each at
most EXTRACT_OCR_PIXELS megapixels (an over-large one not read, one `limit:` error); a
picture that does not decode is one error. Pictures behind a URL are not fetched here (the
extractor does no I/O).
"""
from __future__ import annotations

import base64
import binascii
import io
import re
import warnings

from .limits import LimitExceeded, current

DATA_URI = re.compile(r"^\s*data:image/(?:png|jpe?g|gif|bmp|webp|tiff?)\s*;\s*base64\s*,", re.I)


def inline_images(container) -> list:
    """The `<img>` elements whose picture is inside the page (a data: URI), in page order."""
    return [img for img in container.iter("img") if DATA_URI.match(img.get("src") or "")]


def _picture(img):
    from PIL import Image

    src = img.get("src")
    raw = base64.b64decode(re.sub(r"\s+", "", src[DATA_URI.match(src).end():]), validate=False)
    Image.MAX_IMAGE_PIXELS = int(current().ocr_pixels * 1e6)
    try:
        with warnings.catch_warnings():  # over the limit is this module's error, not PIL's warning
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw))
        pixels = image.width * image.height / 1e6  # the header's size, before any pixel is decoded
    except Image.DecompressionBombError:
        pixels = float("inf")
    if pixels > current().ocr_pixels:
        size = f"of {pixels:.0f} megapixels" if pixels != float("inf") else "of its header's size"
        raise LimitExceeded(f"limit: an inline picture {size} is over the OCR limit of "
                            f"{current().ocr_pixels} megapixels (EXTRACT_OCR_PIXELS); not read")
    image.load()
    return image


def read_into(container) -> tuple[dict, list[str]] | None:
    """OCR each inline picture and put its lines in its place (a <p> a line). Returns
    ({line text: confidence}, errors), or None when the page has no inline picture."""
    import lxml.html
    from PIL import Image, UnidentifiedImageError

    from . import ocr

    images = inline_images(container)
    if not images:
        return None
    errors, scores = [], {}
    cap = current().ocr_pages
    if len(images) > cap:
        errors.append(f"limit: {len(images)} inline pictures, over the OCR limit of {cap} (EXTRACT_OCR_PAGES); "
                      f"the first {cap} read")
    ocr._ocr_memory()
    for k, img in enumerate(images[:cap], 1):
        try:
            image = _picture(img)
        except LimitExceeded as exc:
            errors.append(str(exc))
            continue
        except (UnidentifiedImageError, OSError, ValueError, binascii.Error, Image.DecompressionBombError) as exc:
            errors.append(f"inline picture {k} does not decode ({type(exc).__name__}); not read")
            continue
        block = lxml.html.fragment_fromstring("<div></div>")
        for text, score in ocr.lines_of(image):
            line = lxml.html.fragment_fromstring("<p></p>")
            line.text = text
            block.append(line)
            scores.setdefault(text.strip(), score)
        block.tail = img.tail
        img.getparent().replace(img, block)
    return scores, errors
