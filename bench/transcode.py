"""Transcoding cost: CPU seconds per second of 1080p source for the whole rendition ladder
(videos.media.transcode, as the review runs it), against the `ffmpeg` command line producing the
same ladder (same scaler, x264 settings, forced 2 s keyframes, AAC, HLS fMP4, a loudness
measurement pass and the gain) in the same run. Target: ≤ 1.2x.

Each encode runs in a child process and is charged its user+system CPU time; rounds alternate
between the two and the medians are compared, because these machines are shared and noisy.

    python bench/transcode.py                       # 20 s of 1080x1920 at 30 fps, 3 rounds
    python bench/transcode.py --seconds 4 --rounds 1  # smoke (CI)
"""

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET = 1.2


def _ours(source: str, folder: str) -> None:
    from videos.media.transcode import encode_ladder
    from videos.services.playback import ladder_settings

    encode_ladder(source, folder, ladder_settings())


def _ffmpeg_command(source: str, folder: str, rungs, gain_db: float, keyframe_seconds: float) -> list[str]:
    import av

    from videos.media.transcode import AUDIO_LAYOUT, AUDIO_RATE, rendition_sizes

    with av.open(source) as container:
        width, height = container.streams.video[0].width, container.streams.video[0].height
    sizes = rendition_sizes(width, height, rungs)
    split = f"[0:v]split={len(sizes)}" + "".join(f"[s{n}]" for n in range(len(sizes)))
    scales = [f"[s{n}]scale={w}:{h}:flags=bicubic,format=yuv420p[v{n}]" for n, (_, w, h) in enumerate(sizes)]
    command = ["ffmpeg", "-v", "error", "-y", "-i", source, "-filter_complex", ";".join([split, *scales])]
    for n, (rung, _, _) in enumerate(sizes):
        name = f"{rung.height}p"
        command += [
            "-map", f"[v{n}]", "-map", "0:a",
            "-c:v", "libx264", "-preset", os.environ.get("VIDEO_X264_PRESET", "veryfast"), "-crf", str(rung.crf),
            "-maxrate", f"{rung.max_kbps}k", "-bufsize", f"{2 * rung.max_kbps}k", "-profile:v", "high",
            "-x264-params", "keyint=infinite:scenecut=0:open-gop=0", "-forced-idr", "1",
            "-force_key_frames", f"expr:gte(t,n_forced*{keyframe_seconds:g})",
            "-af", f"volume={gain_db:.2f}dB", "-c:a", "aac", "-b:a", "128k", "-ar", str(AUDIO_RATE),
            "-ac", "2" if AUDIO_LAYOUT == "stereo" else "1",
            "-f", "hls", "-hls_time", f"{keyframe_seconds:g}", "-hls_playlist_type", "vod",
            "-hls_segment_type", "fmp4", "-hls_fmp4_init_filename", f"{name}_init.mp4",
            "-hls_segment_filename", f"{folder}/{name}_%03d.m4s", f"{folder}/{name}.m3u8",
        ]  # fmt: skip
    return command


def _ffmpeg(source: str, folder: str) -> None:
    from videos.media.transcode import measure_gain_db
    from videos.services.playback import ladder_settings

    settings = ladder_settings()
    # ffmpeg measures loudness in a pass of its own too (what loudnorm's first pass does)
    subprocess.run(["ffmpeg", "-v", "error", "-i", source, "-af", "ebur128", "-f", "null", "-"], check=True)
    gain = measure_gain_db(source, settings)  # the same gain, so both write the same sound
    subprocess.run(_ffmpeg_command(source, folder, settings.rungs, gain, settings.keyframe_seconds), check=True)


def _cpu_of(kind: str, source: str) -> float:
    """CPU seconds the encode took in a child process (and its children)."""
    folder = tempfile.mkdtemp(prefix=f"ladder-{kind}-")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, __file__, "--child", kind, "--source", source, "--folder", folder], check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    shutil.rmtree(folder)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", choices=["ours", "ffmpeg"], help=argparse.SUPPRESS)
    parser.add_argument("--source", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform.settings")
    import django

    import platform_shim  # noqa: F401

    django.setup()
    if args.child:
        (_ours if args.child == "ours" else _ffmpeg)(args.source, args.folder)
        return 0
    if shutil.which("ffmpeg") is None:
        sys.exit("ffmpeg is not installed (apt-get install ffmpeg): it is the baseline")
    from videos.media.synthetic import make_video

    with tempfile.TemporaryDirectory() as scratch:
        source = str(make_video(Path(scratch) / "source.mp4", seconds=args.seconds, size=(1080, 1920), fps=30))
        print(f"source: {args.seconds:g} s of 1080x1920 at 30 fps; ladder 360p-1080p", flush=True)
        ours, theirs = [], []
        for n in range(args.rounds):
            ours.append(_cpu_of("ours", source))
            theirs.append(_cpu_of("ffmpeg", source))
            print(
                f"  round {n + 1}/{args.rounds}: ours {ours[-1]:.1f} CPU s, ffmpeg {theirs[-1]:.1f} CPU s", flush=True
            )
    mine, floor = statistics.median(ours) / args.seconds, statistics.median(theirs) / args.seconds
    ratio = mine / floor
    print(f"{'CPU s per second of 1080p source':<40}{'median':>8}")
    print(f"{'Flywheel (PyAV, videos.media.transcode)':<40}{mine:>8.2f}")
    print(f"{'ffmpeg command line, same ladder':<40}{floor:>8.2f}")
    print(f"ratio {ratio:.2f}x (target ≤ {TARGET:g}x): {'ok' if ratio <= TARGET else 'OVER TARGET'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
