"""The exercise sets, one module per exercise notebook (see :data:`coursekit.grading.EXERCISE_SETS`)."""
