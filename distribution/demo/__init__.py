"""Demo data of the distribution app (`manage.py load_demo`): the households, then the distribution
days with their collections and time slots."""

from . import days, households


def load(ctx):
    households.load(ctx)
    days.load(ctx)
