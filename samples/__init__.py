"""Synthetic test data for loket: realistic scanned applications for the radiographer work
permit (Surat Izin Kerja Radiografer, SIKR) at DPMPTSP Kota Pekanbaru.

    from samples import generate_corpus
    truths = generate_corpus(Path("/tmp/inbox"), count=12, seed=1, truth_path=Path("/tmp/t.json"))

or ``python -m samples OUT_DIR --count N --seed S [--truth FILE] [--dpi 200]``.

Each application holds the ten requirement documents (minus those its defects remove), in
Indonesian, in varied layouts and fonts, copied/stamped/signed and "scanned" (paper tone,
noise, blur, dust, uneven light, skew, JPEG), sometimes with unrelated pages ("other") and
blank pages, packaged in one of PACKAGINGS. The returned ground truth lists every page
(file, page, doc_type, rotation, photos on pas_foto pages) and the expected status of all ten
requirements.

Rotation convention: ``rotation`` is the clockwise angle (0/90/180/270) by which the upright
page was turned when scanned; rotate the image counter-clockwise by that angle to upright it
(PIL: ``img.rotate(rotation, expand=True)``). ``skew`` (degrees, counter-clockwise positive)
is the small tilt applied before that quarter turn.

Faces: pas foto pages carry 1 or 2 photos of scikit-image's bundled astronaut portrait (the
truth's ``photos``). Note that KTP, STR, some ijazah and old-permit pages carry a small ID
photo too, as real ones do. ``detect_faces`` shows cascade settings that count them right
(min 10 mm, max 32 mm faces at the page dpi; without the maximum the cascade now and then
adds one big box around a whole photo). OpenCV 5 ships no Haar cascades: it needs opencv<5.
"""

from .applicant import Applicant, make_applicant
from .common import DOC_TYPES, REQUIREMENT_IDS
from .defects import DEFECT_EFFECTS, DEFECTS, OTHER_PERSON_TARGETS, expected_requirements
from .generator import corpus_plan, generate_application, generate_corpus
from .packaging import PACKAGINGS
from .photos import count_faces, detect_faces, face_cascade

__all__ = [
    "DEFECTS",
    "DEFECT_EFFECTS",
    "DOC_TYPES",
    "OTHER_PERSON_TARGETS",
    "PACKAGINGS",
    "REQUIREMENT_IDS",
    "Applicant",
    "corpus_plan",
    "count_faces",
    "detect_faces",
    "expected_requirements",
    "face_cascade",
    "generate_application",
    "generate_corpus",
    "make_applicant",
]
