"""Photos on orders: checked and cleaned by linli.lib.photos (type sniffing, size and pixel
limits, EXIF/GPS stripped, thumbnail) before anything is stored under MEDIA_ROOT/orders/."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.lib.photos import MAX_PHOTOS_PER_SUBMISSION, Photo, PhotoError, process_photo
from linli.workorders.models import OrderEvent, OrderPhoto, WorkOrder

# What a service accepts as a photo: an uploaded file (anything with .read()) or raw bytes.
PhotoInput = IO[bytes] | bytes


def prepare_photos(photos: Sequence[PhotoInput]) -> list[Photo]:
    """Check and clean every photo before the transaction starts; all or nothing."""
    if len(photos) > MAX_PHOTOS_PER_SUBMISSION:
        raise ValidationError(
            {"photos": _("Add at most %(count)d photos.") % {"count": MAX_PHOTOS_PER_SUBMISSION}}
        )
    prepared = []
    for i, upload in enumerate(photos, start=1):
        name = getattr(upload, "name", "") or _("photo %(n)d") % {"n": i}
        try:
            prepared.append(process_photo(upload, name=str(name)))
        except PhotoError as exc:
            raise ValidationError({"photos": str(exc)}) from exc
    return prepared


def store_photos(
    *, order: WorkOrder, event: OrderEvent | None, photos: Sequence[Photo], by: User | None
) -> list[OrderPhoto]:
    stored = []
    for i, photo in enumerate(photos, start=1):
        stem = f"{order.number}-{event.seq if event else 0}-{i}"
        row = OrderPhoto(
            order=order,
            event=event,
            content_type=photo.content_type,
            width=photo.width,
            height=photo.height,
            uploaded_by=by,
        )
        row.image.save(f"{stem}.{photo.extension}", ContentFile(photo.content), save=False)
        row.thumbnail.save(f"{stem}.jpg", ContentFile(photo.thumbnail), save=False)
        row.save()
        stored.append(row)
    return stored
