"""Exercises with immediate feedback, and grading a class (``coursekit grade``).

- :class:`Exercise` / :func:`check` — in a trainee's notebook: load the exercise's data from its
  parameters and check an answer at once, with specific feedback;
- :mod:`coursekit.grading.source` — solution notebooks (the one source) generate the exercises;
- :mod:`coursekit.grading.grader` — run a class's submissions and write the gradebook.
"""

from coursekit.grading.core import (
    EXERCISE_SETS,
    CheckResult,
    Exercise,
    ExerciseSet,
    check,
    exercise_set,
    run_checks,
)

__all__ = ["EXERCISE_SETS", "CheckResult", "Exercise", "ExerciseSet", "check", "exercise_set", "run_checks"]
