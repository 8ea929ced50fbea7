"""The mentoring fixture lives in tests/conftest.py: other suites use it too."""
