"""The production profile on one machine: nginx's configuration, the stack for tests and the
load and fault scenarios of `make loadtest`."""
