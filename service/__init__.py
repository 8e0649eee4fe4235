"""untoc-kg: the knowledge graph of the UNTOC Conference of the Parties, served as Linked Data and SPARQL."""

__version__ = "0.1.0"
