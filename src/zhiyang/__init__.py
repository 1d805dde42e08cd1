"""Zhiyang (智养): an open smart highway maintenance platform."""

__version__ = "0.1.0"
