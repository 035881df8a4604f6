"""Instructor-side tools of the course, kept out of the helper package that students install.

- ``instructor/solutions/chNN.py``: for every exercise of chapter NN, the reference solution
  (``SOLUTIONS``), a catalogue of plausible wrong answers (``WRONG``) and the reference data the
  public checker compares with (``REFERENCES``: label -> function returning the data).
- ``python -m instructor.build``: rebuilds ``src/helpers/exercises/references/chNN.bin`` (the
  reference data, compressed) and ``src/helpers/exercises/numbers.json`` (exercise numbers in
  the order of the notebooks); ``--check`` only verifies they are current (a unit test does too).

Nothing here is imported by the helper package. The repository is public, so a determined
student can read these files; the aim is that no student sees a solution by accident.
"""
