"""Synthetic bad weather over real and rendered footage, with where the people truly are.

Every sequence is one frame per tick (640x360 BGR) with its ground truth: the
box of the person in view, if any. Weather is simulated tick by tick with a
seeded generator, so a sequence is the same on every run:

- rain: thin bright streaks, a few wide ones close to the lens;
- snow: flakes of many sizes, the near ones large, soft and see-through;
- drizzle: drops on the lens that blur what is behind them, appear, slide, go;
- insects: bright, blurred, erratic dots close to an IR-lit lens (night only);
- noise: the sensor's grain (heavy at night: a dark frame, Gaussian and shot noise);
- compression: blocky re-encoding at a quality that jumps from tick to tick;
- light: a slow global brightness ramp and a soft cloud shadow sweeping across.

Scenes are a rendered garden and driveway that people walk through (their
boxes known exactly), by day and as an IR camera sees it at night, and the
shared real room clip: its first seconds as an empty scene, and the whole clip
with its empty spans benign and its people's boxes taken from the clean frames.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
import math

import av
import cv2
import numpy as np

from .harness.rtsp import footage

WIDTH, HEIGHT = 640, 360
KINDS = ("rain", "snow", "drizzle", "insects", "noise", "compression", "light")
LEVELS = ("day", "night")
COMBOS = tuple(
    (kind, level) for kind in KINDS for level in LEVELS if (kind, level) != ("insects", "day")
)
PERSON_CLIP = "one-by-one-person-detection.mp4"
# The room is empty in these spans of the person clip (seconds), from the footage's README.
ROOM_EMPTY = ((0.0, 4.5), (21.5, 22.5), (47.0, 50.0), (72.0, 74.0), (89.0, 92.0), (122.0, 123.0))

type Box = tuple[int, int, int, int]
type Frame = np.ndarray


@dataclass(frozen=True, slots=True)
class Tick:
    """One analysed frame and what is truly in it."""

    frame: Frame
    person: Box | None
    """The person's box in frame pixels, when one is in view."""
    benign: bool
    """True when nothing real changed since the previous tick: no person now or then."""
    entering: bool = False
    """True on the first tick this person is in view."""


# ---------------------------------------------------------------- rendered scene


def _texture(rng: np.random.Generator, shape: tuple[int, int], sigma: float, blur: int) -> Frame:
    grain = rng.normal(0, sigma, shape).astype(np.float32)
    if blur > 1:
        grain = cv2.GaussianBlur(grain, (0, 0), blur / 3) * math.sqrt(blur)
    return grain


@cache
def garden() -> Frame:
    """Return a static garden and driveway seen from a house wall (float32 BGR)."""
    rng = np.random.default_rng(2024)
    image = np.zeros((HEIGHT, WIDTH, 3), np.float32)
    ys = np.arange(HEIGHT, dtype=np.float32)[:, None]
    # Lawn, lighter towards the camera, with blades of grass.
    image[:] = (60, 125, 80)
    image += (ys / HEIGHT * 25)[..., None]
    image += _texture(rng, (HEIGHT, WIDTH), 9, 2)[..., None] * (0.6, 1.0, 0.7)
    # Hedge and trees along the back, a tree trunk.
    image[:70] = (40, 80, 45)
    image[:70] += _texture(rng, (70, WIDTH), 14, 5)[..., None] * (0.7, 1.0, 0.6)
    cv2.rectangle(image, (90, 10), (108, 95), (45, 60, 80), -1)
    # A gravel driveway across the lawn, wider towards the camera.
    drive = np.array([[0, 215], [640, 175], [640, 275], [0, 330]], np.int32)
    mask = np.zeros((HEIGHT, WIDTH), np.uint8)
    cv2.fillPoly(mask, [drive], 255)
    gravel = np.full((HEIGHT, WIDTH, 3), 128, np.float32)
    gravel += _texture(rng, (HEIGHT, WIDTH), 16, 1)[..., None]
    image[mask > 0] = gravel[mask > 0]
    # The house wall on the right with a window and a door, a shed on the left.
    image[:, 540:] = (150, 170, 185)
    image[:, 540:] += _texture(rng, (HEIGHT, 100), 5, 3)[..., None]
    cv2.rectangle(image, (560, 40), (620, 110), (60, 50, 45), -1)
    cv2.rectangle(image, (560, 40), (620, 110), (230, 230, 230), 4)
    cv2.rectangle(image, (555, 150), (610, 270), (40, 60, 110), -1)
    cv2.rectangle(image, (20, 80), (120, 170), (50, 80, 120), -1)
    for x in range(24, 120, 12):
        cv2.line(image, (x, 80), (x, 170), (35, 60, 95), 2)
    # A flower bed.
    for _ in range(120):
        x, y = int(rng.integers(200, 420)), int(rng.integers(110, 150))
        color = tuple(
            float(v) for v in rng.choice([(60, 60, 220), (40, 200, 230), (200, 120, 200)])
        )
        cv2.circle(image, (x, y), int(rng.integers(1, 4)), color, -1)
    return np.clip(image, 0, 255)


