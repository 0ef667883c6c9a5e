"""Row writes and reads for hot paths (a distribution table scans a card every few seconds, and
several tables share two CPU cores): plain SQL instead of the ORM's query building.

Compiling an INSERT, a CASE-per-row UPDATE or a select_related query through the ORM costs more CPU
than running it. These helpers build each statement once per shape and cache it; values still go
through each field's own conversion (`get_db_prep_save` on the way in, the field converters on the
way out), so dates, decimals and JSON behave exactly as with the ORM on SQLite and PostgreSQL.
No model signals are sent: the project connects none to the models written here.

On PostgreSQL these statements run as prepared statements (core.db.postgresql: server-side parameter
binding): the server parses and plans each shape once per connection instead of once per scan,
which halves PostgreSQL's CPU per scan. The rest of the ORM keeps Django's default client-side
binding. Behind a connection pooler in transaction mode, use PgBouncer >= 1.21 with
`max_prepared_statements` set, or DATABASE_PREPARED_STATEMENTS=0.
"""

from functools import lru_cache
from inspect import getattr_static

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.signals import post_init

# Rows per INSERT: well inside SQLite's and PostgreSQL's limits on parameters per statement.
INSERT_BATCH = 500


def _db():
    """This thread's default connection (the `connection` proxy looks it up on every attribute)."""
    return connections[DEFAULT_DB_ALIAS]


def cursor():
    """A cursor on Django's connection; its statements are prepared on PostgreSQL
    (core.db.postgresql's `prepared_cursor`), plain elsewhere."""
    connection = _db()
    prepared = getattr(connection, "prepared_cursor", None)
    return prepared() if prepared is not None else connection.cursor()


def _fields(model):
    """The columns an INSERT writes: not the key, not those the database computes (generated)."""
    return [field for field in model._meta.concrete_fields if not field.primary_key and not field.generated]


@lru_cache(maxsize=256)
def _insert_sql(model, vendor: str, rows: int) -> str:
    connection = _db()
    meta = model._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in _fields(model))
    one = "(" + ", ".join(["%s"] * len(_fields(model))) + ")"
    returned = ", ".join(quote(field.column) for field in [meta.pk, *_generated(model)])
    return (f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {', '.join([one] * rows)} "  # noqa: S608
            f"RETURNING {returned}")


def _generated(model):
    """The columns the database computes on insert, returned with the key (as `save()` does)."""
    return [field for field in model._meta.concrete_fields if field.generated]


def _insert_statement(connection, instances) -> tuple[str, list]:
    model = type(instances[0])
    fields = _fields(model)
    params = [field.get_db_prep_save(field.pre_save(obj, add=True), connection)
              for obj in instances for field in fields]
    return _insert_sql(model, connection.vendor, len(instances)), params


def _saved(connection, instances, returned) -> None:
    generated = _generated(type(instances[0]))
    for obj, row in zip(instances, returned, strict=True):
        obj.pk = row[0]
        for field, value in zip(generated, row[1:], strict=True):
            setattr(obj, field.attname, value)
        obj._state.adding = False
        obj._state.db = connection.alias


def insert(*instances: Model) -> None:
    """INSERT unsaved instances of one model in one statement and set their primary keys.

    Like `save()` for a new row (auto_now/auto_now_add and defaults apply), without signals.
    """
    connection = _db()
    for start in range(0, len(instances), INSERT_BATCH):
        batch = instances[start:start + INSERT_BATCH]
        sql, params = _insert_statement(connection, batch)
        with cursor() as statement:
            statement.execute(sql, params)
            returned = statement.fetchall()
        _saved(connection, batch, returned)


def _update_statement(connection, instances, field_names) -> tuple[str, list]:
    model = type(instances[0])
    meta = model._meta
    quote = connection.ops.quote_name
    pk_column = quote(meta.pk.column)
    assignments, params = [], []
    for name in field_names:
        field = meta.get_field(name)
        # PostgreSQL types the CASE from its branches: untyped parameters need a cast.
        value = (f"CAST(%s AS {field.cast_db_type(connection)})"
                 if connection.features.requires_casted_case_in_updates else "%s")
        cases = []
        for obj in instances:
            cases.append(f"WHEN %s THEN {value}")
            params += [obj.pk, field.get_db_prep_save(field.pre_save(obj, add=False), connection)]
        assignments.append(f"{quote(field.column)} = CASE {pk_column} {' '.join(cases)} END")
    params += [obj.pk for obj in instances]
    sql = (f"UPDATE {quote(meta.db_table)} SET {', '.join(assignments)} "  # noqa: S608
           f"WHERE {pk_column} IN ({', '.join(['%s'] * len(instances))})")
    return sql, params


def update_by_pk(instances, field_names: tuple[str, ...]) -> None:
    """UPDATE the given fields of saved instances of one model: one statement for all of them."""
    connection = _db()
    instances = list(instances)
    if instances:
        sql, params = _update_statement(connection, instances, field_names)
        with cursor() as statement:
            statement.execute(sql, params)


