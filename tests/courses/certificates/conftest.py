"""Start without the demo's learning records (``tests.learning_isolation``)."""

from tests.learning_isolation import _without_demo_learning_records  # noqa: F401
