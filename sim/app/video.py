"""Where an animation's frames go: an animated GIF, and an MP4 video where ffmpeg is installed.

Each frame is drawn once and handed to every file being written, as an RGBA pixel array. The
GIF keeps 256-colour frames in memory and is written at the end with Pillow; the MP4 streams
raw frames to an ffmpeg process as they come.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Protocol

import numpy as np
from PIL import Image

GIF, MP4 = "gif", "mp4"
FORMAT_CHOICES = (GIF, MP4, "both")
# H.264 in the yuv420p pixel format plays in browsers, slide software and phones alike.
FFMPEG_ENCODING = ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", "veryfast",
                   "-crf", "23", "-movflags", "+faststart"]
FFMPEG_TIMEOUT_S = 60


class FrameSink(Protocol):
    def add(self, frame: np.ndarray) -> None: ...

    def finish(self) -> None: ...

    def abort(self) -> None: ...


def ffmpeg_path() -> str | None:
    return shutil.which("ffmpeg")


def chosen_formats(choice: str | None) -> tuple[str, ...]:
    """The formats to write: `gif`, `mp4` or `both`; by default both where ffmpeg is found."""
    if choice is None:
        return (GIF, MP4) if ffmpeg_path() else (GIF,)
    return (GIF, MP4) if choice == "both" else (choice,)


class GifSink:
    """An animated GIF: 256-colour frames kept in memory, written when finished."""

    def __init__(self, path: Path, fps: int) -> None:
        self.path, self.fps = path, fps
        self.frames: list[Image.Image] = []

    def add(self, frame: np.ndarray) -> None:
        # Fast octree quantising: the median cut Pillow uses by default for RGB took as long
        # as drawing the frame, for no difference a viewer of flat chart colours can see.
        self.frames.append(Image.fromarray(np.ascontiguousarray(frame[..., :3])).quantize(
            256, method=Image.Quantize.FASTOCTREE))

    def finish(self) -> None:
        first, *rest = self.frames
        first.save(self.path, format="GIF", save_all=True, append_images=rest,
                   duration=round(1000 / self.fps), loop=0)

    def abort(self) -> None:
        self.frames.clear()


class Mp4Sink:
    """An H.264 MP4 video: raw frames piped to ffmpeg as they are drawn."""

    def __init__(self, path: Path, fps: int, width: int, height: int) -> None:
        executable = ffmpeg_path()
        if executable is None:
            raise FileNotFoundError("ffmpeg is not installed")
        self.process = subprocess.Popen(
            [executable, "-hide_banner", "-loglevel", "error", "-y", "-f", "rawvideo",
             "-pix_fmt", "rgba", "-s", f"{width}x{height}", "-r", str(fps), "-i", "-",
             *FFMPEG_ENCODING, "-f", "mp4", str(path)],
            stdin=subprocess.PIPE, stderr=subprocess.PIPE)

    def add(self, frame: np.ndarray) -> None:
        self.process.stdin.write(np.ascontiguousarray(frame).tobytes())

    def finish(self) -> None:
        self.process.stdin.close()
        errors = self.process.stderr.read().decode(errors="replace")
        if self.process.wait(timeout=FFMPEG_TIMEOUT_S) != 0:
            raise OSError(f"ffmpeg could not write the video: {errors.strip()}")

    def abort(self) -> None:
        self.process.kill()
        self.process.wait()
