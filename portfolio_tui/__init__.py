"""portfolio-tui: apprenticeship evidence, EPA timeline and gateway readiness in the terminal."""

__version__ = "0.1.0"
