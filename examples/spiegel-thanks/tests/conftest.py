pytest_plugins = ["spiegel.testing"]
