"""Writes and business rules of the learning domain, one module per sub-domain."""
