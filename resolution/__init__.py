"""Resolve subject-less records (events, masked credit records) to registered firms and people.

Pure logic over plain records from ingest/: no database, no torch.
"""
