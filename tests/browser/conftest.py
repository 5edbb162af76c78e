def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives Debian's Chromium with Playwright (part of the normal run)")
