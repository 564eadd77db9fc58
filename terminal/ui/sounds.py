"""The register's sounds: a code was read, approved, declined, attention (a step-up).

Played with QSoundEffect (low latency, WAV). A machine without an audio device plays nothing and
the register works on; ``played`` is emitted either way, which is what the tests listen to."""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import QObject, QUrl, Signal

from terminal.domain.flow import Sound
from terminal.ui.assets import sound_path


class Cue(Enum):
    READ = "read"
    APPROVED = "approved"
    DECLINED = "declined"
    ATTENTION = "attention"

    @classmethod
    def of(cls, sound: Sound) -> Cue:
        return cls(sound.value)


class SoundPlayer(QObject):
    played = Signal(object)  # Cue

    def __init__(self, parent: QObject | None = None, *, muted: bool = False) -> None:
        super().__init__(parent)
        self.muted = muted
        self._effects: dict[Cue, object] = {}

    def play(self, cue: Cue) -> None:
        if not self.muted:
            effect = self._effects.get(cue) or self._load(cue)
            effect.play()  # type: ignore[attr-defined]
        self.played.emit(cue)

    def _load(self, cue: Cue) -> object:
        # Imported on first use: QtMultimedia costs start-up time the first panel does not need.
        from PySide6.QtMultimedia import QSoundEffect

        effect = QSoundEffect(self)
        effect.setSource(QUrl.fromLocalFile(str(sound_path(cue.value))))
        effect.setVolume(0.8)
        self._effects[cue] = effect
        return effect
