"""Input channels: the checked REST webhook, the widget's socket.io channel and the messaging
apps (one module per platform), with the request parsing and reply formatting they share."""