@dataclass(frozen=True, slots=True)
class Walk:
    """A person walking a straight line at a steady pace (pixels of the rendered scene)."""

    start: tuple[float, float]
    end: tuple[float, float]
    first_tick: int
    pace: float
    """Walking speed in body heights per second (0.8 is a brisk 1.4 m/s)."""
    coat: tuple[int, int, int]
    trousers: tuple[int, int, int]
    ir: float
    """How bright the clothes look under infrared light (0..1)."""


def _height(foot_y: float) -> float:
    """Return a person's height in pixels standing at `foot_y` (nearer is lower and taller)."""
    return 0.72 * (foot_y - 30)


def walk_positions(walk: Walk, interval: float) -> Iterator[tuple[int, float, float, float]]:
    """Yield (tick, foot x, foot y, stride phase) from the walk's first tick to its end."""
    (x0, y0), (x1, y1) = walk.start, walk.end
    length = math.hypot(x1 - x0, y1 - y0)
    done, tick = 0.0, walk.first_tick
    while done <= length:
        share = done / length
        x, y = x0 + (x1 - x0) * share, y0 + (y1 - y0) * share
        yield tick, x, y, done / max(_height(y), 1) * 5
        done += walk.pace * _height(y) * interval
        tick += 1


def draw_person(
    image: Frame, foot: tuple[float, float], phase: float, walk: Walk, *, night: bool
) -> Box | None:
    """Draw a walking person standing at `foot`; return the box of what is in the frame."""
    fx, fy = foot
    h = _height(fy)
    mask = np.zeros(image.shape[:2], np.uint8)

    def p(dx: float, dy: float) -> tuple[int, int]:
        return round(fx + dx * h), round(fy - dy * h)

    def color(day: tuple[int, int, int], ir: float) -> tuple[float, ...]:
        # Under infrared light, clothes are grey: how bright depends on the fabric.
        return (ir * 255,) * 3 if night else tuple(float(v) for v in day)

    swing = 0.13 * math.sin(phase)
    hip, shoulder = 0.5, 0.82
    legs = [(p(-0.04, hip), p(-swing, 0.02)), (p(0.04, hip), p(swing, 0.02))]
    arms = [(p(-0.12, shoulder), p(-0.12 + swing, 0.5)), (p(0.12, shoulder), p(0.12 - swing, 0.5))]
    leg_w, arm_w = max(2, round(0.09 * h)), max(2, round(0.06 * h))
    torso = (p(-0.14, 0.85), p(0.14, 0.47))
    head, radius = p(0, 0.92), max(2, round(0.075 * h))
    for target, white in ((image, False), (mask, True)):
        trousers = (255.0,) if white else color(walk.trousers, walk.ir * 0.8)
        coat = (255.0,) if white else color(walk.coat, walk.ir)
        skin = (255.0,) if white else color((90, 120, 170), 0.75)
        for a, b in legs:
            cv2.line(target, a, b, trousers, leg_w)
        for a, b in arms:
            cv2.line(target, a, b, coat, arm_w)
        cv2.rectangle(target, torso[0], torso[1], coat, -1)
        cv2.circle(target, head, radius, skin, -1)
    points = cv2.findNonZero(mask)
    if points is None:
        return None
    x, y, w, bh = cv2.boundingRect(points)
    full = (0.30 * h) * h
    # A person counts as in view while most of them is in the frame.
    return (int(x), int(y), int(w), int(bh)) if w * bh >= 0.5 * full else None


