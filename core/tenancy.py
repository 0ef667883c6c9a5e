"""Many centres on one installation: the current centre, and queries kept inside it.

Every record that belongs to a centre carries it (a `centre` foreign key) and is read through
`CentreManager`: a query of such a model runs only inside a centre's scope, and only sees that
centre's rows. The scope is django-scopes' (as pretix scopes by organiser): a forgotten scope raises
`ScopeError` when the query runs, it never reads every centre's rows.

    with centre_scope(centre):        # a job, a command, a test: explicitly
        Location.objects.all()        # this centre's locations only
    with scopes_disabled():           # the rare reader of every centre (migrations, the admin of all)
        ...

A request gets its scope from `CentreScopeMiddleware`: the centre the signed-in person chose among
the centres she belongs to (core.Membership), or a device token's own centre (core.api). Unlike
django-scopes' own manager, the scope is checked and the centre's filter added when the query
runs, not when it is built: a queryset built at import (a form's choices, a filter's) is valid and
answers for the centre of the request that evaluates it.
"""

from contextlib import contextmanager

from django.db import models
from django.db.models import Q
from django.db.models.sql import Query
from django_scopes import ScopeError, get_scope, scope, scopes_disabled
from django_scopes.state import state as _state

__all__ = ["EVERY_CENTRE", "CentreManager", "ScopeError", "centre_scope", "centres_scope", "current_centre",
           "current_centre_id", "each_centre", "installation_scope", "scope_centre_ids", "scopes_disabled"]

DIMENSION = "centre"


class CentreRef:
    """What a scope holds: a centre known by its row or its id; `first=True`: the installation's
    first centre (the public pages until they carry their centre), looked up when first needed."""

    __slots__ = ("_centre", "_id", "first")

    def __init__(self, centre=None, *, id=None, first=False):  # noqa: A002 - the model's own word
        self._centre, self._id, self.first = centre, id if centre is None else centre.pk, first

    @property
    def id(self):
        if self._id is None:
            centre = self.centre
            self._id = centre.pk if centre is not None else None
        return self._id

    @property
    def centre(self):
        if self._centre is None:
            from .models import Centre

            query = Centre.objects.filter(pk=self._id) if self._id is not None else Centre.objects.order_by("pk")
            self._centre = query.first()
        return self._centre


class _EveryCentre:
    """A scope over every centre, looked up when a query first needs it (manage.py's commands: the
    scope is set before Django is, and `migrate` may run before the centres' table exists)."""

    def ids(self):
        from .models import Centre

        return list(Centre.objects.order_by("pk").values_list("pk", flat=True))


EVERY_CENTRE = _EveryCentre()


def _ids(value):
    """The centre id(s) a scope value names: a Centre, a CentreRef, an id, or a list of those."""
    if value is EVERY_CENTRE:
        return value.ids()
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_ids(part) for part in value]
    if isinstance(value, CentreRef):
        return value.id
    return getattr(value, "pk", value)


def _scope_filter():
    """The filter of the active scope (None: scopes disabled), or ScopeError without a scope."""
    current = get_scope()
    if not current.get("_enabled", True):
        return None
    if DIMENSION not in current:
        raise ScopeError("A centre's scope must be active for this query (core.tenancy.centre_scope, or the "
                         "request's CentreScopeMiddleware): without one it would read every centre's rows.")
    ids = _ids(current[DIMENSION])
    return Q(centre_id__in=ids) if isinstance(ids, list) else Q(centre_id=ids)


class CentreQuery(Query):
    """A query of a centre's model: the scope's filter is added as it is compiled (also as a subquery)."""

    centre_applied = False

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        if self.centre_applied or self.combinator:
            return super().get_compiler(using, connection, elide_empty)
        condition = _scope_filter()
        query = self.clone()  # never change the query itself: it may be evaluated again in another scope
        query.centre_applied = True
        if condition is not None:
            query.add_q(condition)
        return query.get_compiler(using, connection, elide_empty)

    def trim_start(self, names_with_path):
        # An exclude across a many-valued relation (`exclude(reminders__…)`) makes a subquery of this
        # model and trims this model's own table off it: the subquery is tied to the outer query's rows,
        # already in the scope, and has no table of this model left to filter.
        trimmed = super().trim_start(names_with_path)
        if not self.alias_refcount.get(next(iter(self.alias_map)), 0):
            self.centre_applied = True
        return trimmed


