"""Import and export of the road network as GeoJSON and Excel (.xlsx).

GeoJSON: a FeatureCollection whose features carry ``properties.kind`` = ``district``,
``route`` or ``section`` (docs/network.md). Excel: a workbook with the sheets ``districts``,
``routes`` and ``sections``; the first row of each holds the property names, one object per
following row. In Excel the route geometry is the ``geometry`` column as WKT text,
``LINESTRING (lon lat, lon lat, ...)`` in WGS 84; sections have no geometry column (it is
always derived from the route). Other sheets and unknown columns are ignored.

Import reads (``reading``), validates the whole file and collects every error with its row
and column (``validation``), and only then writes, in one transaction with an audit row per
change (``writing``): districts and routes are upserted by code, and for every route in the
file its sections in the file replace the existing ones (for a user: those in their scope).
"""

from zhiyang.network.importexport.common import (
    DISTRICT_FIELDS,
    GEOJSON_CONTENT_TYPE,
    ROUTE_FIELDS,
    SECTION_FIELDS,
    XLSX_CONTENT_TYPE,
    ExportError,
    ImportSummary,
    ImportValidationError,
    RowError,
)
from zhiyang.network.importexport.export import (
    export_geojson,
    export_querysets,
    export_xlsx,
    feature,
)
from zhiyang.network.importexport.template import excel_template
from zhiyang.network.importexport.writing import import_network_data, import_network_file

__all__ = [
    "DISTRICT_FIELDS",
    "GEOJSON_CONTENT_TYPE",
    "ROUTE_FIELDS",
    "SECTION_FIELDS",
    "XLSX_CONTENT_TYPE",
    "ExportError",
    "ImportSummary",
    "ImportValidationError",
    "RowError",
    "excel_template",
    "export_geojson",
    "export_querysets",
    "export_xlsx",
    "feature",
    "import_network_data",
    "import_network_file",
]
