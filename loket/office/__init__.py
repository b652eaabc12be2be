"""The composition root: what spans every part of the office (checking all rules files)."""
