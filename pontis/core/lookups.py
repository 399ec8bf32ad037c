"""``__id_in`` and ``__text_in``: membership in a list, sent as one array parameter on PostgreSQL.

``__in`` with a Python list sends one bind parameter per value, and for a foreign key Django normalises each value
through the related-field machinery: for the 150 candidate ids of a matching run, repeated in seven UNION
branches, or the 2,000 e-mail addresses of an import batch, that costs more than the queries themselves. These
lookups convert the values once (``int()`` or ``str()``) and, on PostgreSQL, write ``col = ANY(%s)`` with a single
array parameter; elsewhere (SQLite) they write the same ``col IN (%s, ...)`` as ``__in``. An empty list matches
nothing on both.
"""

from django.db.models import Field, ForeignObject, Lookup


class _InArray(Lookup):
    """Subclasses set ``lookup_name`` and ``convert`` (the function applied to each value)."""

    prepare_rhs = False

    def get_prep_lookup(self):
        return [self.convert(value) for value in self.rhs]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = self.rhs
        if not values:
            return "1 = 0", []
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, values]
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]


class IdIn(_InArray):
    lookup_name = "id_in"
    convert = staticmethod(int)


class TextIn(_InArray):
    lookup_name = "text_in"
    convert = staticmethod(str)


def register():
    for lookup in (IdIn, TextIn):
        Field.register_lookup(lookup)
        ForeignObject.register_lookup(lookup)  # relations keep a lookup table of their own
