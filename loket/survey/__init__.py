"""The yearly satisfaction survey (Survei Kepuasan Masyarakat, SKM)."""