WALKS = (
    # Brisk, along the driveway, left to right.
    Walk((-60, 300), (700, 255), 12, 0.8, (40, 40, 150), (60, 50, 40), 0.75),
    # Slow, from the back of the garden towards the house door, in dark clothes.
    Walk((150, 150), (585, 290), 28, 0.4, (35, 35, 35), (30, 30, 30), 0.55),
    # Brisk, small, far away along the hedge, right to left.
    Walk((660, 120), (-40, 112), 47, 0.8, (150, 150, 150), (90, 70, 60), 0.8),
)
SCENE_TICKS = 64


def scene_truth(
    interval: float = 1.0, ticks: int = SCENE_TICKS
) -> list[list[tuple[Walk, float, float, float]]]:
    """Return, per tick, the walkers in the scene with their foot position and stride."""
    per_tick: list[list[tuple[Walk, float, float, float]]] = [[] for _ in range(ticks)]
    for walk in WALKS:
        for tick, x, y, phase in walk_positions(walk, interval):
            if tick < ticks:
                per_tick[tick].append((walk, x, y, phase))
    return per_tick


def _to_night(image: Frame) -> Frame:
    """Return a scene as an IR-lit night camera shows it: grey, dark, brightest mid-frame."""
    grey = cv2.cvtColor(np.clip(image, 0, 255).astype(np.uint8), cv2.COLOR_BGR2GRAY).astype(
        np.float32
    )
    return cv2.cvtColor(grey * 0.28 * _ir_falloff(), cv2.COLOR_GRAY2BGR)


@cache
def _ir_falloff() -> Frame:
    ys, xs = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    r = np.hypot((xs - WIDTH / 2) / WIDTH, (ys - HEIGHT * 0.7) / HEIGHT)
    return np.asarray(1.25 - 0.9 * r, np.float32)


@cache
def _night_garden() -> Frame:
    return _to_night(garden())


def render_scene(
    level: str, interval: float = 1.0, ticks: int = SCENE_TICKS
) -> Iterator[tuple[Frame, Box | None]]:
    """Yield the clean rendered frames (float32) and the person's box, tick by tick."""
    night = level == "night"
    base = _night_garden() if night else garden()
    for walkers in scene_truth(interval, ticks):
        frame = base.copy()
        box: Box | None = None
        for walk, x, y, phase in walkers:
            if night:
                # IR light falls off away from the camera: scale the clothes like the scene.
                layer = np.zeros_like(frame)
                drawn = draw_person(layer, (x, y), phase, walk, night=True)
                lit = layer * 0.6 * _ir_falloff()[..., None]
                frame = np.where(layer > 0, lit + 12, frame)
            else:
                drawn = draw_person(frame, (x, y), phase, walk, night=False)
            box = drawn or box
        yield frame, box


# ---------------------------------------------------------------- real clips


@cache
def clip_frames(
    name: str, interval: float = 1.0, until: float | None = None
) -> tuple[tuple[float, Frame], ...]:
    """Return one 640x360 frame of a shared clip per tick, with its time."""
    frames: list[tuple[float, Frame]] = []
    with av.open(str(footage(name))) as container:
        stream = container.streams.video[0]
        next_time = 0.0
        for frame in container.decode(stream):
            t = float(frame.pts * stream.time_base)
            if until is not None and t > until:
                break
            if t + 1e-6 >= next_time:
                next_time += interval
                image = cv2.resize(
                    frame.to_ndarray(format="bgr24"), (WIDTH, HEIGHT), interpolation=cv2.INTER_AREA
                )
                frames.append((t, image))
    return tuple(frames)


def _room_empty(t: float) -> bool:
    return any(start <= t <= end for start, end in ROOM_EMPTY)


