"""A real RTSP server (GStreamer) for tests and the demo; runs under Debian's python3.

Serves a video file (MP4/QuickTime or Matroska, H.264 video sent as it is) or any
GStreamer launch line, on 127.0.0.1, with optional basic authentication. With
--audio the file's audio track is served too: AAC as it is, or re-encoded to
8 kHz mono G.711 (--audio-codec pcmu / pcma) the way many cameras send it. Every
client gets its own pipeline, so each connection starts at the beginning of the
clip. With --mount PATH=FILE (repeatable) one process serves many cameras, each
file at a path of its own, instead of one --file at --path. Prints "READY <port>"
once it listens.
"""

from __future__ import annotations

import argparse
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

AUDIO_CODECS = ("aac", "pcmu", "pcma")
# G.711 encoder and RTP payloader (static payload types 0 and 8) per codec.
_G711 = {"pcmu": ("mulawenc", "rtppcmupay", 0), "pcma": ("alawenc", "rtppcmapay", 8)}


def file_launch(path: str, *, audio: bool, audio_codec: str = "aac") -> str:
    """Return a launch line serving a file's H.264 track and, with audio, its audio track."""
    demuxer = "matroskademux" if path.lower().endswith((".mkv", ".webm")) else "qtdemux"
    launch = (
        f'( filesrc location="{path}" ! {demuxer} name=d '
        "d.video_0 ! queue ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=-1"
    )
    if audio and audio_codec == "aac":
        launch += " d.audio_0 ! queue ! aacparse ! rtpmp4gpay name=pay1 pt=97"
    elif audio:
        encoder, payloader, payload_type = _G711[audio_codec]
        # Whatever the file holds is decoded and sent as an 8 kHz mono G.711 camera would.
        launch += (
            " d.audio_0 ! queue ! decodebin ! audioconvert ! audioresample"
            f" ! audio/x-raw,rate=8000,channels=1 ! {encoder}"
            f" ! {payloader} name=pay1 pt={payload_type}"
        )
    return launch + " )"


def main() -> int:
    """Run the server until SIGTERM or SIGINT."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", default="/stream")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--file")
    source.add_argument("--launch")
    source.add_argument(
        "--mount", action="append", metavar="PATH=FILE", help="serve FILE at PATH (repeatable)"
    )
    parser.add_argument("--audio", action="store_true")
    parser.add_argument("--audio-codec", choices=AUDIO_CODECS, default="aac")
    parser.add_argument("--user")
    parser.add_argument("--password")
    args = parser.parse_args()

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))

    if args.mount:
        mounts = dict(mount.split("=", 1) for mount in args.mount)
    else:
        mounts = {args.path: args.file}
    permissions = None
    if args.user is not None:
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "user")
        basic = GstRtspServer.RTSPAuth.make_basic(args.user, args.password or "")
        auth.add_basic(basic, token)
        server.set_auth(auth)
        permissions = GstRtspServer.RTSPPermissions()
        permissions.add_permission_for_role(
            "user", GstRtspServer.RTSP_PERM_MEDIA_FACTORY_ACCESS, True
        )
        permissions.add_permission_for_role(
            "user", GstRtspServer.RTSP_PERM_MEDIA_FACTORY_CONSTRUCT, True
        )

    for path, file in mounts.items():
        factory = GstRtspServer.RTSPMediaFactory()
        factory.set_launch(
            args.launch
            if args.launch
            else file_launch(file, audio=args.audio, audio_codec=args.audio_codec)
        )
        factory.set_shared(False)
        if permissions is not None:
            factory.set_permissions(permissions)
        server.get_mount_points().add_factory(path, factory)
    if server.attach(None) == 0:
        print(f"cannot listen on port {args.port}", file=sys.stderr, flush=True)
        return 1

    loop = GLib.MainLoop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_HIGH, sig, loop.quit)
    print(f"READY {args.port}", flush=True)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
