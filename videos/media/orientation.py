"""Which way is up. A phone stores the picture as its sensor recorded it (1920x1080 for a
portrait clip) and says in the stream's display matrix how to turn it for showing; players
honour that, and so must everything we make from the picture: its size, the ladder, the
thumbnail and the preview. Our outputs carry the picture already turned and no matrix.

PyAV (18.1) reads the matrix per frame as `VideoFrame.rotation`: degrees counterclockwise,
in [-180, 180]. Mirroring matrices (a selfie camera's EXIF-style flips) are not read: PyAV
does not expose them, and no phone we know writes them for video."""

import av


def clockwise_turn(rotation: float | int | None) -> int:
    """The display matrix's angle as the clockwise turn the picture needs: 0, 90, 180 or 270."""
    return round(-(rotation or 0) / 90) % 4 * 90


def first_turn(path: str) -> int:
    """The turn of the first video frame of the file (the matrix is the stream's, so one frame
    tells). Decodes one frame; 0 when there is none."""
    with av.open(path) as container:
        for frame in container.decode(video=0):
            return clockwise_turn(frame.rotation)
    return 0


def display_size(width: int, height: int, turn: int) -> tuple[int, int]:
    """The size the picture is shown at, after its turn."""
    return (height, width) if turn in (90, 270) else (width, height)


FILTERS = {90: [("transpose", "clock")], 270: [("transpose", "cclock")], 180: [("hflip", ""), ("vflip", "")]}


class Upright:
    """Turns the decoded frames of one stream upright (an FFmpeg filter graph, so the pixels
    never pass through Python). With no turn it hands frames through untouched."""

    def __init__(self, stream, turn: int):
        self.graph = None
        if not turn:
            return
        self.graph = av.filter.Graph()
        node = self.graph.add_buffer(template=stream)
        for name, args in FILTERS[turn]:
            step = self.graph.add(name, args)
            node.link_to(step)
            node = step
        node.link_to(self.graph.add("buffersink"))
        self.graph.configure()

    def __call__(self, frame):
        if self.graph is None:
            return frame
        self.graph.push(frame)
        return self.graph.pull()


def upright_image(frame):
    """The frame as a Pillow image, turned the way it is shown."""
    image = frame.to_image()
    turn = clockwise_turn(frame.rotation)
    # Pillow turns counterclockwise; multiples of 90 are exact transposes, not resampling
    return image.rotate(-turn, expand=True) if turn else image
