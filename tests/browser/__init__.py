"""Browser tests: Home Assistant's UI in headless Chromium against a real Home Assistant process."""
