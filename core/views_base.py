"""Building blocks for list pages: a filtered, sortable, paginated table exportable to CSV/XLSX."""

from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export.views import ExportMixin

from .exports import export_response
from .roles import RoleRequiredMixin


class FilteredTableView(RoleRequiredMixin, ExportMixin, SingleTableMixin, FilterView):
    """A list page. Subclasses set model/queryset, table_class, filterset_class, roles, title.

    `?_export=csv` or `?_export=xlsx` downloads the filtered table through `core.exports` (the one
    export path: formula-safe cells, audit entry once the file exists); no other format is served.
    """

    template_name = "core/list.html"
    paginate_by = 50
    export_formats = ("csv", "xlsx")
    title = ""

    def get_export_filename(self, export_format):
        return f"{self.export_name}.{export_format}"

    @property
    def export_name(self):
        return self.model._meta.model_name if self.model else "export"

    def create_export(self, export_format):
        table = self.get_table(**self.get_table_kwargs())
        values = iter(table.as_values(exclude_columns=self.exclude_columns))
        headers = next(values)
        model = table._meta.model or self.model
        title = model._meta.verbose_name_plural if model else self.title
        return export_response(headers, values, export_format=export_format, title=title,
                               filename=self.get_export_filename(export_format),
                               audit_repr=f"{self.export_name}.{export_format}")

    def render_to_response(self, context, **kwargs):
        if self.request.GET.get(self.export_trigger_param) in self.export_formats:
            return self.create_export(self.request.GET[self.export_trigger_param])
        # Any other `_export` value (json, yaml…) is ignored: the page itself is shown.
        return super(ExportMixin, self).render_to_response(context, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.title
        return context
