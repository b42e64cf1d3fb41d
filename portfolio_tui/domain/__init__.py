"""The pure core: standards, evidence, timeline, readiness and grading.

Nothing here imports Textual or TinyDB or touches files, so every rule is testable on its own
and the headless commands stay fast.
"""