class CentreQuerySet(models.QuerySet):
    def __init__(self, model=None, query=None, using=None, hints=None):
        super().__init__(model=model, query=query if query is not None else CentreQuery(model), using=using,
                         hints=hints)

    def _in_scope(self):
        """This queryset with the scope's filter already in its query (an update or a delete turns the
        query into another kind, which compiles without CentreQuery)."""
        condition = _scope_filter()
        clone = self._chain()
        clone.query.centre_applied = True
        if condition is not None:
            clone.query.add_q(condition)
        return clone

    def update(self, **kwargs):
        return super(CentreQuerySet, self._in_scope()).update(**kwargs)

    update.alters_data = True

    def _update(self, values):
        return super(CentreQuerySet, self._in_scope())._update(values)

    def delete(self):
        return super(CentreQuerySet, self._in_scope()).delete()

    delete.alters_data = True
    delete.queryset_only = True

    def _raw_delete(self, using):
        return super(CentreQuerySet, self._in_scope())._raw_delete(using)


class CentreManager(models.Manager.from_queryset(CentreQuerySet)):
    """The default manager of a model that belongs to a centre (a `centre` foreign key). Reaching a row
    through a foreign key (`day.location`) uses the plain base manager: the row was already chosen."""


def default_centre_id():
    """A new record's centre: the current scope's (None outside a single centre's scope, so the
    database refuses the row rather than guessing a centre)."""
    current = get_scope()
    value = current.get(DIMENSION) if current.get("_enabled", True) else None
    if value is None or value is EVERY_CENTRE:
        return None
    ids = _ids(value)
    return None if isinstance(ids, list) else ids


def scope_centre_ids():
    """The ids of the centres the current scope reads (None: scopes disabled, every centre); ScopeError
    outside any scope. A command that loops `each_centre()` keeps to these, so that, called from code
    outside a scope, it raises like any query."""
    current = get_scope()
    if not current.get("_enabled", True):
        return None
    if DIMENSION not in current:
        raise ScopeError("A centre's scope must be active here (core.tenancy.centre_scope, installation_scope).")
    ids = _ids(current[DIMENSION])
    return set(ids) if isinstance(ids, list) else {ids}


def current_centre_id(required=True):
    """The id of the one centre in scope; None, or ScopeError when `required`, outside one."""
    centre_id = default_centre_id()
    if centre_id is None and required:
        raise ScopeError("No single centre is in scope here (core.tenancy.centre_scope).")
    return centre_id


def current_centre(required=True):
    """The centre in scope (its row, read once per scope); see current_centre_id."""
    current = get_scope()
    value = current.get(DIMENSION) if current.get("_enabled", True) else None
    if value is EVERY_CENTRE:
        value = value.ids()
    if isinstance(value, (list, tuple)) and value:
        value = value[0]  # a job over several centres (installation_scope): the first names the sender
    if isinstance(value, CentreRef):
        centre = value.centre
    elif value is not None:
        from .models import Centre

        centre = value if isinstance(value, Centre) else Centre.objects.filter(pk=value).first()
    else:
        centre = None
    if centre is None and required:
        raise ScopeError("No centre is in scope here (core.tenancy.centre_scope).")
    return centre


@contextmanager
def centre_scope(centre):
    """Run the block inside one centre's scope (a Centre, its id, or a CentreRef)."""
    value = centre if isinstance(centre, CentreRef) else (
        CentreRef(centre) if hasattr(centre, "pk") else CentreRef(id=centre))
    with scope(**{DIMENSION: value}):
        yield value


def each_centre():
    """Every active centre, each inside its own scope while the loop's body runs (jobs, commands)."""
    from .models import Centre

    with scopes_disabled():
        centres = list(Centre.objects.filter(is_active=True).order_by("pk"))
    for centre in centres:
        with centre_scope(centre):
            yield centre


@contextmanager
def centres_scope(ids):
    """Several named centres' rows at once (a person's centres, read together)."""
    with scope(**{DIMENSION: list(ids)}):
        yield


@contextmanager
def installation_scope():
    """Every centre's rows at once, explicitly: a periodic job of an app whose records do not carry
    their centre yet runs once over the whole installation (as it did with one centre)."""
    from .models import Centre

    with scopes_disabled():
        ids = list(Centre.objects.order_by("pk").values_list("pk", flat=True))
    with scope(**{DIMENSION: ids}):
        yield ids


