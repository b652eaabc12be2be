"""Builders of the docxtpl templates in ``templates/*.docx`` (a script, not runtime code).

Run from the repository root (overwrites the templates in the folder given)::

    .venv/bin/python -m templates.build templates/

The generated files are committed so that officials can adjust wording and layout in a word
processor; the builders make them reproducible. One module per part of the office:
:mod:`templates.build.complaints` (reply letter, monthly complaint report),
:mod:`templates.build.skm` (yearly SKM report), :mod:`templates.build.permits` (permit,
control card, uncollected-permit letter) and :mod:`templates.build.return_letter` (return
letter of an incomplete application). Every template starts with the kop surat of DPMPTSP
Kota Pekanbaru; the layout helpers are :mod:`loket.documents.layout` and the file names
:mod:`loket.documents.templates`, which runtime code uses too. Nothing under ``loket/``
imports from here.
"""
