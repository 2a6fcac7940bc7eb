"""The checker protocol's framing: NUL-terminated requests (bash strings hold no NUL), read as they arrive."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import IO

READ_CHUNK = 65536
PARENT_CHECK_SECONDS = 10.0


def frames(stream: IO[bytes], parent: int | None = None) -> Iterator[bytes]:
    """NUL-terminated frames, each yielded as soon as it is complete (a shell waits for each reply).

    With ``parent``, the stream also ends when that process is gone: a child of the shell that inherited the
    write end of our stdin (zsh cannot mark it close-on-exec) must not keep a checker alive after its shell."""
    import select

    fd = stream.fileno()
    buffer = b""
    while True:
        if parent is not None:
            ready, _, _ = select.select([fd], [], [], PARENT_CHECK_SECONDS)
            if not ready:
                if os.getppid() != parent:
                    return
                continue
        chunk = os.read(fd, READ_CHUNK)
        if not chunk:
            if buffer:
                yield buffer
            return
        buffer += chunk
        while b"\0" in buffer:
            frame, buffer = buffer.split(b"\0", 1)
            yield frame
