import io
import struct
import time
import zlib

import pillow_heif
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import ExifTags, Image

from linli.lib.photos import (
    MAX_PHOTOS_PER_SUBMISSION,
    THUMBNAIL_SIDE,
    PhotoError,
    process_photo,
)

pillow_heif.register_heif_opener()


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def picture(size=(64, 48), mode="RGB") -> Image.Image:
    """Left half red, right half blue, so orientation is visible in the pixels."""
    image = Image.new(mode, size, "red")
    image.paste("blue", (size[0] // 2, 0, size[0], size[1]))
    return image


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestPhone"
    exif[ExifTags.Base.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (35.0, 44.0, 51.84),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (114.0, 17.0, 50.4),
    }
    return exif


def reopen(content: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(content))
    image.load()
    return image


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge canvas."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("fmt", "stored", "extension"),
    [
        ("JPEG", "JPEG", "jpg"),
        ("PNG", "PNG", "png"),
        ("WEBP", "WEBP", "webp"),
        ("HEIF", "JPEG", "jpg"),
    ],
)
def test_it_accepts_each_format_and_stores_heic_as_jpeg(fmt, stored, extension):
    photo = process_photo(encode(picture(), fmt), name="a.bin")
    assert (photo.format, photo.extension) == (stored, extension)
    assert (photo.width, photo.height) == (64, 48)
    assert reopen(photo.content).format == stored
    assert reopen(photo.thumbnail).format == "JPEG"


def test_it_accepts_an_uploaded_file_object():
    upload = SimpleUploadedFile("x.jpg", encode(picture(), "JPEG"), content_type="image/jpeg")
    assert process_photo(upload).format == "JPEG"


def test_a_png_named_jpg_is_stored_as_png():
    upload = SimpleUploadedFile("photo.jpg", encode(picture(), "PNG"), content_type="image/jpeg")
    photo = process_photo(upload, name=upload.name)
    assert (photo.format, photo.extension, photo.content_type) == ("PNG", "png", "image/png")


def test_a_text_file_named_jpg_is_refused_in_chinese():
    with translation.override("zh-hans"), pytest.raises(PhotoError) as caught:
        process_photo(b"<html><script>alert(1)</script></html>", name="photo.jpg")
    assert "photo.jpg" in str(caught.value)
    assert "不是" in str(caught.value)


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF"])
def test_other_image_formats_are_refused(fmt):
    with pytest.raises(PhotoError):
        process_photo(encode(picture(), fmt), name="x.jpg")


def test_a_truncated_jpeg_is_refused():
    whole = encode(picture((400, 300)), "JPEG")
    with translation.override("zh-hans"), pytest.raises(PhotoError) as caught:
        process_photo(whole[: len(whole) // 2], name="cut.jpg")
    assert "cut.jpg" in str(caught.value)


def test_a_png_with_a_broken_checksum_is_refused():
    data = bytearray(encode(picture(), "PNG"))
    data[40] ^= 0xFF  # inside the image data
    with pytest.raises(PhotoError):
        process_photo(bytes(data))


def test_a_decompression_bomb_is_refused_quickly():
    started = time.perf_counter()
    with translation.override("zh-hans"), pytest.raises(PhotoError) as caught:
        process_photo(png_declaring(100_000, 100_000), name="bomb.png")
    assert time.perf_counter() - started < 1
    assert "像素" in str(caught.value)


def test_an_image_just_over_the_pixel_limit_is_refused():
    with pytest.raises(PhotoError):
        process_photo(encode(picture((100, 100)), "PNG"), max_pixels=9_999)
    assert process_photo(encode(picture((100, 100)), "PNG"), max_pixels=10_000).width == 100


def test_an_oversize_file_is_refused_by_the_setting(settings):
    settings.PHOTO_MAX_BYTES = 1_000
    data = encode(Image.effect_noise((200, 200), 64).convert("RGB"), "PNG")
    assert len(data) > 1_000
    with translation.override("zh-hans"), pytest.raises(PhotoError) as caught:
        process_photo(io.BytesIO(data), name="big.png")
    assert "MB" in str(caught.value)


def test_an_empty_file_is_refused():
    with pytest.raises(PhotoError):
        process_photo(b"", name="empty.jpg")


def test_gps_exif_is_stripped_but_reported_for_internal_use():
    data = encode(picture(), "JPEG", exif=gps_exif())
    assert reopen(data).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    photo = process_photo(data)
    stored = reopen(photo.content)
    assert not stored.getexif()
    assert "exif" not in stored.info
    assert not reopen(photo.thumbnail).getexif()
    assert photo.gps is not None
    assert photo.gps.latitude == pytest.approx(35.7477, abs=1e-4)
    assert photo.gps.longitude == pytest.approx(114.2973, abs=1e-4)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "HEIF"])
def test_exif_is_stripped_from_every_format(fmt):
    photo = process_photo(encode(picture(), fmt, exif=gps_exif()))
    assert not reopen(photo.content).getexif()
    assert photo.gps is not None


def test_xmp_and_comments_are_stripped():
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">secret place</x:xmpmeta>'
    data = encode(picture(), "JPEG", xmp=xmp, comment=b"taken at home")
    assert b"secret place" in data and b"taken at home" in data
    photo = process_photo(data)
    assert b"secret place" not in photo.content
    assert b"taken at home" not in photo.content


def test_anything_hidden_after_the_image_is_dropped():
    data = encode(picture(), "PNG") + b"<html><script>alert(1)</script></html>"
    assert b"<script>" in data
    photo = process_photo(data)
    assert b"<script>" not in photo.content


def test_exif_orientation_is_applied():
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # the camera was turned: rotate 90° clockwise to view
    photo = process_photo(encode(picture((64, 48)), "JPEG", exif=exif))
    assert (photo.width, photo.height) == (48, 64)
    stored = reopen(photo.content).convert("RGB")
    # The red left half is now on top.
    red, _, blue = stored.getpixel((24, 8))
    assert red > 200 and blue < 60
    assert not stored.getexif()


def test_the_thumbnail_fits_the_long_side():
    photo = process_photo(encode(picture((1000, 500)), "JPEG"))
    assert (photo.thumbnail_width, photo.thumbnail_height) == (THUMBNAIL_SIDE, THUMBNAIL_SIDE // 2)
    assert reopen(photo.thumbnail).size == (THUMBNAIL_SIDE, THUMBNAIL_SIDE // 2)
    small = process_photo(encode(picture((100, 50)), "JPEG"))
    assert (small.thumbnail_width, small.thumbnail_height) == (100, 50)


def test_transparent_png_keeps_alpha_and_gets_a_white_thumbnail():
    image = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
    photo = process_photo(encode(image, "PNG"))
    assert reopen(photo.content).mode == "RGBA"
    assert reopen(photo.thumbnail).convert("RGB").getpixel((5, 5)) == (255, 255, 255)


@pytest.mark.parametrize("mode", ["CMYK", "L", "P", "I;16"])
def test_unusual_colour_modes_are_accepted(mode):
    fmt = "JPEG" if mode in ("CMYK", "L") else "PNG"
    photo = process_photo(encode(picture().convert(mode), fmt))
    assert photo.width == 64


def test_a_submission_takes_at_most_six_photos():
    assert MAX_PHOTOS_PER_SUBMISSION == 6
