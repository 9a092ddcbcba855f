"""kerncijfers: the reproducible pipeline behind the figures of the uitvoeringsbrief inburgering."""

__version__ = "0.1.0"
