"""Linked Data views: every IRI of the dataset dereferences, with content negotiation."""
