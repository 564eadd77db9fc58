"""Make the register's sounds (16-bit mono WAV, 44.1 kHz) from plain sine tones.

    python assets/sounds/make_sounds.py      # rewrites the .wav files beside this script

Approved and declined differ in pitch direction and rhythm (a rising two-note chime against a
low falling double buzz), so they are told apart without looking at the screen.
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

RATE = 44_100
HERE = Path(__file__).resolve().parent

# (frequency Hz, duration s, waveform) notes; frequency 0 is a pause
SOUNDS: dict[str, list[tuple[float, float, str]]] = {
    "read": [(1800.0, 0.07, "sine")],
    "approved": [(880.0, 0.12, "sine"), (0.0, 0.03, "sine"), (1318.5, 0.25, "sine")],
    "declined": [(330.0, 0.18, "square"), (0.0, 0.07, "sine"), (247.0, 0.32, "square")],
    "attention": [(988.0, 0.1, "sine"), (0.0, 0.08, "sine"), (988.0, 0.1, "sine")],
}


def tone(freq: float, seconds: float, wave_form: str) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    if freq == 0.0:
        return np.zeros_like(t)
    raw = np.sin(2 * np.pi * freq * t)
    if wave_form == "square":
        raw = 0.6 * np.sign(raw)  # softened square: a buzz, not a shriek
    fade = min(len(t) // 4, int(RATE * 0.01))
    envelope = np.ones_like(t)
    envelope[:fade] = np.linspace(0, 1, fade)
    envelope[-fade:] = np.linspace(1, 0, fade)
    return raw * envelope


def render(notes: list[tuple[float, float, str]]) -> bytes:
    samples = np.concatenate([tone(*note) for note in notes]) * 0.5
    return (samples * 32767).astype("<i2").tobytes()


def main() -> None:
    for name, notes in SOUNDS.items():
        with wave.open(str(HERE / f"{name}.wav"), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(RATE)
            out.writeframes(render(notes))


if __name__ == "__main__":
    main()
