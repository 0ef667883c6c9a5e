"""Chromium's fake camera plays a .y4m file: make one from a picture (e.g. a rendered card).

Use with the launch flags `--use-fake-device-for-media-stream --use-fake-ui-for-media-stream
--use-file-for-fake-video-capture=<path>`.
"""

import io
from pathlib import Path

from PIL import Image


def picture_to_y4m(picture: bytes | Image.Image, path: Path, *, width: int = 640, height: int = 480,
                   frames: int = 10) -> Path:
    """Write `frames` identical frames of `picture`, centred on white, as YUV4MPEG2 4:2:0."""
    image = picture if isinstance(picture, Image.Image) else Image.open(io.BytesIO(picture))
    image = image.convert("L")
    image.thumbnail((width - 40, height - 40))
    canvas = Image.new("L", (width, height), 255)
    canvas.paste(image, ((width - image.width) // 2, (height - image.height) // 2))
    luma = canvas.tobytes()
    chroma = bytes([128]) * ((width // 2) * (height // 2))
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n")
            out.write(luma)
            out.write(chroma)
            out.write(chroma)
    return path
