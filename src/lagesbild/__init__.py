"""lägesbild: a shared, data-driven situation picture of crime and neighbourhood vulnerability."""

__version__ = "0.1.0"
