"""Developer tools run by make targets: the local server stack, evaluation and benchmarks."""
