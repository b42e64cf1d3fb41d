"""Small reusable widgets; each carries its own DEFAULT_CSS."""