def update_then_insert(updated, field_names: tuple[str, ...], inserted) -> None:
    """`update_by_pk(updated, field_names)` then `insert(*inserted)`; on PostgreSQL as ONE statement
    (the UPDATE in a WITH clause of the INSERT), which saves a round trip while rows are locked."""
    connection = _db()
    updated, inserted = list(updated), list(inserted)
    if connection.vendor != "postgresql" or not updated or not inserted or len(inserted) > INSERT_BATCH:
        update_by_pk(updated, field_names)
        insert(*inserted)
        return
    update_sql, update_params = _update_statement(connection, updated, field_names)
    insert_sql, insert_params = _insert_statement(connection, inserted)
    with cursor() as statement:
        statement.execute(f"WITH updated AS ({update_sql}) {insert_sql}", update_params + insert_params)
        returned = statement.fetchall()
    _saved(connection, inserted, returned)


def fetch(model, sql: str, params=(), *, extra=()) -> list[Model]:
    """Instances of `model` from SQL that selects all its concrete columns, in field order
    (`select_list(model, alias)`), followed by the `extra` columns, which become attributes."""
    return [objects[0] for objects in fetch_joined((model,), sql, params, extra=extra)]


def fetch_joined(models, sql: str, params=(), *, extra=(), extra_on: int = 0) -> list[tuple]:
    """Rows of joined models: the SQL selects `select_list(model, alias)` of each model in turn, then
    the `extra` columns (set as attributes on the instance of `models[extra_on]`, when there is one).
    A model whose primary key is NULL (an outer join that found nothing) comes back as None."""
    connection = _db()
    layouts = []
    offset = 0
    for model in models:
        fields = model._meta.concrete_fields
        pk_index = next(i for i, field in enumerate(fields) if field.primary_key)
        layouts.append((model, offset, len(fields), pk_index, [field.attname for field in fields],
                        _converters(model)))
        offset += len(fields)
    result = []
    build = _loaded if all(_plain_model(model) for model in models) else _from_db
    with cursor() as statement:
        statement.execute(sql, params)
        for row in statement.fetchall():
            objects = []
            for model, start, count, pk_index, names, converters in layouts:
                values = list(row[start:start + count])
                if values[pk_index] is None:
                    objects.append(None)
                    continue
                for index, column, functions in converters:
                    for function in functions:
                        values[index] = function(values[index], column, connection)
                objects.append(build(model, names, values, connection.alias))
            if objects[extra_on] is not None:
                for name, value in zip(extra, row[offset:], strict=True):
                    setattr(objects[extra_on], name, value)
            result.append(tuple(objects))
    return result


def _from_db(model, names, values, alias):
    return model.from_db(alias, names, values)


def _loaded(model, names, values, alias):
    """What `model.from_db` returns, built without `Model.__init__` (a sixth of a scan's CPU went
    there): only for models that `_plain_model` allows."""
    obj = model.__new__(model)
    obj.__dict__.update(zip(names, values, strict=True))
    state = obj._state = ModelState()
    state.adding, state.db = False, alias
    return obj


def copy_loaded(instance: Model) -> Model:
    """A new instance with the same column values as a loaded one (no query; nothing shared but the
    values themselves)."""
    model = type(instance)
    names = [field.attname for field in model._meta.concrete_fields]
    build = _loaded if _plain_model(model) else _from_db
    return build(model, names, [getattr(instance, name) for name in names], instance._state.db)


@lru_cache(maxsize=128)
def _plain_model(model) -> bool:
    """Whether an instance is fully described by its column values: no custom `from_db`, no
    `post_init` receiver, no field descriptor that does work on assignment (a foreign key's id
    only clears a cached object, which a new instance has not). Receivers are connected when the
    apps load, before the first request."""
    if model.from_db.__func__ is not Model.from_db.__func__ or post_init.has_listeners(model):
        return False
    for field in model._meta.concrete_fields:
        descriptor = getattr_static(model, field.attname, None)
        if hasattr(type(descriptor), "__set__") and not isinstance(descriptor, ForeignKeyDeferredAttribute):
            return False
    return True


@lru_cache(maxsize=128)
def _converters_for(model, vendor: str):
    connection = _db()
    result = []
    for index, field in enumerate(model._meta.concrete_fields):
        column = field.get_col(model._meta.db_table)
        functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if functions:
            result.append((index, column, tuple(functions)))
    return tuple(result)


def _converters(model):
    return _converters_for(model, _db().vendor)


@lru_cache(maxsize=128)
def select_list(model, alias: str) -> str:
    """`alias.col1, alias.col2, …` for every concrete column of the model, in field order."""
    connection = _db()
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(field.column)}" for field in model._meta.concrete_fields)
