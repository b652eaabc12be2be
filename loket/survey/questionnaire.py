"""The SKM questionnaire (PermenPANRB 14/2017): the nine service elements U1..U9.

Each element is answered on a scale of 1 (tidak baik) to 4 (sangat baik).
"""

from __future__ import annotations

ELEMENTS: tuple[str, ...] = (
    "Persyaratan",
    "Sistem, Mekanisme, dan Prosedur",
    "Waktu Penyelesaian",
    "Biaya/Tarif",
    "Produk Spesifikasi Jenis Pelayanan",
    "Kompetensi Pelaksana",
    "Perilaku Pelaksana",
    "Penanganan Pengaduan, Saran dan Masukan",
    "Sarana dan Prasarana",
)
CODES: tuple[str, ...] = tuple(f"U{i}" for i in range(1, 10))
