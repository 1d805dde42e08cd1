"""Contracts pages on the frame, one module per topic."""
