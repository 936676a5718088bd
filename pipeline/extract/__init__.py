"""Readers that turn a document's bytes (HTML, text, DOCX, PDF) into a `Document`."""
