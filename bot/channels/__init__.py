"""Input channels: the checked REST webhook and the request parsing it shares."""
