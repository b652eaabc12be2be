"""Office documents: Indonesian dates, DOCX from templates, PDF via LibreOffice, XLSX."""
