"""The complaint register (Buku Pengaduan): intake from every channel, replies, monthly report."""
