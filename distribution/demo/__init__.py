"""Demo data of the distribution app (`manage.py load_demo`): the households, their needs, then the
distribution days with their collections and time slots."""

from . import days, households, needs


def load(ctx):
    households.load(ctx)
    needs.load(ctx)
    days.load(ctx)
