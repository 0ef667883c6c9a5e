"""Building blocks for list pages: a filtered, sortable, paginated table exportable to CSV/XLSX."""

from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export.views import ExportMixin

from .audit import audit
from .models import AuditLog
from .roles import RoleRequiredMixin


class FilteredTableView(RoleRequiredMixin, ExportMixin, SingleTableMixin, FilterView):
    """A list page. Subclasses set model/queryset, table_class, filterset_class, roles, title."""

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
        audit(AuditLog.Action.EXPORT, None, object_repr=f"{self.export_name}.{export_format}")
        return super().create_export(export_format)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.title
        return context
