"""A page image's skew, measured and undone before OCR: a sheet fed crooked into a scanner
(1–3°) moves a figure printed near a cell's edge into the next column's band — the lines the
OCR reader joins follow the print, not the page.

The angle is the one at which the page's dark pixels, projected onto the vertical axis, fall
into the sharpest rows (printed lines and ruled lines line up; between them, white): the
projection profile's sum of squares is largest. Measured on a downscaled copy (≤ WORK_SIDE
px), first in COARSE steps over ±MAX_ANGLE, then in FINE steps around the best. A page whose
profile is no sharper turned than straight (a blank page, a photo) is left as it is.

A page turned a quarter (a landscape scan of a portrait page) shows the same evidence on the
other axis: its columns' profile is sharper than its rows' (`quarter_turned`). Which quarter
(90° or 270°) the image does not say; ocr.py reads a strip both ways and keeps the one whose
text reads. Pure numpy on a PIL image; no OCR here.
"""
from __future__ import annotations

MAX_ANGLE = 5.0  # degrees: a crooked feed; more is a page turned on purpose (orientation)
COARSE, FINE = 0.25, 0.05  # degrees: the two steps of the search
WORK_SIDE = 1200  # px: the long side of the copy the angle is measured on
MIN_SKEW = 0.2  # degrees: less than this moves a line by < 4 px over 1000 px; left as it is
MIN_GAIN = 1.02  # the turned profile's sharpness over the straight one's: less is no evidence
DARK = 128  # grey level: darker is ink
TURN_RATIO = 2.0  # a page's columns this much sharper than its rows: its lines run down the page


def _ink(image):
    """(x, y) of the ink pixels of a downscaled greyscale copy, centred on the page."""
    import numpy

    grey = image.convert("L")
    scale = min(1.0, WORK_SIDE / max(grey.size))
    if scale < 1.0:
        grey = grey.resize((max(1, round(grey.width * scale)), max(1, round(grey.height * scale))))
    pixels = numpy.asarray(grey)
    ys, xs = numpy.nonzero(pixels < DARK)
    return xs - pixels.shape[1] / 2, ys - pixels.shape[0] / 2


def _evenness(profile) -> float:
    """A profile's sum of squares over that of ink spread evenly along it (1.0): printed
    lines with white between them score high."""
    import numpy

    ink = float(profile.sum())
    return float(numpy.dot(profile, profile)) * len(profile) / ink ** 2 if ink else 0.0


def quarter_turned(image) -> bool:
    """The page's printed lines run down it, not across: its column profile is TURN_RATIO
    times as sharp as its row profile."""
    import numpy

    xs, ys = _ink(image)
    if len(xs) < 100:
        return False
    xs, ys = (xs - xs.min()).astype(numpy.int64), (ys - ys.min()).astype(numpy.int64)
    return _evenness(numpy.bincount(xs).astype(float)) >= TURN_RATIO * _evenness(numpy.bincount(ys).astype(float))


def _sharpness(xs, ys, degrees: float) -> float:
    """Sum of squares of the row profile of the ink turned by `degrees` (counter-clockwise
    as PIL's rotate turns it): printed lines level, the profile sharpest."""
    import numpy

    theta = numpy.radians(degrees)
    rows = ys * numpy.cos(theta) - xs * numpy.sin(theta)
    profile = numpy.bincount((rows - rows.min()).astype(numpy.int64))
    return float(numpy.dot(profile, profile))


def skew_angle(image) -> float:
    """Degrees to turn the image (PIL `rotate`, counter-clockwise) to level its printed
    lines; 0.0 when it is level or nothing proves a skew."""
    import numpy

    xs, ys = _ink(image)
    if len(xs) < 100:
        return 0.0
    steps = numpy.arange(-MAX_ANGLE, MAX_ANGLE + COARSE / 2, COARSE)
    best = max(steps, key=lambda a: _sharpness(xs, ys, a))
    fine = numpy.arange(best - COARSE, best + COARSE + FINE / 2, FINE)
    best = float(max(fine, key=lambda a: _sharpness(xs, ys, a)))
    if abs(best) < MIN_SKEW or _sharpness(xs, ys, best) < MIN_GAIN * _sharpness(xs, ys, 0.0):
        return 0.0
    return round(best, 2)


def level(image):
    """(the image turned level, the angle turned by): the image itself when not skewed."""
    from PIL import Image

    angle = skew_angle(image)
    if not angle:
        return image, 0.0
    white = 255 if image.mode == "L" else (255,) * len(image.getbands())
    return image.rotate(angle, expand=True, fillcolor=white, resample=Image.BICUBIC), angle
