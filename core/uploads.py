"""Limits for uploaded files, one place for every file field: a size limit and, for pictures, the kinds
of image accepted. Each refusal is a form error in the user's language, never a 500."""

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "GIF": "GIF", "WEBP": "WebP"}
IMPORT_MAX_BYTES = 10 * 1024 * 1024


def check_size(upload, *, max_bytes: int):
    """Refuse a file larger than `max_bytes`, saying both sizes."""
    if upload is not None and getattr(upload, "size", 0) and upload.size > max_bytes:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s."),
            code="file_too_large", params={"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)})
    return upload


def check_image(upload, *, max_bytes: int = LOGO_MAX_BYTES, formats=LOGO_FORMATS):
    """A picture of one of `formats` (as Pillow reads it, whatever the file is called) within the size."""
    check_size(upload, max_bytes=max_bytes)
    image = getattr(upload, "image", None)  # set by forms.ImageField once Pillow has read the file
    if image is not None and image.format not in formats:
        raise ValidationError(_("Upload a picture in one of these formats: %(formats)s."), code="image_format",
                              params={"formats": ", ".join(formats.values())})
    return upload
