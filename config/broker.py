"""The embedded filesystem broker (kombu's), made to survive a bad message file.

kombu's filesystem channel creates the message file, then writes it; its reader takes the first `*.msg` file and
`json.loads` it. A reader that comes between the two (or a disk that filled up mid-write) gets an empty or cut
file, the JSONDecodeError escapes the worker's consumer and kills the worker, and honcho (`make run`) then stops
the whole site. Two changes, both here:

- `_put` writes to a hidden temporary name and renames it into place, so a reader never sees half a message
  (rename is atomic on one filesystem); a failed write (disk full) leaves nothing behind.
- `_get` moves a file that is not a kombu message (empty, not JSON, not the message shape) to the corrupt folder
  (transport option `corrupt_folder`, default `<data_folder_in>-corrupt`), logs it, and goes on to the next one.

Selected in config/celery.py for `filesystem://` URLs only. Hand-written on kombu's own transport because kombu
offers no hook for either.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
import uuid
from queue import Empty
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads

logger = logging.getLogger(__name__)


class Channel(filesystem.Channel):
    @property
    def corrupt_folder(self) -> str:
        return self.transport_options.get("corrupt_folder") or str(self.data_folder_in).rstrip("/\\") + "-corrupt"

    def _put(self, queue, payload, **kwargs) -> None:
        """Put a message onto `queue`: written under a name no reader picks, then renamed into place."""
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = os.path.join(self.data_folder_out, f".{name}.partial")
        try:
            with open(partial, "wb") as handle:
                handle.write(str_to_bytes(dumps(payload)))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, final)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.remove(partial)
            raise ChannelError(f"Cannot add file {name!r} to directory") from exc

    def _get(self, queue):
        """The next message of `queue`; files that are not messages are moved aside, logged and skipped."""
        wanted = f"{queue}.msg"
        processed_folder = self.processed_folder if self.store_processed else tempfile.gettempdir()
        for filename in sorted(os.listdir(self.data_folder_in)):
            if filename.startswith(".") or filename.partition(".")[2] != wanted:
                continue
            claimed = os.path.join(processed_folder, filename)
            try:
                # Claim it (another consumer may be quicker: then it is gone and we try the next one).
                shutil.move(os.path.join(self.data_folder_in, filename), processed_folder)
            except OSError:
                continue
            try:
                with open(claimed, "rb") as handle:
                    payload = handle.read()
            except OSError as exc:
                raise ChannelError(f"Cannot read file {claimed!r} from queue.") from exc
            message = self._decode(payload)
            if message is None:
                self._move_aside(claimed, filename, size=len(payload))
                continue
            if not self.store_processed:
                os.remove(claimed)
            return message
        raise Empty()

    @staticmethod
    def _decode(payload: bytes):
        """The message, or None when the bytes are not one (empty, cut, not JSON, not kombu's shape)."""
        try:
            message = loads(bytes_to_str(payload))
        except (ValueError, UnicodeDecodeError):  # JSONDecodeError is a ValueError
            return None
        if not isinstance(message, dict) or "body" not in message or not isinstance(message.get("properties"), dict):
            return None
        return message

    def _move_aside(self, claimed: str, filename: str, *, size: int) -> None:
        os.makedirs(self.corrupt_folder, exist_ok=True)
        target = os.path.join(self.corrupt_folder, filename)
        try:
            shutil.move(claimed, target)
        except OSError:
            target = claimed  # could not move it (disk full?): it stays where it is, out of the queue anyway
        logger.error(
            "broker: message file %s (%d bytes) is not a valid message; moved to %s and skipped", filename, size, target
        )


class Transport(filesystem.Transport):
    Channel = Channel