def room_truth(frames: tuple[tuple[float, Frame], ...]) -> list[Box | None]:
    """Return the person's box in each clean frame of the room clip, None when it is empty.

    The box is where the frame differs from the empty room (its first frames):
    the largest changed region, which for these clips is the person.
    """
    empty = np.median(np.stack([f for t, f in frames if t < 4.5]), axis=0).astype(np.uint8)
    empty_grey = cv2.GaussianBlur(cv2.cvtColor(empty, cv2.COLOR_BGR2GRAY), (5, 5), 0)
    boxes: list[Box | None] = []
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (7, 7))
    for t, frame in frames:
        if _room_empty(t):
            boxes.append(None)
            continue
        grey = cv2.GaussianBlur(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY), (5, 5), 0)
        mask = (cv2.absdiff(grey, empty_grey) > 35).astype(np.uint8)
        mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
        count, _, stats, _ = cv2.connectedComponentsWithStats(mask)
        if count < 2 or stats[1:, cv2.CC_STAT_AREA].max() < 800:
            boxes.append(None)
            continue
        x, y, w, h, _ = stats[1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))]
        boxes.append((int(x), int(y), int(w), int(h)))
    return boxes


# ---------------------------------------------------------------- weather

_NOISE_MARGIN = 97


@cache
def _noise_field() -> Frame:
    """Return a fixed field of standard normal noise, larger than a frame.

    Drawing fresh noise for every pixel of every frame costs more than the rest
    of the weather; random windows of one field are as good for a motion filter.
    """
    rng = np.random.default_rng(99)
    return rng.standard_normal((HEIGHT + _NOISE_MARGIN, WIDTH + _NOISE_MARGIN, 3), dtype=np.float32)


