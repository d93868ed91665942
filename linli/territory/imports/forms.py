"""The upload form of the import pages: a file of the right kind, and for grids the
coordinate system it is in."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.territory.imports.base import ImportKind
from linli.territory.imports.geojson import InputCrs

MAX_UPLOAD_MB = 50
EXTENSIONS = {
    ImportKind.GRIDS: (".geojson", ".json"),
    ImportKind.REGIONS: (".xlsx",),
    ImportKind.ESTATES: (".xlsx",),
    ImportKind.PEOPLE: (".xlsx",),
}


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"))
    crs = forms.ChoiceField(
        label=gettext_lazy("Coordinate system of the file"),
        choices=InputCrs.choices,
        initial=InputCrs.WGS84,
        required=False,
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Only check the file; write nothing"), required=False
    )

    def __init__(self, kind: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind != ImportKind.GRIDS:
            del self.fields["crs"]

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        allowed = EXTENSIONS[ImportKind(self.kind)]
        if not name.endswith(allowed):
            raise forms.ValidationError(
                _("Choose a %(extensions)s file.") % {"extensions": " / ".join(allowed)}
            )
        if (upload.size or 0) > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB; split it into several files.")
                % {"size": MAX_UPLOAD_MB}
            )
        return upload

    def clean_crs(self) -> str:
        return self.cleaned_data.get("crs") or InputCrs.WGS84
