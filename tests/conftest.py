"""The shared fixtures and helpers live in helpers.py: a module tests can import by name
(two conftest.py files would shadow each other as the module `conftest`)."""

pytest_plugins = ["helpers"]
