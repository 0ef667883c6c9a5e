"""The regional and municipal roles (core.Oversight): which areas a person oversees and which centres
each holds. They read aggregate reports of those centres only (reports' region pages), never a person."""

from django.utils.translation import gettext as _

from .models import Centre, Oversight


def oversights_of(user) -> list[Oversight]:
    """The user's regional and municipal roles, regions first, each by name."""
    if not getattr(user, "is_authenticated", False):
        return []
    found = list(Oversight.objects.filter(user=user).select_related("region", "municipality__region"))
    return sorted(found, key=lambda o: (o.region_id is None, area_name(o)))


def area_name(oversight: Oversight) -> str:
    """"Region: Eastern Macedonia and Thrace", "Municipality: Drama"."""
    if oversight.region_id:
        return _("Region: %(name)s") % {"name": oversight.region.name}
    return _("Municipality: %(name)s") % {"name": oversight.municipality.name}


def centres_overseen(oversight: Oversight) -> list[Centre]:
    """The active centres of the region (through their municipalities) or of the municipality, by name."""
    centres = Centre.objects.filter(is_active=True)
    if oversight.region_id:
        centres = centres.filter(municipality__region_id=oversight.region_id)
    else:
        centres = centres.filter(municipality_id=oversight.municipality_id)
    return list(centres.order_by("name", "pk"))
