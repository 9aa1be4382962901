"""The interactive page for educators: watch safety culture emerge, compare live, tell the story.

`python run.py app` serves the page (sim/app/page.py); `python run.py animate FILE.yaml` writes
an animation of the same views for slides (sim/app/animate.py).
"""