class Weather:
    """Bad weather, lens dirt and camera artefacts laid over frames, tick by tick."""

    def __init__(self, kind: str, level: str, seed: int) -> None:
        """Start the weather `kind` at `level` (day or night) from a seeded generator."""
        if kind not in KINDS or level not in LEVELS:
            raise ValueError(f"no weather {kind!r} at {level!r}")
        self.kind, self.level = kind, level
        self.night = level == "night"
        self.rng = np.random.default_rng(seed)
        self.tick = 0
        self._drops: list[list[float]] = []
        self._insects = [
            [float(self.rng.uniform(0, WIDTH)), float(self.rng.uniform(0, HEIGHT))]
            for _ in range(5)
        ]
        self._shadow_x = float(self.rng.uniform(-250, 0))

    def apply(self, clean: Frame) -> Frame:
        """Return the next tick's frame (uint8 BGR) with the weather over `clean` (float or uint8)."""
        frame = clean.astype(np.float32)
        kind = self.kind
        if kind == "light":
            frame = self._light(frame)
        if kind == "rain":
            frame = self._rain(frame)
        elif kind == "snow":
            frame = self._snow(frame)
        elif kind == "drizzle":
            frame = self._drizzle(frame)
        elif kind == "insects":
            frame = self._insects_ir(frame)
        frame = self._sensor(frame, heavy=kind == "noise")
        out = np.clip(frame, 0, 255).astype(np.uint8)
        if kind == "compression":
            out = self._compress(out)
        self.tick += 1
        return out

    # Each effect returns the frame as float32 BGR.

    def _sensor(self, frame: Frame, *, heavy: bool) -> Frame:
        if self.night:
            sigma = 11.0 if heavy else 6.0
            # Shot noise grows with the light collected; the read noise is flat.
            shot = np.sqrt(np.maximum(frame[..., :1], 0) * (1.5 if heavy else 0.8))
            grey = self._noise(1) * (sigma + shot)
            return frame + grey + self._noise(3) * (sigma * 0.25)
        return frame + self._noise(3) * (5.0 if heavy else 2.0)

    def _noise(self, channels: int) -> Frame:
        """Return standard normal noise for one frame: a random window of a fixed noise field."""
        field = _noise_field()
        dy, dx = (int(v) for v in self.rng.integers(0, _NOISE_MARGIN, 2))
        window = field[dy : dy + HEIGHT, dx : dx + WIDTH, :channels]
        return window[:, ::-1] if self.rng.random() < 0.5 else window

    def _light(self, frame: Frame) -> Frame:
        # Dusk (or the IR illuminator's auto gain at night): 1.5 % a tick, back and forth.
        gain = 1.0 - 0.35 * (0.5 - 0.5 * math.cos(self.tick * 2 * math.pi / 48))
        frame = frame * gain
        # A soft cloud shadow drifting across the garden, 14 px a tick.
        self._shadow_x += 14
        ys, xs = np.mgrid[0:HEIGHT:4, 0:WIDTH:4].astype(np.float32)
        inside = ((xs - self._shadow_x) / 220) ** 2 + ((ys - 200) / 260) ** 2
        shade = 1 - 0.4 / (1 + np.exp(np.minimum((inside - 1) * 6, 50)))
        shade = cv2.resize(shade, (WIDTH, HEIGHT), interpolation=cv2.INTER_LINEAR)
        if self._shadow_x > WIDTH + 250:
            self._shadow_x = -250
        return frame * shade[..., None]

    def _rain(self, frame: Frame) -> Frame:
        rng = self.rng
        layer = np.zeros(frame.shape[:2], np.float32)
        slant = float(rng.normal(0.25, 0.03))
        for _ in range(350):
            x, y = float(rng.uniform(-40, WIDTH)), float(rng.uniform(-40, HEIGHT))
            length = float(rng.uniform(8, 30))
            strength = float(rng.uniform(0.15, 0.45))
            cv2.line(
                layer,
                (round(x), round(y)),
                (round(x + slant * length), round(y + length)),
                strength,
                1,
            )
        for _ in range(6):
            # Drops close to the lens: wide, blurred, bright streaks.
            x, y = float(rng.uniform(0, WIDTH)), float(rng.uniform(-60, HEIGHT))
            length = float(rng.uniform(40, 90))
            cv2.line(
                layer,
                (round(x), round(y)),
                (round(x + slant * length), round(y + length)),
                float(rng.uniform(0.3, 0.6)),
                int(rng.integers(3, 6)),
            )
        layer = cv2.GaussianBlur(layer, (0, 0), 0.8)[..., None]
        bright = 230.0 if not self.night else 200.0
        # Rain also veils the scene a little.
        frame = frame * 0.92 + (15 if not self.night else 4)
        return frame * (1 - layer) + bright * layer

    def _snow(self, frame: Frame) -> Frame:
        rng = self.rng
        layer = np.zeros(frame.shape[:2], np.float32)
        near = np.zeros_like(layer)
        for _ in range(300):
            x, y = int(rng.integers(0, WIDTH)), int(rng.integers(0, HEIGHT))
            cv2.circle(
                layer, (x, y), int(rng.choice([1, 1, 1, 2, 2, 3])), float(rng.uniform(0.5, 1.0)), -1
            )
        for _ in range(int(rng.integers(4, 10))):
            # Near the lens: big, soft and see-through; lit by the IR light at night.
            x, y = int(rng.integers(0, WIDTH)), int(rng.integers(0, HEIGHT))
            cv2.circle(near, (x, y), int(rng.integers(4, 11)), float(rng.uniform(0.35, 0.7)), -1)
        layer = cv2.GaussianBlur(layer, (0, 0), 0.7) + cv2.GaussianBlur(near, (0, 0), 3.0)
        layer = np.minimum(layer, 1.0)[..., None]
        white = 245.0 if not self.night else 220.0
        return frame * (1 - layer) + white * layer

    def _drizzle(self, frame: Frame) -> Frame:
        rng = self.rng
        drops = self._drops
        for _ in range(rng.poisson(1.2)):
            drops.append(
                [
                    float(rng.uniform(0, WIDTH)),
                    float(rng.uniform(0, HEIGHT)),
                    float(rng.uniform(6, 18)),
                ]
            )
        kept: list[list[float]] = []
        for drop in drops:
            roll = rng.random()
            if roll < 0.12:
                continue  # ran off or dried
            if roll < 0.45:
                drop[1] += drop[2] * float(rng.uniform(0.3, 1.5))  # slid down
            if drop[1] - drop[2] < HEIGHT:
                kept.append(drop)
        self._drops = kept[-25:]
        if not self._drops:
            return frame
        alpha = np.zeros(frame.shape[:2], np.float32)
        for x, y, r in self._drops:
            cv2.circle(alpha, (round(x), round(y)), round(r), 1.0, -1)
        alpha = cv2.GaussianBlur(alpha, (0, 0), 2.0)[..., None] * 0.9
        # What a drop shows: the scene behind it out of focus, brighter (it catches the light).
        behind = cv2.GaussianBlur(frame, (0, 0), 6.0) * 1.1 + (25 if self.night else 12)
        return frame * (1 - alpha) + behind * alpha

    def _insects_ir(self, frame: Frame) -> Frame:
        rng = self.rng
        layer = np.zeros(frame.shape[:2], np.float32)
        for bug in self._insects:
            # Erratic flight close to the lens: long jumps between ticks, a short blurred trail.
            bug[0] = float(np.clip(bug[0] + rng.normal(0, 120), 0, WIDTH))
            bug[1] = float(np.clip(bug[1] + rng.normal(0, 80), 0, HEIGHT))
            x, y = bug
            radius = int(rng.integers(1, 5))
            trail = (round(x + rng.normal(0, 12)), round(y + rng.normal(0, 12)))
            cv2.line(layer, (round(x), round(y)), trail, float(rng.uniform(0.6, 1.0)), 2 * radius)
        layer = np.minimum(cv2.GaussianBlur(layer, (0, 0), 1.5), 1.0)[..., None]
        return frame * (1 - layer) + 250.0 * layer

    def _compress(self, frame: Frame) -> Frame:
        rng = self.rng
        # A whole-picture brightness pulse, as an encoder's keyframes give.
        frame = np.clip(frame.astype(np.int16) + int(rng.integers(-3, 4)), 0, 255).astype(np.uint8)
        quality = int(rng.integers(8, 40))
        ok, data = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, quality])
        assert ok
        return cv2.imdecode(data, cv2.IMREAD_COLOR)


