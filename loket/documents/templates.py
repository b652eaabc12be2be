"""File names of the docxtpl templates in the templates folder (:func:`templates_dir`).

The templates are built by the scripts in ``templates/build/`` (``python -m templates.build
templates/``) and committed, so that officials can adjust wording and layout in a word
processor; runtime code only needs their names, kept here.
"""

from __future__ import annotations

from typing import Final

#: reply to a complaint (surat tanggapan pengaduan), :mod:`loket.complaints.reply`
REPLY_LETTER: Final = "surat_tanggapan_pengaduan.docx"
#: monthly complaint report (laporan pengaduan bulanan), :mod:`loket.complaints.report`
MONTHLY_REPORT: Final = "laporan_pengaduan_bulanan.docx"
#: yearly satisfaction survey report (laporan SKM tahunan), :mod:`loket.survey`
SKM_REPORT: Final = "laporan_skm_tahunan.docx"
#: the permit (Surat Izin Kerja Radiografer), draft and numbered alike
PERMIT: Final = "sikr.docx"
#: the printable control card (kartu kendali)
CARD: Final = "kartu-kendali.docx"
#: the letter to an applicant whose permit is not collected (surat pemberitahuan)
UNCOLLECTED_LETTER: Final = "surat-pemberitahuan.docx"
#: the return letter of an incomplete application (surat pengembalian berkas)
RETURN_LETTER: Final = "surat-pengembalian.docx"
