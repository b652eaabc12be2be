"""Shared kernel of every part of the office: settings, database plumbing, safe files,
safe rule patterns, rules-file loading, log masking."""