# ---------------------------------------------------------------- sequences


def _ticks(frames: list[Frame], boxes: list[Box | None]) -> list[Tick]:
    """Return the ticks of frames with their truth: benign, or a person in view (entering)."""
    before = [None, *boxes[:-1]]
    return [
        Tick(frame, box, box is None and last is None, box is not None and last is None)
        for frame, box, last in zip(frames, boxes, before, strict=True)
    ]


def scene_sequence(
    kind: str, level: str, seed: int = 1, ticks: int = SCENE_TICKS, interval: float = 1.0
) -> list[Tick]:
    """Return the rendered garden with people walking through, in weather, one frame a tick."""
    weather = Weather(kind, level, seed)
    clean = list(render_scene(level, interval, ticks))
    return _ticks([weather.apply(frame) for frame, _ in clean], [box for _, box in clean])


def _night_clip(frame: Frame) -> Frame:
    grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY).astype(np.float32)
    return cv2.cvtColor(grey * 0.3, cv2.COLOR_GRAY2BGR)


def room_sequence(
    kind: str, level: str, seed: int = 1, until: float = 139.0, interval: float = 1.0
) -> list[Tick]:
    """Return the real room clip in weather: empty spans are benign, the people are positives."""
    frames = clip_frames(PERSON_CLIP, interval, until)
    boxes = room_truth(frames)
    weather = Weather(kind, level, seed)
    night = level == "night"
    return _ticks(
        [weather.apply(_night_clip(frame) if night else frame) for _, frame in frames], boxes
    )


def empty_sequence(kind: str, level: str, seed: int = 1, ticks: int = 40) -> list[Tick]:
    """Return `ticks` benign ticks: the empty room (the clip's first seconds) in weather."""
    frames = [frame for _, frame in clip_frames(PERSON_CLIP, 0.5, 4.5)]
    weather = Weather(kind, level, seed)
    out = []
    for index in range(ticks):
        base = frames[index % len(frames)]
        base = _night_clip(base) if level == "night" else base
        out.append(Tick(weather.apply(base), None, True))
    return out
