"""The ranking maths: plain functions over numpy arrays, no Django, testable in milliseconds."""