def enter(value):
    """Make `value` (a CentreRef) the scope from here to the end of the request (the middleware
    resets it); a device token's centre is known only once the API has authenticated it."""
    previous = get_scope()
    _state.set({**previous, "_enabled": True, DIMENSION: value})


def switchable_centres(user):
    """The centres a signed-in person may work in: those she belongs to; every active centre for a
    superuser. Uses the memberships the middleware read for the request (no second query)."""
    from .models import Centre

    if not getattr(user, "is_authenticated", False):
        return []
    if user.is_superuser:
        with scopes_disabled():
            return list(Centre.objects.filter(is_active=True).order_by("name"))
    memberships = getattr(user, "_kypseli_memberships", None)
    if memberships is None:
        memberships = _memberships(user)
    return [m.centre for m in memberships]


def _memberships(user):
    from .models import Membership

    memberships = list(Membership.objects.filter(user=user, centre__is_active=True).select_related("centre")
                       .order_by("centre__name", "centre_id"))
    user._kypseli_memberships = memberships
    return memberships


SESSION_KEY = "kypseli_centre"
# A centre's own addresses: /c/<slug>/… is every page of the installation, in that centre. The public
# reaches each centre's events so; links in messages carry it (core.links.absolute_url). The first
# centre's addresses need none (the installation's addresses from before there were several).
ADDRESS_PREFIX = "/c/"


def address_prefix(centre=None) -> str:
    """What goes before a path for `centre` (the current one): "" for the installation's first centre,
    "/c/<slug>" for any other."""
    from .models import Centre

    if centre is None:
        current = get_scope()
        value = current.get(DIMENSION) if current.get("_enabled", True) else None
        if isinstance(value, CentreRef) and value.first:
            return ""  # the public's and a single-centre installation's scope: no query needed
        centre = current_centre(required=False)
    if centre is None:
        return ""
    with scopes_disabled():
        first = Centre.objects.order_by("pk").values_list("pk", flat=True).first()
    return "" if centre.pk == first else f"{ADDRESS_PREFIX}{centre.slug}"


def _centre_in_address(path_info):
    """The active centre an address names (/c/<slug>/…) and that prefix, else (None, "")."""
    if not path_info.startswith(ADDRESS_PREFIX):
        return None, ""
    slug = path_info[len(ADDRESS_PREFIX):].split("/", 1)[0]
    from .models import Centre

    centre = Centre.objects.filter(slug=slug, is_active=True).first() if slug else None
    return (centre, f"{ADDRESS_PREFIX}{slug}") if centre is not None else (None, "")


def centre_for_request(request) -> CentreRef:
    """The request's centre when its address names none (/c/<slug>/…): the one chosen in this session
    among the person's centres, else her first; the installation's first centre for the public and for
    an API device until its token is read (core.api)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return CentreRef(first=True)
    chosen = request.session.get(SESSION_KEY)
    if user.is_superuser:
        from .models import Centre

        centre = Centre.objects.filter(pk=chosen, is_active=True).first() if chosen else None
        return CentreRef(centre) if centre is not None else CentreRef(first=True)
    memberships = _memberships(user)
    for membership in memberships:
        if membership.centre_id == chosen:
            return CentreRef(membership.centre)
    return CentreRef(memberships[0].centre) if memberships else CentreRef(first=True)


class CentreScopeMiddleware:
    """Every request runs inside its centre's scope (centre_for_request); `request.centre_ref` says
    which. An API device's token moves the request into the token's centre (core.api.BearerToken)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.urls import get_script_prefix, set_script_prefix

        named, prefix = _centre_in_address(request.path_info)
        script_prefix = get_script_prefix()
        if named is not None:
            # /c/<slug>/rest: answered as /rest in that centre (a person's role is hers there, if any), and
            # every address the page names keeps the prefix (reverse() builds on the script prefix).
            ref = CentreRef(named)
            request.path_info = request.path_info[len(prefix):] or "/"
            set_script_prefix(script_prefix.rstrip("/") + prefix + "/")
        else:
            ref = centre_for_request(request)
        request.centre_ref = ref
        token = _state.set({**get_scope(), "_enabled": True, DIMENSION: ref})
        try:
            return self.get_response(request)
        finally:
            _state.reset(token)
            set_script_prefix(script_prefix)
